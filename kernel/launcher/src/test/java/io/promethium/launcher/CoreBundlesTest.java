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
        Path cache = dir.resolve("cache");
        writeBundle(bundles.resolve("a.jar"), "test.a", "one");
        writeBundle(bundles.resolve("b.jar"), "test.b", "one");

        long aId;
        long bId;
        Framework first = framework(cache);
        try {
            List<Bundle> installed = Server.installCoreBundles(first.getBundleContext(), bundles, cache, "fw");
            assertThat(installed).extracting(Bundle::getSymbolicName).containsExactly("test.a", "test.b");
            assertThat(installed.get(0).getLocation()).isEqualTo("reference:" + bundles.resolve("a.jar").toUri());
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
            List<Bundle> installed = Server.installCoreBundles(second.getBundleContext(), bundles, cache, "fw");
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

    @Test
    void coreBundlesAreReferencedInPlaceSoTheCacheHoldsNoCopyOfTheirJars() throws Exception {
        Path bundles = Files.createDirectories(dir.resolve("bundles"));
        Path cache = dir.resolve("cache");
        writeBundle(bundles.resolve("a.jar"), "test.a", "x".repeat(200_000));
        Framework fw = framework(cache);
        try {
            Bundle a = Server.installCoreBundles(fw.getBundleContext(), bundles, cache, "fw").get(0);
            assertThat(new String(a.getEntry("content.txt").openStream().readAllBytes())).hasSize(200_000);
        } finally {
            stop(fw);
        }
        try (var files = Files.walk(cache)) {
            assertThat(files.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().endsWith(".jar")))
                    .as("no jar copied into the cache").isEmpty();
        }
        assertThat(FrameworkCache.readStamps(cache).getProperty("reference:" + bundles.resolve("a.jar").toUri()))
                .isEqualTo(FrameworkCache.stampOf(bundles.resolve("a.jar")));
    }

    @Test
    void aCacheMadeWithAnotherFrameworkOrWithoutStampsIsStaleAndAJarThatIsGoneLeavesTheCacheBeforeFelixOpensIt() throws Exception {
        Path bundles = Files.createDirectories(dir.resolve("bundles"));
        Path cache = dir.resolve("cache");
        assertThat(FrameworkCache.stale(cache, "fw")).as("no cache yet").isFalse();
        writeBundle(bundles.resolve("a.jar"), "test.a", "one");
        writeBundle(bundles.resolve("b.jar"), "test.b", "one");
        Framework fw = framework(cache);
        try {
            Server.installCoreBundles(fw.getBundleContext(), bundles, cache, "fw");
        } finally {
            stop(fw);
        }
        assertThat(FrameworkCache.stale(cache, "fw")).isFalse();
        assertThat(FrameworkCache.stale(cache, "fw-upgraded")).isTrue();

        Files.delete(bundles.resolve("a.jar"));
        FrameworkCache.dropMissingReferences(cache);
        Framework second = framework(cache);
        try {
            assertThat(second.getBundleContext().getBundles()).extracting(Bundle::getSymbolicName)
                    .as("the bundle of the removed jar is gone before Felix reads the cache").doesNotContain("test.a").contains("test.b");
        } finally {
            stop(second);
        }

        Files.delete(cache.resolve(FrameworkCache.STAMP_FILE));
        assertThat(FrameworkCache.stale(cache, "fw")).as("a cache of a launcher that kept no stamps").isTrue();
    }

    @Test
    void theBundleCacheAnEarlierVersionKeptInTheDataFolderIsRemovedAndOtherFoldersAreNot() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data.resolve("bundle-cache/bundle0"));
        Files.createDirectories(data.resolve("wal"));
        FrameworkCache.removeOldDataCache(data.toString());
        assertThat(data.resolve("bundle-cache")).doesNotExist();
        assertThat(data.resolve("wal")).isDirectory();
        Files.createDirectories(data.resolve("bundle-cache/not-felix"));
        FrameworkCache.removeOldDataCache(data.toString());
        assertThat(data.resolve("bundle-cache")).as("not Felix's: left alone").isDirectory();
    }

    @Test
    void theCacheFolderIsCreatedWhenMissing() {
        Path cache = dir.resolve("var/cache/promethium");
        assertThat(FrameworkCache.keptDir(cache.toString())).isEqualTo(cache);
        assertThat(cache).isDirectory();
        assertThat(FrameworkCache.keptDir("")).isNull();
    }

    @Test
    void aHeldCacheFolderIsRefusedToASecondHolderUntilReleasedAndEmptyingItKeepsTheLock() throws Exception {
        Path cache = FrameworkCache.keptDir(dir.resolve("cache").toString());
        java.nio.channels.FileLock first = FrameworkCache.lock(cache);
        assertThat(first).isNotNull();
        // Within one JVM as across processes (the launcher's lock is a file lock): held, so refused.
        assertThat(FrameworkCache.lock(cache)).isNull();
        Files.createDirectories(cache.resolve("bundle1/version0.0"));
        Files.writeString(cache.resolve("cache.lock"), "");
        FrameworkCache.empty(cache);
        try (var left = Files.list(cache)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly(FrameworkCache.LOCK_FILE);
        }
        assertThat(FrameworkCache.lock(cache)).as("still held after emptying").isNull();
        new FrameworkCache(cache, true, first).release();
        java.nio.channels.FileLock again = FrameworkCache.lock(cache);
        assertThat(again).as("free once released").isNotNull();
        FrameworkCache.unlock(again);
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
