package io.promethium.promql.engine.internal.kernel;

import io.promethium.api.model.CounterResetHint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class NativeHistogramTest {

    private static NativeHistogram custom(double[] bounds, int[] idx, double[] counts, double sum) {
        double count = 0;
        for (double c : counts) {
            count += c;
        }
        return NativeHistogram.of(CounterResetHint.UNKNOWN, NativeHistogram.CUSTOM_BUCKETS_SCHEMA, 0, 0, count, sum, idx, counts,
                new int[0], new double[0], bounds);
    }

    @Test
    void trimInterpolatesLinearlyInsideACustomBucketAndReestimatesTheSum() {
        // (-Inf,5]:1 (5,10]:6 (10,15]:4 (15,20]:3 (20,+Inf]:1
        NativeHistogram h = custom(new double[] {5, 10, 15, 20}, new int[] {0, 1, 2, 3, 4}, new double[] {1, 6, 4, 3, 1}, 172.5);
        NativeHistogram below = h.trim(true, 13);
        // 3/5 of the (10,15] bucket is below 13; buckets count at their middles, the first one as [0, 5].
        assertThat(below.count).isCloseTo(9.4, within(1e-12));
        assertThat(below.sum).isCloseTo(1 * 2.5 + 6 * 7.5 + 2.4 * 11.5, within(1e-9));
        NativeHistogram above = h.trim(false, 13);
        // The +Inf bucket counts at its lower bound.
        assertThat(above.count).isCloseTo(5.6, within(1e-12));
        assertThat(above.sum).isCloseTo(1.6 * 14 + 3 * 17.5 + 1 * 20, within(1e-9));
    }

    @Test
    void trimThatCutsNothingReturnsTheHistogramWithItsOwnSum() {
        NativeHistogram h = custom(new double[] {5, 10}, new int[] {0, 1, 2}, new double[] {1, 2, 3}, 42);
        assertThat(h.trim(false, 0)).isSameAs(h);
        assertThat(h.trim(true, Double.POSITIVE_INFINITY)).isSameAs(h);
        assertThat(h.trim(true, Double.NEGATIVE_INFINITY).count).isZero();
    }

    @Test
    void customBucketsWithDifferentBoundsAddOnTheBoundsTheyShare() {
        NativeHistogram a = custom(new double[] {2, 4, 6}, new int[] {0, 1, 2, 3}, new double[] {1, 2, 5, 7}, 55);
        NativeHistogram b = custom(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8},
                new double[] {10, 20, 30, 40, 50, 60, 70, 80, 90}, 555);
        assertThat(a.customBoundsDiffer(b)).isTrue();
        NativeHistogram sum = a.copy().add(b);
        // Shared bounds 2, 4, 6: b's buckets fold into (-Inf,2], (2,4], (4,6], (6,+Inf].
        assertThat(sum.toFloatHistogram().customValues()).containsExactly(2, 4, 6);
        assertThat(sum.toFloatHistogram().positiveBuckets()).containsExactly(31, 72, 115, 247);
        assertThat(sum.count).isEqualTo(465);
        // A bucket of the shared bounds that went down is a counter reset.
        assertThat(a.detectReset(b)).isTrue();
        assertThat(b.detectReset(a)).isFalse();
    }

    @Test
    void kahanSumKeepsSmallTermsBetweenCancellingLargeOnes() {
        NativeHistogram h = custom(new double[] {1}, new int[] {0}, new double[] {1}, 3.1);
        NativeHistogram sum = h.copy();
        NativeHistogram comp = NativeHistogram.compensationFor(h);
        sum.kahanAdd(custom(new double[] {1}, new int[] {0}, new double[] {1}, 1e100), comp);
        sum.kahanAdd(custom(new double[] {1}, new int[] {0}, new double[] {1}, -1e100), comp);
        sum.kahanAdd(custom(new double[] {1}, new int[] {0}, new double[] {1}, 1.3), comp);
        NativeHistogram total = sum.withCompensation(comp);
        assertThat(total.sum).isCloseTo(4.4, within(1e-12));
        assertThat(total.count).isEqualTo(4);
    }
}
