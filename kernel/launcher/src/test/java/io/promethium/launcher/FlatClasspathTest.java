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
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlatClasspathTest {

    @TempDir
    Path dir;

    @Test
    void unreadableJarIsSkippedWithAWarningNamingItAndTheOthersStillLoad() throws Exception {
        Path good = dir.resolve("a-good.jar");
        writeJar(good, "hello.txt", "hi");
        Path broken = dir.resolve("b-broken.jar");
        Files.writeString(broken, "this is not a zip file");
        Path empty = dir.resolve("c-empty.jar");
        Files.write(empty, new byte[0]);
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();

        try (URLClassLoader loader = FlatClasspath.of(List.of(dir), new PrintStream(warnings, true, StandardCharsets.UTF_8))) {
            assertThat(loader.getURLs()).extracting(URL::getPath).containsExactly(good.toUri().getPath());
            assertThat(loader.getResource("hello.txt")).isNotNull();
        }
        String text = warnings.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("warning: skipping " + broken).contains("warning: skipping " + empty)
                .doesNotContain("a-good.jar");
    }

    @Test
    void jarsEmbeddedOnTheBundleClassPathAreAdded() throws Exception {
        Path inner = dir.resolve("inner.bin");
        writeJar(inner, "inner.txt", "inside");
        Path outer = dir.resolve("outer.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Bundle-ClassPath", ".,lib/inner.jar;x=1");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(outer), manifest)) {
            out.putNextEntry(new JarEntry("lib/inner.jar"));
            out.write(Files.readAllBytes(inner));
            out.closeEntry();
        }
        Files.delete(inner);

        try (URLClassLoader loader = FlatClasspath.of(List.of(dir), new PrintStream(OutputStream.nullOutputStream()))) {
            assertThat(loader.getURLs()).hasSize(2);
            assertThat(loader.getResource("inner.txt")).isNotNull();
        }
    }

    @Test
    void missingFolderIsNoError() throws Exception {
        try (URLClassLoader loader = FlatClasspath.of(List.of(dir.resolve("absent")), new PrintStream(OutputStream.nullOutputStream()))) {
            assertThat(loader.getURLs()).isEmpty();
        }
    }

    private static void writeJar(Path file, String entry, String content) throws Exception {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(file))) {
            out.putNextEntry(new JarEntry(entry));
            out.write(content.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
    }
}
