package io.promethium.promql.engine.internal.kernel;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class KernelsTest {

    @Test
    void rateExtrapolatesToTheWindowEdgesWhenSamplesAreClose() {
        // Samples every 10 s from 10 s to 60 s, counter +1 each; window (0, 60 s].
        long[] ts = {10_000, 20_000, 30_000, 40_000, 50_000, 60_000};
        double[] vs = {1, 2, 3, 4, 5, 6};
        double increase = RangeKernels.extrapolatedRate(ts, vs, 0, 6, 0, 60_000, true, false);
        // 5 over 50 s, extrapolated by 10 s at the start (within 1.1 x the average gap) = 6.
        assertThat(increase).isCloseTo(6.0, within(1e-12));
        assertThat(RangeKernels.extrapolatedRate(ts, vs, 0, 6, 0, 60_000, true, true)).isCloseTo(0.1, within(1e-12));
    }

    @Test
    void rateDoesNotExtrapolateACounterBelowZero() {
        long[] ts = {50_000, 60_000};
        double[] vs = {1, 3};
        // Extrapolating 5 s (half a gap) back would give 2 - 0.5*2... but the zero point is 5 s back: same here;
        // with a first value of 0.5 the zero point (2.5 s back) limits it.
        double limited = RangeKernels.extrapolatedRate(ts, new double[] {0.5, 2.5}, 0, 2, 0, 60_000, true, false);
        double unlimited = RangeKernels.extrapolatedRate(ts, vs, 0, 2, 0, 60_000, true, false);
        assertThat(limited).isCloseTo(2.0 * 12.5 / 10, within(1e-12));
        assertThat(unlimited).isCloseTo(2.0 * 15 / 10, within(1e-12));
    }

    @Test
    void counterResetsAddThePreviousValue() {
        long[] ts = {0, 10_000, 20_000};
        double[] vs = {5, 1, 4};
        // Increase 5 -> 1 (reset: +1) -> 4 (+3) = 4 + 5 - 5 = 4 raw, window exactly covering samples.
        assertThat(RangeKernels.extrapolatedRate(ts, vs, 0, 3, -1, 20_000, true, false)).isCloseTo(4.0 * 20.001 / 20, within(1e-9));
        assertThat(RangeKernels.resets(vs, 0, 3)).isEqualTo(1);
        assertThat(RangeKernels.changes(vs, 0, 3)).isEqualTo(2);
    }

    @Test
    void fewerThanTwoSamplesGiveNoRate() {
        assertThat(Absent.is(RangeKernels.extrapolatedRate(new long[] {1}, new double[] {1}, 0, 1, 0, 10, true, true))).isTrue();
        assertThat(Absent.is(RangeKernels.instantValue(new long[] {1}, new double[] {1}, 0, 1, true))).isTrue();
    }

    @Test
    void kahanSumKeepsSmallAddendsNextToLargeOnes() {
        KahanSum sum = new KahanSum();
        sum.add(1e100);
        sum.add(1);
        sum.add(-1e100);
        assertThat(sum.value()).isEqualTo(1.0);
    }

    @Test
    void quantileInterpolatesAndSortsNaNFirst() {
        double[] values = {4, 1, 3, 2};
        assertThat(Quantiles.quantile(0.5, values, 4)).isEqualTo(2.5);
        double[] withNaN = {2, Double.NaN, 1};
        assertThat(Quantiles.quantile(0, withNaN, 3)).isNaN();
        assertThat(Quantiles.quantile(1, new double[] {2, Double.NaN, 1}, 3)).isEqualTo(2.0);
        assertThat(Quantiles.quantile(-1, new double[] {1}, 1)).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void bucketQuantileInterpolatesWithinTheBucket() {
        BucketQuantile q = new BucketQuantile();
        q.add(Double.POSITIVE_INFINITY, 10);
        q.add(1, 5);
        q.add(2, 10);
        assertThat(q.quantile(0.75)).isEqualTo(1.5);
        assertThat(q.flags()).isZero();
    }

    @Test
    void bucketQuantileForcesMonotonicCountsAndSaysSo() {
        BucketQuantile q = new BucketQuantile();
        q.add(1, 5);
        q.add(2, 4);
        q.add(Double.POSITIVE_INFINITY, 10);
        q.quantile(0.5);
        assertThat(q.flags() & BucketQuantile.FORCED_MONOTONIC).isNotZero();
    }

    @Test
    void bucketQuantileWithoutInfBucketIsNaN() {
        BucketQuantile q = new BucketQuantile();
        q.add(1, 5);
        assertThat(q.quantile(0.5)).isNaN();
    }

    @Test
    void linearRegressionOfAConstantSeriesHasZeroSlope() {
        double[] out = new double[2];
        RangeKernels.linearRegression(new long[] {0, 1000, 2000}, new double[] {3, 3, 3}, 0, 3, 0, out);
        assertThat(out).containsExactly(0, 3);
        RangeKernels.linearRegression(new long[] {0, 1000, 2000}, new double[] {0, 2, 4}, 0, 3, 0, out);
        assertThat(out[0]).isCloseTo(2, within(1e-12));
    }
}
