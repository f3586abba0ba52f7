package io.promethium.goformat;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import org.junit.jupiter.api.Test;

/** The cases of Prometheus 3's {@code TestFloatHistogramString} ({@code model/histogram/float_histogram_test.go}). */
class GoHistogramsTest {

    @Test
    void anExponentialHistogramPrintsNegativeZeroAndPositiveBucketsAsGo() {
        FloatHistogram h = new FloatHistogram(CounterResetHint.UNKNOWN, 1, 0.01, 5.5, 3493.3, 2349209.324,
                HistogramSpans.pairs(-2, 1, 2, 3), new double[] {1, 3.3, 4.2, 0.1},
                HistogramSpans.pairs(3, 2, 3, 2), new double[] {3.1, 3, 1.234e5, 1000}, new double[0]);
        assertThat(GoHistograms.string(h)).isEqualTo("{count:3493.3, sum:2.349209324e+06, [-22.62741699796952,-16):1000, "
                + "[-16,-11.31370849898476):123400, [-4,-2.82842712474619):3, [-2.82842712474619,-2):3.1, [-0.01,0.01]:5.5, "
                + "(0.35355339059327373,0.5]:1, (1,1.414213562373095]:3.3, (1.414213562373095,2]:4.2, (2,2.82842712474619]:0.1}");
    }

    @Test
    void aCustomBucketsHistogramPrintsItsFirstBucketClosedBelow() {
        FloatHistogram h = new FloatHistogram(CounterResetHint.UNKNOWN, Histogram.CUSTOM_BUCKETS_SCHEMA, 0, 0, 3493.3, 2349209.324,
                HistogramSpans.pairs(0, 1, 2, 4), new double[] {1, 3.3, 4.2, 0.1, 5}, HistogramSpans.EMPTY, new double[0],
                new double[] {1, 2, 5, 10, 15, 20});
        assertThat(GoHistograms.string(h))
                .isEqualTo("{count:3493.3, sum:2.349209324e+06, [-Inf,1]:1, (5,10]:3.3, (10,15]:4.2, (15,20]:0.1, (20,+Inf]:5}");
    }

    @Test
    void integerCountsPrintWithoutAFraction() {
        FloatHistogram h = new FloatHistogram(CounterResetHint.UNKNOWN, 0, 0.001, 12, 19, 2.7,
                HistogramSpans.pairs(0, 2), new double[] {1, 3}, HistogramSpans.EMPTY, new double[0], new double[0]);
        StringBuilder sb = new StringBuilder();
        GoHistograms.append(sb, h, true);
        assertThat(sb).hasToString("{count:19, sum:2.7, [-0.001,0.001]:12, (0.5,1]:1, (1,2]:3}");
    }
}
