package io.promethium.rules.internal.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.StaleMarker;
import org.junit.jupiter.api.Test;

/**
 * Chunk cuts of Prometheus's head (tsdb/head_append.go histogramsAppendPreprocessor,
 * float_histogram.go appendable) and the hints read back (histogram_meta.go counterResetHint),
 * worked through by hand from that source for each case.
 */
class HeadChunkModelTest {

    private static FloatHistogram h(double count, double... buckets) {
        return new FloatHistogram(CounterResetHint.UNKNOWN, 0, 0, 0, count, count,
                HistogramSpans.pairs(0, buckets.length), buckets, HistogramSpans.EMPTY, new double[0], new double[0]);
    }

    @Test
    void aSteadyCounterIsCutWhereThePredictedEndTimeFalls() {
        // One bucket growing by 1 a minute. Once the chunk holds 256 bytes the head predicts the
        // chunk's end (computeChunkEndTime over the 24 h range); the first histogram at or after
        // it starts the next chunk, long before 2048 bytes.
        HeadChunkModel m = new HeadChunkModel();
        long predicted = -1;
        int cut = -1;
        for (int i = 0; i < 400 && cut < 0; i++) {
            long t = i * 60_000L;
            int bytes = m.headBytes();
            if (predicted < 0 && bytes >= 256) {
                predicted = HeadChunkModel.computeChunkEndTime(0, t - 60_000, HeadChunkModel.CHUNK_RANGE, 1024.0 / bytes);
            }
            if (m.appendHistogram(t, h(i + 1, i + 1)) == CounterResetHint.UNKNOWN && i > 0) {
                cut = i;
            }
        }
        assertThat(predicted).isEqualTo(HeadChunkModel.CHUNK_RANGE / 6);
        assertThat(cut * 60_000L).isEqualTo(predicted);
        assertThat(cut).as("not at 120 samples, as for float chunks").isEqualTo(240);
    }

    /**
     * The chunk's byte size equals that of the remote-read encoder of Prometheus's float
     * histogram chunks (tested against a reader of Prometheus's format), sample by sample.
     */
    @Test
    void theChunkSizeIsThatOfPrometheusFloatHistogramEncoding() {
        HeadChunkModel m = new HeadChunkModel();
        io.promethium.remote.wire.HistogramChunkEncoder encoder = new io.promethium.remote.wire.HistogramChunkEncoder();
        java.util.Random random = new java.util.Random(7);
        double a = 0;
        double b = 0;
        int chunks = 1;
        for (int i = 0; i < 110; i++) {
            a += random.nextInt(5);
            b += random.nextDouble() * 3;
            FloatHistogram x = h(a + b, a, b);
            long t = i * 15_000L + random.nextInt(50);
            if (m.appendHistogram(t, x) == CounterResetHint.UNKNOWN && i > 0) {
                encoder.newChunk();
                chunks++;
            }
            assertThat(encoder.append(t, x)).isTrue();
            assertThat(m.headBytes()).as("sample %d", i).isEqualTo(encoder.length());
        }
        assertThat(chunks).as("cut on size and time").isGreaterThan(1);
    }

    @Test
    void aCounterResetOrSchemaChangeStartsAChunkAndItsFirstHistogramIsUnknown() {
        HeadChunkModel m = new HeadChunkModel();
        assertThat(m.appendHistogram(0, h(5, 5))).isEqualTo(CounterResetHint.UNKNOWN);
        assertThat(m.appendHistogram(60_000, h(6, 6))).isEqualTo(CounterResetHint.NOT_COUNTER_RESET);
        assertThat(m.appendHistogram(120_000, h(1, 1))).as("a reset: new chunk, header reset, read as unknown")
                .isEqualTo(CounterResetHint.UNKNOWN);
        assertThat(m.appendHistogram(180_000, h(2, 2))).isEqualTo(CounterResetHint.NOT_COUNTER_RESET);
        assertThat(m.appendHistogram(240_000, h(3, 2, 1))).as("a new bucket recodes the chunk")
                .isEqualTo(CounterResetHint.NOT_COUNTER_RESET);
        assertThat(m.appendHistogram(300_000, h(3, 3))).as("a bucket in use vanished: a reset")
                .isEqualTo(CounterResetHint.UNKNOWN);
    }

    @Test
    void aStaleMarkerStaysInTheChunkAndTheNextHistogramStartsOne() {
        HeadChunkModel m = new HeadChunkModel();
        m.appendHistogram(0, h(1, 1));
        m.appendFloat(60_000, StaleMarker.STALE_NAN);
        assertThat(m.appendHistogram(120_000, h(2, 2))).isEqualTo(CounterResetHint.UNKNOWN);
        m.appendFloat(180_000, 1.0);
        assertThat(m.appendHistogram(240_000, h(3, 3))).as("after a float: a new histogram chunk").isEqualTo(CounterResetHint.UNKNOWN);
    }

    @Test
    void gaugeHistogramsReadBackAsGaugeAndSwitchingKindsStartsAChunk() {
        HeadChunkModel m = new HeadChunkModel();
        FloatHistogram g = h(3, 3).copy();
        g.set(CounterResetHint.GAUGE, 0, 0, 0, 3, 3, HistogramSpans.pairs(0, 1), new double[] {3}, 1, HistogramSpans.EMPTY,
                new double[0], 0, new double[0]);
        assertThat(m.appendHistogram(0, g)).isEqualTo(CounterResetHint.GAUGE);
        assertThat(m.appendHistogram(60_000, g)).isEqualTo(CounterResetHint.GAUGE);
        assertThat(m.appendHistogram(120_000, h(4, 4))).isEqualTo(CounterResetHint.UNKNOWN);
        assertThat(m.appendHistogram(180_000, h(5, 5))).isEqualTo(CounterResetHint.NOT_COUNTER_RESET);
    }

    @Test
    void theChunkRangeEndCutsEvenBeforeTenHistograms() {
        HeadChunkModel m = new HeadChunkModel();
        long day = HeadChunkModel.CHUNK_RANGE;
        assertThat(m.appendHistogram(day - 60_000, h(1, 1))).isEqualTo(CounterResetHint.UNKNOWN);
        assertThat(m.appendHistogram(day, h(2, 2))).isEqualTo(CounterResetHint.UNKNOWN);
        assertThat(m.appendHistogram(day + 60_000, h(3, 3))).isEqualTo(CounterResetHint.NOT_COUNTER_RESET);
    }
}
