package io.promethium.remote.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SnappyTest {

    @Test
    void roundTripsRandomAndRepetitiveData() throws Exception {
        Random random = new Random(42);
        for (int size : new int[] {0, 1, 5, 60, 61, 300, 70_000, 200_000}) {
            byte[] data = new byte[size];
            for (int i = 0; i < size; i++) {
                data[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt() : i % 7);
            }
            byte[] compressed = Snappy.encode(data, data.length);
            assertThat(Snappy.decode(compressed, compressed.length, Long.MAX_VALUE)).isEqualTo(data);
        }
        byte[] repetitive = "abcabcabcabcabcabcabcabcabcabcabcabcabcabcabc".repeat(100).getBytes(StandardCharsets.UTF_8);
        byte[] compressed = Snappy.encode(repetitive, repetitive.length);
        assertThat(compressed.length).isLessThan(repetitive.length / 10);
    }

    @Test
    void decodesALiteralThenAnOverlappingCopy() throws Exception {
        // "hello hello hello hello" by the format: length 23, literal "hello " (tag 0x14), copy of 17 at offset 6 (tag 0x42).
        byte[] encoded = HexFormat.of().parseHex("17" + "14" + "68656c6c6f20" + "420600");
        assertThat(new String(Snappy.decode(encoded, encoded.length, 100), StandardCharsets.UTF_8)).isEqualTo("hello hello hello hello");
    }

    @Test
    void corruptInputFailsWithAMessage() {
        byte[] text = "some text that repeats, some text that repeats".getBytes(StandardCharsets.UTF_8);
        byte[] good = Snappy.encode(text, text.length);
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            byte[] bad = Arrays.copyOf(good, random.nextInt(good.length) + 1);
            bad[random.nextInt(bad.length)] = (byte) random.nextInt();
            try {
                Snappy.decode(bad, bad.length, 1 << 20);
            } catch (Snappy.SnappyException e) {
                assertThat(e.getMessage()).startsWith("snappy:");
            }
        }
        assertThatThrownBy(() -> Snappy.decode(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}, 5, 1 << 20))
                .hasMessageContaining("exceeds the limit");
        assertThatThrownBy(() -> Snappy.decode(new byte[] {5, 0x09, 0x01}, 3, 100)).hasMessage("snappy: corrupt input");
    }
}
