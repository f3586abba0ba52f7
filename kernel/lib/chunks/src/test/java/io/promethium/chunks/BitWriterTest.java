package io.promethium.chunks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BitWriterTest {

    private record Write(long value, int count) {
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
