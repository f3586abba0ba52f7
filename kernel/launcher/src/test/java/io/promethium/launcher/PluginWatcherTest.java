package io.promethium.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.launcher.spi.PluginFile;
import io.promethium.launcher.spi.PluginRefusedException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;

/** The plugin folder on a real Felix: atomic updates that roll back, uploads that leave nothing behind. */
class PluginWatcherTest {

    @TempDir
    Path dir;
    private Framework framework;
    private Path plugins;
    private PluginWatcher watcher;

    @BeforeEach
    void startFramework() throws Exception {
        framework = new FrameworkFactory().newFramework(Map.of(Constants.FRAMEWORK_STORAGE, dir.resolve("cache").toString(),
                Constants.FRAMEWORK_BSNVERSION, Constants.FRAMEWORK_BSNVERSION_MULTIPLE));
        framework.start();
        plugins = Files.createDirectories(dir.resolve("plugins"));
        watcher = new PluginWatcher(framework.getBundleContext(), plugins, PluginSignatures.none());
    }

    @AfterEach
    void stopFramework() throws Exception {
        framework.stop();
        framework.waitForStop(10_000);
    }

    private byte[] jar(String version, String... headers) throws Exception {
        Path jar = dir.resolve("built-" + version + "-" + headers.length + ".jar");
        TestSigning.bundle(jar, "test.swap", version, List.of(headers), "v.txt=" + version);
        return Files.readAllBytes(jar);
    }

    private List<Bundle> swapBundles() {
        return java.util.Arrays.stream(framework.getBundleContext().getBundles())
                .filter(b -> "test.swap".equals(b.getSymbolicName())).toList();
    }

    private static InputStream bytes(byte[] content) {
        return new ByteArrayInputStream(content);
    }

    /** Drops a jar into the folder as a copy would, old enough for the next scan to take it. */
    private void drop(byte[] content) throws Exception {
        Path jar = plugins.resolve("swap.jar");
        Files.write(jar, content);
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() - 10_000 + content.length));
        watcher.scan();
    }

    @Test
    void aReplacedJarThatCannotResolveLeavesThePreviousVersionRunningAndSaysWhy() throws Exception {
        drop(jar("1.0.0"));
        assertThat(swapBundles()).singleElement().satisfies(b -> assertThat(b.getState()).isEqualTo(Bundle.ACTIVE));

        drop(jar("2.0.0", "Import-Package: com.example.absent"));
        assertThat(swapBundles()).as("the failed update is uninstalled").singleElement().satisfies(b -> {
            assertThat(b.getVersion().toString()).isEqualTo("1.0.0");
            assertThat(b.getState()).isEqualTo(Bundle.ACTIVE);
        });
        PluginFile file = watcher.files().get(0);
        assertThat(file.error()).contains("missing package com.example.absent").contains("test.swap 1.0.0 keeps running");

        drop(jar("3.0.0"));
        assertThat(swapBundles()).singleElement().satisfies(b -> {
            assertThat(b.getVersion().toString()).isEqualTo("3.0.0");
            assertThat(b.getState()).isEqualTo(Bundle.ACTIVE);
        });
        assertThat(watcher.files().get(0).error()).isEmpty();
    }

    @Test
    void anUploadedUpdateThatFailsToStartBringsThePreviousVersionBackAndLeavesTheFolderAsItWas() throws Exception {
        byte[] v1 = jar("1.0.0");
        PluginFile installed = watcher.install("swap.jar", bytes(v1));
        assertThat(installed.error()).isEmpty();

        assertThatThrownBy(() -> watcher.install("swap.jar", bytes(jar("2.0.0", "Bundle-Activator: com.example.Missing"))))
                .isInstanceOf(PluginRefusedException.class).hasMessageContaining("com.example.Missing")
                .extracting(e -> ((PluginRefusedException) e).reason()).isEqualTo(PluginRefusedException.Reason.FAILED);
        assertThat(swapBundles()).singleElement().satisfies(b -> {
            assertThat(b.getVersion().toString()).isEqualTo("1.0.0");
            assertThat(b.getState()).as("started again").isEqualTo(Bundle.ACTIVE);
            assertThat(b.getBundleId()).isEqualTo(installed.bundleId());
        });
        assertThat(Files.readAllBytes(plugins.resolve("swap.jar"))).isEqualTo(v1);
        try (var listing = Files.list(plugins)) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("swap.jar");
        }
        watcher.scan();
        assertThat(swapBundles()).singleElement().satisfies(b -> assertThat(b.getBundleId()).isEqualTo(installed.bundleId()));
    }

    @Test
    void anUploadedUpdateReplacesTheRunningVersion() throws Exception {
        long first = watcher.install("swap.jar", bytes(jar("1.0.0"))).bundleId();
        PluginFile second = watcher.install("swap.jar", bytes(jar("1.0.0")));
        assertThat(second.bundleId()).isNotEqualTo(first);
        assertThat(swapBundles()).singleElement().satisfies(b -> {
            assertThat(b.getBundleId()).isEqualTo(second.bundleId());
            assertThat(b.getState()).isEqualTo(Bundle.ACTIVE);
        });
    }

    @Test
    void aCoreBundleIsReplacedAtomicallyToo() throws Exception {
        Path v1 = dir.resolve("core-1.jar");
        TestSigning.bundle(v1, "test.swap", "1.0.0", List.of(), "v.txt=1");
        Bundle core = framework.getBundleContext().installBundle("promethium-core:swap.jar", Files.newInputStream(v1));
        core.start();
        Path broken = dir.resolve("core-2.jar");
        Files.write(broken, jar("2.0.0", "Import-Package: com.example.absent"));
        assertThatThrownBy(() -> watcher.replaceBundle(core.getBundleId(), broken))
                .isInstanceOf(PluginRefusedException.class).hasMessageContaining("missing package com.example.absent");
        assertThat(swapBundles()).singleElement().satisfies(b -> {
            assertThat(b.getBundleId()).isEqualTo(core.getBundleId());
            assertThat(b.getState()).isEqualTo(Bundle.ACTIVE);
        });
        Path good = dir.resolve("core-3.jar");
        Files.write(good, jar("3.0.0"));
        long replaced = watcher.replaceBundle(core.getBundleId(), good);
        assertThat(swapBundles()).singleElement().satisfies(b -> {
            assertThat(b.getBundleId()).isEqualTo(replaced);
            assertThat(b.getVersion().toString()).isEqualTo("3.0.0");
            assertThat(b.getState()).isEqualTo(Bundle.ACTIVE);
        });
    }

    @Test
    void aRejectedUploadLeavesNothingInTheFolder() throws Exception {
        assertThatThrownBy(() -> watcher.install("corrupt.jar", bytes("not a zip".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(PluginRefusedException.class)
                .extracting(e -> ((PluginRefusedException) e).reason()).isEqualTo(PluginRefusedException.Reason.INVALID);
        assertThatThrownBy(() -> watcher.install("unresolved.jar", bytes(jar("1.0.0", "Import-Package: com.example.absent"))))
                .isInstanceOf(PluginRefusedException.class).hasMessageContaining("missing package com.example.absent");
        try (var listing = Files.list(plugins)) {
            assertThat(listing).isEmpty();
        }
        assertThat(swapBundles()).isEmpty();
        assertThat(watcher.files()).isEmpty();

        watcher.install("swap.jar", bytes(jar("1.0.0")));
        assertThatThrownBy(() -> watcher.install("twin.jar", bytes(jar("1.0.0"))))
                .isInstanceOf(PluginRefusedException.class).hasMessageContaining("installed already, from plugins/swap.jar");
        assertThat(swapBundles()).hasSize(1);
    }

    @Test
    void withATrustStoreAnUnsignedJarIsRefusedInTheFolderAndThroughTheApiAlike() throws Exception {
        TestSigning signing = TestSigning.withCa(dir.resolve("keys"), "Watcher");
        PluginWatcher strict = new PluginWatcher(framework.getBundleContext(), plugins, PluginSignatures.fromFlag(signing.caPem.toString()));
        byte[] unsigned = jar("1.0.0");
        assertThatThrownBy(() -> strict.install("swap.jar", bytes(unsigned)))
                .isInstanceOf(PluginRefusedException.class).hasMessageContaining("not signed")
                .extracting(e -> ((PluginRefusedException) e).reason()).isEqualTo(PluginRefusedException.Reason.UNTRUSTED);
        assertThatThrownBy(() -> strict.install("corrupt.jar", bytes("not a zip".getBytes(StandardCharsets.UTF_8))))
                .as("not a jar at all: invalid, not untrusted")
                .extracting(e -> ((PluginRefusedException) e).reason()).isEqualTo(PluginRefusedException.Reason.INVALID);
        try (var listing = Files.list(plugins)) {
            assertThat(listing).isEmpty();
        }

        Path dropped = plugins.resolve("dropped.jar");
        Files.write(dropped, unsigned);
        Files.setLastModifiedTime(dropped, FileTime.fromMillis(System.currentTimeMillis() - 10_000));
        strict.scan();
        assertThat(swapBundles()).as("not installed").isEmpty();
        assertThat(strict.files()).singleElement().satisfies(f -> {
            assertThat(f.bundleId()).isEqualTo(-1);
            assertThat(f.error()).contains("refused").contains("not signed");
        });

        signing.sign(dropped);
        Files.setLastModifiedTime(dropped, FileTime.fromMillis(System.currentTimeMillis() - 5_000));
        strict.scan();
        assertThat(strict.files()).singleElement().satisfies(f -> {
            assertThat(f.error()).isEmpty();
            assertThat(f.signature()).isEqualTo(PluginFile.TRUSTED);
            assertThat(f.signer()).isEqualTo("CN=Watcher Signer");
        });
        assertThat(swapBundles()).singleElement().satisfies(b -> assertThat(b.getState()).isEqualTo(Bundle.ACTIVE));
    }
}
