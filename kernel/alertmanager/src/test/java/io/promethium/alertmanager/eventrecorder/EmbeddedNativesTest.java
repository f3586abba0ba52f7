package io.promethium.alertmanager.eventrecorder;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The codec jars the bundle embeds ({@code target/embedded}, filtered by the pom's
 * {@code embed-natives-of-linux} step) keep the native libraries of Linux x86_64 and aarch64, the
 * platforms of the tarball's runtime, and no other, with all their classes.
 */
class EmbeddedNativesTest {

    private static final Path EMBEDDED = Path.of("target/embedded");

    private static List<String> entries(String jar) throws IOException {
        try (ZipFile zip = new ZipFile(EMBEDDED.resolve(jar).toFile())) {
            return Collections.list(zip.entries()).stream().filter(e -> !e.isDirectory()).map(ZipEntry::getName).toList();
        }
    }

    private static List<String> natives(List<String> entries) {
        return entries.stream().filter(n -> n.matches(".*\\.(so|dylib|jnilib|dll|a)$")).sorted().toList();
    }

    @Test
    void zstdKeepsOnlyTheLinuxNativesOfTheRuntimesPlatforms() throws IOException {
        List<String> entries = entries("zstd-jni.jar");
        assertThat(natives(entries)).hasSize(2).satisfiesExactly(n -> assertThat(n).startsWith("linux/aarch64/libzstd-jni-"),
                n -> assertThat(n).startsWith("linux/amd64/libzstd-jni-"));
        assertThat(entries).contains("com/github/luben/zstd/Zstd.class", "com/github/luben/zstd/util/Native.class");
    }

    @Test
    void snappyKeepsOnlyTheLinuxNativesOfTheRuntimesPlatforms() throws IOException {
        List<String> entries = entries("snappy-java.jar");
        assertThat(natives(entries)).containsExactly("org/xerial/snappy/native/Linux/aarch64/libsnappyjava.so",
                "org/xerial/snappy/native/Linux/x86_64/libsnappyjava.so");
        assertThat(entries).contains("org/xerial/snappy/Snappy.class", "org/xerial/snappy/SnappyLoader.class", "org/xerial/snappy/VERSION");
    }

    @Test
    void lz4KeepsOnlyTheLinuxNativesOfTheRuntimesPlatforms() throws IOException {
        List<String> entries = entries("lz4-java.jar");
        assertThat(natives(entries)).containsExactly("net/jpountz/util/linux/aarch64/liblz4-java.so",
                "net/jpountz/util/linux/amd64/liblz4-java.so");
        assertThat(entries).contains("net/jpountz/lz4/LZ4Factory.class", "net/jpountz/xxhash/XXHashFactory.class");
    }

    @Test
    void everyCodecCompressesOnThisPlatform() {
        for (String codec : List.of("gzip", "snappy", "lz4", "zstd")) {
            KafkaOutput.requireCodec(codec);
        }
    }
}
