package io.promethium.chunks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BitWriterTest {

    private record Write(long value, int count) {
    }

    /**
     * An open chunk (a head series) grows by an eighth, at least two words, so a full-grown
     * buffer has few unused bytes; a plain writer grows by half, its buffer being reused.
     */
    @Test
    void anOpenChunkGrowsByAnEighthAtLeastTwoWordsWhereAPlainWriterGrowsByHalf() {
        Random random = new Random(11);
        XorAppender chunk = new XorAppender(48);
        double value = 0;
        int grown = 0;
        int length = chunk.buffer().length;
        for (int i = 0; i < 120; i++) {
            value += random.nextInt(100);
            chunk.append(1_700_000_000_000L + i * 30_000L + random.nextInt(4), value);
            int now = chunk.buffer().length;
            if (now != length) {
                assertThat(now).as("after " + length + " B").isEqualTo(length + Math.max(16, length / 8));
                length = now;
                grown++;
            }
        }
        assertThat(grown).as("growths of a 120-sample chunk").isGreaterThan(3);
        assertThat(length - chunk.byteLength()).as("unused bytes at 120 samples").isLessThanOrEqualTo(Math.max(16, length / 8) + 8);

        BitWriter plain = new BitWriter(48);
        plain.writeBits(random.nextLong(), 64);
        for (int i = 0; i < 6; i++) {
            plain.writeBits(random.nextLong(), 64);
        }
        assertThat(plain.buffer().length).isEqualTo(72);
    }

    @Test
    void randomWritesReadBackWithSnapshotsTakenMidWordStayingValid() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            BitWriter w = new BitWriter(16);
            List<Write> writes = new ArrayList<>();
            List<byte[]> snapshots = new ArrayList<>();
            List<Integer> snapshotWrites = new ArrayList<>();
            int n = 1 + random.nextInt(300);
            for (int i = 0; i < n; i++) {
                int count = random.nextInt(10) == 0 ? 64 : random.nextInt(65);
                long value = random.nextLong();
                if (count == 1) {
                    w.writeBit((value & 1) != 0);
                } else {
                    w.writeBits(value, count);
                }
                writes.add(new Write(value, count));
                if (random.nextInt(8) == 0) {
                    // A reader's view: the live array, later written on (and maybe replaced by growth).
                    snapshots.add(w.buffer());
                    snapshotWrites.add(i + 1);
                }
            }
            assertReads(w.toByteArray(), writes, writes.size());
            for (int s = 0; s < snapshots.size(); s++) {
                assertReads(snapshots.get(s), writes, snapshotWrites.get(s));
            }
        }
    }

    @Test
    void firstSixteenBitsCanBeSetBeforeAndAfterTheFirstWordIsStored() {
        BitWriter w = new BitWriter(16);
        w.writeBits(0, 16);
        w.writeBits(0x2a, 8);
        w.setFirst16(3);
        assertThat(w.toByteArray()).containsExactly(0, 3, 0x2a);
        w.writeBits(-1L, 64);
        w.setFirst16(0x0102);
        byte[] bytes = w.toByteArray();
        assertThat(bytes[0]).isEqualTo((byte) 1);
        assertThat(bytes[1]).isEqualTo((byte) 2);
        assertThat(bytes[2]).isEqualTo((byte) 0x2a);
        assertThat(bytes).hasSize(11);
    }

    private static void assertReads(byte[] bytes, List<Write> writes, int n) {
        BitReader r = new BitReader();
        r.reset(bytes, 0, bytes.length);
        for (int i = 0; i < n; i++) {
            Write write = writes.get(i);
            long expected = write.count() == 64 ? write.value() : write.value() & ((1L << write.count()) - 1);
            long actual = write.count() == 1 ? (r.readBit() ? 1 : 0) : r.readBits(write.count());
            assertThat(actual).as("write %d of %d bits", i, write.count()).isEqualTo(expected);
        }
    }
}
