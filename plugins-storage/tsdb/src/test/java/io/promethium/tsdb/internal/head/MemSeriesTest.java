package io.promethium.tsdb.internal.head;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.ValueType;
import io.promethium.chunks.Chunks;
import io.promethium.chunks.XorAppender;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

class MemSeriesTest {
    private static final int SPC = Chunks.SAMPLES_PER_CHUNK;
    /** The head's chunk count, which must follow every series' own. */
    private final LongAdder chunks = new LongAdder();
    private final SeriesWrites writes = new SeriesWrites(SPC, chunks, new SeriesRefs());
    private final SeriesWrites twoPerChunk = new SeriesWrites(2, chunks, new SeriesRefs());

    private void fillChunk(MemSeries s, int chunk) {
        for (int i = 0; i < Chunks.SAMPLES_PER_CHUNK; i++) {
            long t = (long) (chunk * Chunks.SAMPLES_PER_CHUNK + i) * 15_000 + (i % 3);
            assertThat(s.append(t, i * 1.25 + (i % 7) * 0.01, Long.MAX_VALUE, Long.MIN_VALUE, writes)).isEqualTo(MemSeries.OK);
        }
    }

    @Test
    void aChunkLikeThePreviousOneIsAllocatedOnceAtItsFinalSize() {
        MemSeries s = new MemSeries(1, Labels.of("__name__", "x"));
        fillChunk(s, 0);
        long closed = s.chunkBytes();
        s.append(Chunks.SAMPLES_PER_CHUNK * 15_000L, 0, Long.MAX_VALUE, Long.MIN_VALUE, writes);
        long afterFirstSample = s.chunkBytes();
        assertThat(afterFirstSample - closed).as("open chunk buffer").isGreaterThan(closed);
        for (int i = 1; i < Chunks.SAMPLES_PER_CHUNK - 1; i++) {
            long t = (long) (Chunks.SAMPLES_PER_CHUNK + i) * 15_000 + (i % 3);
            s.append(t, i * 1.25 + (i % 7) * 0.01, Long.MAX_VALUE, Long.MIN_VALUE, writes);
        }
        assertThat(s.chunkBytes()).as("never regrown").isEqualTo(afterFirstSample);
        assertThat(s.chunkCount()).isEqualTo(2);
        assertThat(chunks.sum()).as("head count").isEqualTo(s.chunkCount());
    }

    @Test
    void aFullChunkOfShortDecimalsIsKeptAsDecimalAndReadsBackExactly() {
        MemSeries s = new MemSeries(1, Labels.of("__name__", "x"));
        XorAppender xor = new XorAppender(64, 0);
        List<String> written = new ArrayList<>();
        for (int i = 0; i < Chunks.SAMPLES_PER_CHUNK; i++) {
            long t = i * 30_000L;
            double v = 1_000_000 + i * 1_537.25;
            s.append(t, v, Long.MAX_VALUE, Long.MIN_VALUE, writes);
            xor.append(t, v);
            written.add(t + "=" + v);
        }
        assertThat(s.chunkCount()).isEqualTo(1);
        assertThat(s.chunkBytes()).as("closed chunk against its XOR bytes").isLessThan(xor.byteLength() / 2);
        assertThat(read(s, 0, Long.MAX_VALUE)).isEqualTo(written);
        // A stale marker is no short decimal: that chunk stays XOR, and both read back.
        for (int i = 0; i < Chunks.SAMPLES_PER_CHUNK; i++) {
            long t = (Chunks.SAMPLES_PER_CHUNK + i) * 30_000L;
            double v = i == Chunks.SAMPLES_PER_CHUNK - 1 ? StaleMarker.STALE_NAN : i;
            s.append(t, v, Long.MAX_VALUE, Long.MIN_VALUE, writes);
            written.add(t + "=" + v);
        }
        assertThat(s.chunkCount()).isEqualTo(2);
        assertThat(read(s, 0, Long.MAX_VALUE)).isEqualTo(written);
    }

    /** Every sample of the series in [mint, maxt] as "t=value" (histograms as "t=h<count>"). */
    private static List<String> read(MemSeries s, long mint, long maxt) {
        List<String> out = new ArrayList<>();
        SampleIterator it = s.iterator(mint, maxt, Long.MIN_VALUE, null);
        while (it.next()) {
            out.add(it.valueType() == ValueType.HISTOGRAM ? it.timestamp() + "=h" + it.histogram().count()
                    : it.timestamp() + "=" + it.value());
        }
        return out;
    }

    private static Histogram histogram(long count) {
        return Histogram.exponential(0, 0, 0, count, count, HistogramSpans.of(new int[] {0}, new int[] {1}), count);
    }

    @Test
    void outOfOrderSamplesAndDeletionsAreReadWithTheChunksAndGoWithTruncation() {
        MemSeries s = new MemSeries(1, Labels.of("__name__", "x"));
        for (long t = 10; t <= 50; t += 10) {
            assertThat(s.append(t, t / 10.0, 0, Long.MIN_VALUE, twoPerChunk)).isEqualTo(MemSeries.OK);
        }
        assertThat(s.chunkCount()).isEqualTo(3);
        assertThat(chunks.sum()).as("head count").isEqualTo(s.chunkCount());
        assertThat(s.append(25, 2.5, 0, Long.MIN_VALUE, twoPerChunk)).isEqualTo(MemSeries.OOO_OK);
        assertThat(s.append(50, 5.0, 0, Long.MIN_VALUE, twoPerChunk)).isEqualTo(MemSeries.DUPLICATE_SAME);
        assertThat(s.append(50, 6.0, 0, Long.MIN_VALUE, twoPerChunk)).isEqualTo(MemSeries.DUPLICATE_DIFFERENT);
        assertThat(s.append(5, 0.5, Long.MAX_VALUE, Long.MIN_VALUE, twoPerChunk)).isEqualTo(MemSeries.OUT_OF_ORDER);
        assertThat(read(s, 0, 100)).containsExactly("10=1.0", "20=2.0", "25=2.5", "30=3.0", "40=4.0", "50=5.0");

        s.addDeleted(20, 30);
        assertThat(s.deletedIntervals()).containsExactly(20, 30);
        assertThat(read(s, 0, 100)).containsExactly("10=1.0", "40=4.0", "50=5.0");
        assertThat(s.overlaps(41, 49)).isTrue();
        assertThat(s.overlaps(51, 60)).isFalse();

        // Whole chunks before the point go (the first one), with the deletions and out-of-order samples there.
        assertThat(s.truncateBefore(31, twoPerChunk)).isFalse();
        assertThat(s.deletedIntervals()).isNull();
        assertThat(s.chunkCount()).isEqualTo(2);
        assertThat(chunks.sum()).as("head count").isEqualTo(s.chunkCount());
        assertThat(read(s, 31, 100)).containsExactly("40=4.0", "50=5.0");
        assertThat(s.truncateBefore(51, twoPerChunk)).isTrue();
        assertThat(s.chunkCount()).isZero();
        assertThat(chunks.sum()).as("head count").isEqualTo(s.chunkCount());
    }

    @Test
    void histogramsAndFloatsTakeTurnsInChunksOfTheirOwnWithDuplicatesRecognised() {
        MemSeries s = new MemSeries(1, Labels.of("__name__", "x"));
        assertThat(s.append(10, 1, Long.MAX_VALUE, Long.MIN_VALUE, writes)).isEqualTo(MemSeries.OK);
        assertThat(s.appendHistogram(20, histogram(2), Long.MAX_VALUE, Long.MIN_VALUE, writes)).isEqualTo(MemSeries.OK);
        assertThat(s.appendHistogram(20, histogram(2), Long.MAX_VALUE, Long.MIN_VALUE, writes)).isEqualTo(MemSeries.DUPLICATE_SAME);
        assertThat(s.appendHistogram(20, histogram(3), Long.MAX_VALUE, Long.MIN_VALUE, writes)).isEqualTo(MemSeries.DUPLICATE_DIFFERENT);
        // A float at the histogram's time is a different value, even with the same bits as the last float.
        assertThat(s.append(20, 1, Long.MAX_VALUE, Long.MIN_VALUE, writes)).isEqualTo(MemSeries.DUPLICATE_DIFFERENT);
        // A staleness marker stays in the histogram chunk.
        assertThat(s.append(30, StaleMarker.STALE_NAN, Long.MAX_VALUE, Long.MIN_VALUE, writes)).isEqualTo(MemSeries.OK);
        assertThat(s.chunkCount()).isEqualTo(2);
        assertThat(chunks.sum()).as("head count").isEqualTo(s.chunkCount());
        assertThat(s.append(40, 4, Long.MAX_VALUE, Long.MIN_VALUE, writes)).isEqualTo(MemSeries.OK);
        assertThat(s.append(40, 4, Long.MAX_VALUE, Long.MIN_VALUE, writes)).isEqualTo(MemSeries.DUPLICATE_SAME);
        assertThat(s.chunkCount()).isEqualTo(3);
        assertThat(chunks.sum()).as("head count").isEqualTo(s.chunkCount());
        List<String> samples = read(s, 0, 100);
        assertThat(samples).hasSize(4);
        assertThat(samples.get(0)).isEqualTo("10=1.0");
        assertThat(samples.get(1)).isEqualTo("20=h2");
        assertThat(samples.get(3)).isEqualTo("40=4.0");

        // Dropping the first float chunk leaves the histogram chunk read as one.
        assertThat(s.truncateBefore(15, writes)).isFalse();
        assertThat(s.chunkCount()).isEqualTo(2);
        assertThat(chunks.sum()).as("head count").isEqualTo(s.chunkCount());
        assertThat(read(s, 0, 100)).hasSize(3).startsWith("20=h2").endsWith("40=4.0");
    }
}
