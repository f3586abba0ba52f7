package io.promethium.tsdb.internal.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.chunks.ChunkFormatException;
import io.promethium.tsdb.internal.util.GrowableBytes;
import org.junit.jupiter.api.Test;

/** The histogram arithmetic and encoding of histogram aggregate chunks. */
class AggrHistogramsTest {
    private static FloatHistogram exp(int schema, double zero, HistogramSpans spans, double... buckets) {
        double count = zero;
        for (double b : buckets) {
            count += b;
        }
        return new FloatHistogram(CounterResetHint.UNKNOWN, schema, 0.001, zero, count, 2 * count, spans, buckets, HistogramSpans.EMPTY,
                new double[0], null);
    }

    @Test
    void addingAtDifferentSchemasMapsBucketsToTheCoarserOne() {
        // Schema 1 buckets 1..4 map to schema 0 buckets 1, 1, 2, 2 (Prometheus: ((i - 1) >> 1) + 1).
        FloatHistogram fine = exp(1, 1, HistogramSpans.pairs(1, 4), 1, 2, 3, 4);
        FloatHistogram coarse = exp(0, 2, HistogramSpans.pairs(2, 2), 10, 20);
        FloatHistogram sum = AggrHistograms.add(fine, coarse, 1, CounterResetHint.UNKNOWN);
        assertThat(sum.schema()).isZero();
        assertThat(sum.positiveSpans()).isEqualTo(HistogramSpans.pairs(1, 3));
        assertThat(sum.positiveBuckets()).containsExactly(3, 17, 20);
        assertThat(sum.zeroCount()).isEqualTo(3);
        assertThat(sum.count()).isEqualTo(fine.count() + coarse.count());
        FloatHistogram back = AggrHistograms.add(sum, coarse, -1, CounterResetHint.UNKNOWN);
        assertThat(back.positiveBuckets()).containsExactly(3, 7, 0);
        // Gaps between buckets become span offsets.
        FloatHistogram gap = AggrHistograms.add(exp(0, 0, HistogramSpans.pairs(-2, 1), 5), exp(0, 0, HistogramSpans.pairs(3, 1), 6), 1,
                CounterResetHint.UNKNOWN);
        assertThat(gap.positiveSpans()).isEqualTo(HistogramSpans.pairs(-2, 1, 4, 1));
        assertThat(gap.positiveBuckets()).containsExactly(5, 6);
    }

    @Test
    void resetsAreDetectedAsPrometheusDoes() {
        FloatHistogram prev = exp(1, 1, HistogramSpans.pairs(0, 2), 5, 5);
        assertThat(AggrHistograms.detectReset(exp(1, 1, HistogramSpans.pairs(0, 3), 5, 6, 1), prev)).as("grown, new bucket").isFalse();
        assertThat(AggrHistograms.detectReset(exp(1, 1, HistogramSpans.pairs(0, 2), 6, 4), prev)).as("a bucket went down").isTrue();
        assertThat(AggrHistograms.detectReset(exp(1, 0, HistogramSpans.pairs(0, 2), 6, 6), prev)).as("zero bucket went down").isTrue();
        assertThat(AggrHistograms.detectReset(exp(2, 1, HistogramSpans.pairs(0, 4), 5, 5, 5, 5), prev)).as("finer schema").isTrue();
        assertThat(AggrHistograms.detectReset(exp(0, 1, HistogramSpans.pairs(0, 2), 5, 5), prev)).as("coarser, same counts")
                .isFalse();
        FloatHistogram hinted = new FloatHistogram(CounterResetHint.COUNTER_RESET, 1, 0.001, 9, 99, 1, HistogramSpans.pairs(0, 2),
                new double[] {50, 40}, HistogramSpans.EMPTY, new double[0], null);
        assertThat(AggrHistograms.detectReset(hinted, prev)).as("reset hint").isTrue();
        FloatHistogram increased = AggrHistograms.increase(prev, prev, exp(1, 0, HistogramSpans.pairs(0, 1), 2));
        assertThat(increased.positiveBuckets()).as("after a reset all of the new histogram is increase").containsExactly(7, 5);
    }

    @Test
    void histogramsRoundTripThroughTheChunkEncodingAndATruncatedOneIsRefused() {
        FloatHistogram custom = new FloatHistogram(CounterResetHint.NOT_COUNTER_RESET, -53, 0, 0, 7.5, Double.NaN,
                HistogramSpans.pairs(0, 3), new double[] {1, -0.0, 6.5}, HistogramSpans.EMPTY, new double[0],
                new double[] {0.1, 1, 10});
        FloatHistogram big = new FloatHistogram(CounterResetHint.GAUGE, -2, 1e-128, 1e17, 1e17 + 2, -3.25,
                HistogramSpans.pairs(-5, 2, 1000, 1), new double[] {-7, 1L << 51, 0.5}, HistogramSpans.pairs(3, 1), new double[] {42},
                null);
        for (FloatHistogram h : new FloatHistogram[] {custom, big}) {
            GrowableBytes out = new GrowableBytes(16);
            AggrHistograms.write(out, h);
            byte[] bytes = out.toByteArray();
            int[] pos = {0};
            FloatHistogram back = AggrHistograms.read(bytes, pos, bytes.length);
            assertThat(pos[0]).isEqualTo(bytes.length);
            assertThat(back).isEqualTo(h);
            assertThat(Double.doubleToRawLongBits(back.positiveBucket(h == custom ? 1 : 0)))
                    .isEqualTo(Double.doubleToRawLongBits(h.positiveBucket(h == custom ? 1 : 0)));
            for (int len = 0; len < bytes.length; len++) {
                int cut = len;
                assertThatThrownBy(() -> AggrHistograms.read(bytes, new int[] {0}, cut)).as("cut to " + cut)
                        .isInstanceOf(ChunkFormatException.class);
            }
        }
    }
}
