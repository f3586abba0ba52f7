package io.promethium.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlatClasspathTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @TempDir
    Path dir;
    @TempDir
    Path cache;

    private URLClassLoader load(Path folder, PrintStream warnings) throws Exception {
        return FlatClasspath.of(List.of(folder), warnings, new JarHeaders(null), cache);
    }

    @Test
    void unreadableJarIsSkippedWithAWarningNamingItAndTheOthersStillLoad() throws Exception {
        Path good = dir.resolve("a-good.jar");
        writeJar(good, "hello.txt", "hi");
        Path broken = dir.resolve("b-broken.jar");
        Files.writeString(broken, "this is not a zip file");
        Path empty = dir.resolve("c-empty.jar");
        Files.write(empty, new byte[0]);
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();

        try (URLClassLoader loader = load(dir, new PrintStream(warnings, true, StandardCharsets.UTF_8))) {
            assertThat(loader.getURLs()).extracting(URL::getPath).containsExactly(good.toUri().getPath());
            assertThat(loader.getResource("hello.txt")).isNotNull();
        }
        String text = warnings.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("warning: skipping " + broken).contains("warning: skipping " + empty)
                .doesNotContain("a-good.jar");
    }

    @Test
    void jarsEmbeddedOnTheBundleClassPathAreAdded() throws Exception {
        writeBundle(dir.resolve("outer.jar"), ".,lib/inner.jar;x=1", "inside");

        try (URLClassLoader loader = load(dir, QUIET)) {
            assertThat(loader.getURLs()).hasSize(2);
            assertThat(loader.getResource("inner.txt")).isNotNull();
        }
    }

    @Test
    void anEmbeddedJarIsExtractedOnceByContentAndRebuiltBundlesShareIt() throws Exception {
        Path first = Files.createDirectories(dir.resolve("first"));
        Path second = Files.createDirectories(dir.resolve("second"));
        writeBundle(first.resolve("tsdb-1.jar"), "inside");
        writeBundle(second.resolve("tsdb-2.jar"), "inside"); // rebuilt: another name, size and time, same library
        Files.setLastModifiedTime(second.resolve("tsdb-2.jar"), FileTime.from(Instant.now().minusSeconds(60)));

        URL a;
        URL b;
        try (URLClassLoader loader = load(first, QUIET)) {
            a = loader.getURLs()[1];
        }
        try (URLClassLoader loader = load(second, QUIET)) {
            b = loader.getURLs()[1];
            assertThat(new String(loader.getResourceAsStream("inner.txt").readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("inside");
        }
        assertThat(b).isEqualTo(a);
        try (Stream<Path> entries = Files.list(cache)) {
            assertThat(entries).hasSize(1);
        }
    }

    @Test
    void aChangedEmbeddedLibraryGetsItsOwnFolder() throws Exception {
        writeBundle(dir.resolve("tsdb.jar"), "version one");
        try (URLClassLoader loader = load(dir, QUIET)) {
            assertThat(loader.getURLs()).hasSize(2);
        }
        writeBundle(dir.resolve("tsdb.jar"), "version two, longer");
        try (URLClassLoader loader = load(dir, QUIET)) {
            assertThat(new String(loader.getResourceAsStream("inner.txt").readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("version two, longer");
        }
        try (Stream<Path> entries = Files.list(cache)) {
            assertThat(entries).hasSize(2);
        }
    }

    @Test
    void aRunThatExtractsRemovesFoldersUnusedForAWeekAndKeepsRecentlyUsedOnes() throws Exception {
        Instant longAgo = Instant.now().minus(FlatClasspath.UNUSED_FOR).minus(Duration.ofDays(1));
        Path stale = cache.resolve("promethium-tsdb.jar-434-1795348723904"); // the older layout, unused since
        Path inUse = cache.resolve("0badcafe-1234"); // extracted long ago, read by a run an hour ago
        for (Path folder : List.of(stale, inUse)) {
            Path jar = Files.createDirectories(folder).resolve("lib_snappy.jar");
            Files.writeString(jar, "old");
            Files.getFileAttributeView(jar, BasicFileAttributeView.class).setTimes(FileTime.from(longAgo), FileTime.from(longAgo), null);
        }
        Files.getFileAttributeView(inUse.resolve("lib_snappy.jar"), BasicFileAttributeView.class)
                .setTimes(null, FileTime.from(Instant.now().minus(Duration.ofHours(1))), null);

        writeBundle(dir.resolve("tsdb.jar"), "inside");
        try (URLClassLoader loader = load(dir, QUIET)) {
            assertThat(loader.getURLs()).hasSize(2);
        }
        assertThat(stale).doesNotExist();
        assertThat(inUse.resolve("lib_snappy.jar")).exists();
        try (Stream<Path> entries = Files.list(cache)) {
            assertThat(entries).hasSize(2);
        }
    }

    @Test
    void missingFolderIsNoError() throws Exception {
        try (URLClassLoader loader = load(dir.resolve("absent"), QUIET)) {
            assertThat(loader.getURLs()).isEmpty();
        }
    }

    /** A bundle embedding lib/inner.jar, whose inner.txt holds {@code content}. */
    private void writeBundle(Path bundle, String content) throws Exception {
        writeBundle(bundle, ".,lib/inner.jar", content);
    }

    private void writeBundle(Path bundle, String classPath, String content) throws Exception {
        Path inner = Files.createTempFile(dir, "inner", ".bin");
        writeJar(inner, "inner.txt", content);
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Bundle-ClassPath", classPath);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(bundle), manifest)) {
            out.putNextEntry(new JarEntry("lib/inner.jar"));
            out.write(Files.readAllBytes(inner));
            out.closeEntry();
        }
        Files.delete(inner);
    }

    private static void writeJar(Path file, String entry, String content) throws Exception {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(file))) {
            JarEntry e = new JarEntry(entry);
            e.setTime(1_700_000_000_000L); // the same bytes for the same content, as a reproducible build
            out.putNextEntry(e);
            out.write(content.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
    }
}
