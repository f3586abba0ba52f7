package io.promethium.promql.engine.internal.kernel;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RateShapeTest {

    /** A window slid over a series, as a range query's steps slide it; {@code jitter} in ms moves each scrape. */
    private static void slide(SplittableRandom random, int jitter, boolean counter, boolean isRate, RateShape shape, int[] limited) {
        int count = 2 + random.nextInt(400);
        long[] ts = new long[count];
        double[] vs = new double[count];
        long interval = new long[] {1_000, 15_000, 30_000}[random.nextInt(3)];
        double v = switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> random.nextDouble() * 5;
            case 2 -> 1e12 * random.nextDouble();
            default -> -random.nextDouble() * 100;
        };
        for (int i = 0; i < count; i++) {
            ts[i] = 1_700_000_000_000L + i * interval + (jitter == 0 ? 0 : random.nextInt(jitter));
            vs[i] = v;
            int kind = random.nextInt(100);
            if (kind < 3) {
                v = random.nextDouble() * 3; // a reset to near zero: the zero limit comes into play
            } else if (kind < 4) {
                v = kind == 3 && random.nextBoolean() ? Double.NaN : Double.POSITIVE_INFINITY;
            } else if (counter || random.nextBoolean()) {
                v += random.nextInt(3) == 0 ? 0 : random.nextDouble() * (random.nextBoolean() ? 1 : 1e9);
            } else {
                v -= random.nextDouble() * 10;
            }
        }
        long range = interval * (2 + random.nextInt(6)) + (random.nextBoolean() ? 0 : random.nextInt(10_000));
        long step = interval * (1 + random.nextInt(3)) / (1 + random.nextInt(2));
        int lo = 0;
        int hi = 0;
        for (long end = ts[0] + 500; end <= ts[count - 1] + range; end += step) {
            long start = end - range;
            while (hi < count && ts[hi] <= end) {
                hi++;
            }
            while (lo < hi && ts[lo] <= start) {
                lo++;
            }
            double plain = RangeKernels.extrapolatedRate(ts, vs, lo, hi, start, end, counter, isRate);
            double shaped = RangeKernels.extrapolatedRate(ts, vs, lo, hi, start, end, counter, isRate, shape);
            assertThat(Double.doubleToRawLongBits(shaped))
                    .as("window (%d, %d] over samples %d..%d, counter %s, rate %s: %s vs %s", start, end, lo, hi, counter, isRate, shaped, plain)
                    .isEqualTo(Double.doubleToRawLongBits(plain));
            if (counter && hi - lo >= 2 && firstLimited(ts, vs, lo, hi, start)) {
                limited[0]++;
            }
        }
    }

    /** Whether the counter's zero point lies nearer the window's first sample than the extrapolation would go. */
    private static boolean firstLimited(long[] ts, double[] vs, int lo, int hi, long start) {
        double result = vs[hi - 1] - vs[lo];
        for (int i = lo + 1; i < hi; i++) {
            if (vs[i] < vs[i - 1]) {
                result += vs[i - 1];
            }
        }
        double sampled = (ts[hi - 1] - ts[lo]) / 1000.0;
        double toStart = Math.min((ts[lo] - start) / 1000.0, sampled / (hi - lo - 1) / 2);
        return result > 0 && vs[lo] >= 0 && sampled * (vs[lo] / result) < toStart;
    }

    @Test
    void aRememberedShapeGivesTheSameBitsAsWorkingEachWindowOut() {
        SplittableRandom random = new SplittableRandom(7);
        int[] limited = new int[1];
        for (int series = 0; series < 3_000; series++) {
            // One shape per reader, kept across series and functions, as a range query's cursor keeps it.
            RateShape shape = new RateShape();
            for (int k = 0; k < 3; k++) {
                slide(random, random.nextInt(3) == 0 ? 40 : 0, random.nextInt(4) != 0, random.nextBoolean(), shape, limited);
            }
        }
        // The zero limit applied in many windows: the shortcut was tested where it must not be taken.
        assertThat(limited[0]).isGreaterThan(1_000);
    }

    @Test
    void theZeroLimitIsLeftToTheFullComputationOnlyNearTheBound() {
        RateShape shape = new RateShape();
        long[] ts = {10_000, 20_000, 30_000};
        // A 25 s window before the first sample: 5 s extrapolated (half the average gap).
        assertThat(RangeKernels.extrapolatedRate(ts, new double[] {1000, 1010, 1020}, 0, 3, 5_000, 30_000, true, false, shape))
                .isEqualTo(RangeKernels.extrapolatedRate(ts, new double[] {1000, 1010, 1020}, 0, 3, 5_000, 30_000, true, false));
        // Zero point 2 s before the first sample (first 2, increase 20 over 20 s): the limit applies.
        assertThat(shape.zeroLimitCannotApply(2, 20)).isFalse();
        double limited = RangeKernels.extrapolatedRate(ts, new double[] {2, 12, 22}, 0, 3, 5_000, 30_000, true, false, shape);
        assertThat(limited).isEqualTo(RangeKernels.extrapolatedRate(ts, new double[] {2, 12, 22}, 0, 3, 5_000, 30_000, true, false))
                .isCloseTo(22, within(1e-12));
        // Exactly at 5 s the limit changes nothing, but is within the margin: full computation, same answer.
        assertThat(shape.zeroLimitCannotApply(5, 20)).isFalse();
        assertThat(shape.zeroLimitCannotApply(5.001, 20)).isTrue();
        assertThat(shape.zeroLimitCannotApply(1e-300, 1e-310)).isFalse();
    }
}
