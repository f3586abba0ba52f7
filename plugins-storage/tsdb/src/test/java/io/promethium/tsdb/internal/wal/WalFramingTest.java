package io.promethium.tsdb.internal.wal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The check behind {@code Wal.log}'s assert: a write is whole records whose header lengths match. */
class WalFramingTest {

    private static byte[] twoRecords() {
        WalRecords.Encoder encoder = new WalRecords.Encoder();
        encoder.samples(new long[] {1, 2}, new long[] {1_000, 1_000}, new double[] {1, 2}, 2);
        encoder.samples(new long[] {3}, new long[] {2_000}, new double[] {3}, 1);
        return encoder.bytes().toByteArray();
    }

    @Test
    void encodedRecordsAreWholeAndACutOrPaddedBufferIsNot() {
        byte[] records = twoRecords();
        assertThat(Wal.wholeRecords(records, records.length)).isTrue();
        assertThat(Wal.wholeRecords(records, 0)).as("nothing is whole").isTrue();
        assertThat(Wal.wholeRecords(records, records.length - 1)).as("the last record cut").isFalse();
        byte[] padded = Arrays.copyOf(records, records.length + 3);
        assertThat(Wal.wholeRecords(padded, padded.length)).as("bytes after the last record").isFalse();
        records[4] ^= 1;
        assertThat(Wal.wholeRecords(records, records.length)).as("a first header's length off by one").isFalse();
    }
}
