package io.promethium.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;

class CoreBundlesTest {

    @TempDir
    Path dir;

    @Test
    void aKeptCacheReusesUnchangedCoreBundlesReplacesChangedOnesAndDropsTheRest() throws Exception {
        Path bundles = Files.createDirectories(dir.resolve("bundles"));
        Path cache = dir.resolve("data").resolve(FrameworkCache.FOLDER);
        writeBundle(bundles.resolve("a.jar"), "test.a", "one");
        writeBundle(bundles.resolve("b.jar"), "test.b", "one");

        long aId;
        long bId;
        Framework first = framework(cache);
        try {
            List<Bundle> installed = Server.installCoreBundles(first.getBundleContext(), bundles);
            assertThat(installed).extracting(Bundle::getSymbolicName).containsExactly("test.a", "test.b");
            aId = installed.get(0).getBundleId();
            bId = installed.get(1).getBundleId();
            writeBundle(dir.resolve("plugin.jar"), "test.plugin", "one");
            first.getBundleContext().installBundle("promethium-plugin:plugin.jar", Files.newInputStream(dir.resolve("plugin.jar")));
        } finally {
            stop(first);
        }

        writeBundle(bundles.resolve("b.jar"), "test.b", "two, longer");
        Files.setLastModifiedTime(bundles.resolve("b.jar"), FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        Framework second = framework(cache);
        try {
            List<Bundle> installed = Server.installCoreBundles(second.getBundleContext(), bundles);
            assertThat(installed.get(0).getBundleId()).as("unchanged jar: the cached bundle").isEqualTo(aId);
            assertThat(installed.get(1).getBundleId()).as("changed jar: installed again").isNotEqualTo(bId);
            assertThat(installed.get(1).getEntry("content.txt")).isNotNull();
            assertThat(new String(installed.get(1).getEntry("content.txt").openStream().readAllBytes())).isEqualTo("two, longer");
            assertThat(second.getBundleContext().getBundles()).extracting(Bundle::getSymbolicName)
                    .as("plugins are left to the plugin watcher").doesNotContain("test.plugin");
        } finally {
            stop(second);
        }
    }

    private static Framework framework(Path cache) throws Exception {
        Framework fw = new FrameworkFactory().newFramework(Map.of(Constants.FRAMEWORK_STORAGE, cache.toString()));
        fw.init();
        return fw;
    }

    private static void stop(Framework fw) throws Exception {
        fw.stop();
        fw.waitForStop(10_000);
    }

    private static void writeBundle(Path jar, String name, String content) throws Exception {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        manifest.getMainAttributes().putValue(Constants.BUNDLE_SYMBOLICNAME, name);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.putNextEntry(new JarEntry("content.txt"));
            out.write(content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.closeEntry();
        }
    }
}
