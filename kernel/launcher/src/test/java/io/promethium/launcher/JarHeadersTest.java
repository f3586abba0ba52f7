package io.promethium.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JarHeadersTest {

    @TempDir
    Path dir;

    @Test
    void headersAreKeptBetweenRunsAndReadAgainOnlyWhenAJarChanges() throws Exception {
        Path jars = Files.createDirectories(dir.resolve("bundles"));
        Path cache = dir.resolve("cache");
        Path jar = jars.resolve("a.jar");
        writeJar(jar, "x;help=\"one\"");
        FileTime time = FileTime.fromMillis(1_700_000_000_000L);
        Files.setLastModifiedTime(jar, time);

        assertThat(new JarHeaders(cache).of(jars)).singleElement()
                .satisfies(j -> assertThat(j.headers()).containsEntry(BundleFlags.HEADER, "x;help=\"one\""));

        // Same name, size and time: the kept headers, without opening the jar (now unreadable).
        byte[] garbage = new byte[(int) Files.size(jar)];
        Files.write(jar, garbage);
        Files.setLastModifiedTime(jar, time);
        assertThat(new JarHeaders(cache).of(jars)).singleElement()
                .satisfies(j -> assertThat(j.headers()).containsEntry(BundleFlags.HEADER, "x;help=\"one\""));

        // A changed jar is read again.
        writeJar(jar, "y;help=\"two, longer\"");
        assertThat(new JarHeaders(cache).of(jars)).singleElement()
                .satisfies(j -> assertThat(j.headers()).containsEntry(BundleFlags.HEADER, "y;help=\"two, longer\""));
        Files.writeString(jar, "not a zip");
        assertThat(new JarHeaders(cache).of(jars)).singleElement().satisfies(j -> assertThat(j.readable()).isFalse());
    }

    private static void writeJar(Path jar, String flags) throws Exception {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue(BundleFlags.HEADER, flags);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.flush();
        }
    }
}
