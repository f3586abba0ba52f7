package io.promethium.promql.engine.internal.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link SampleTimes#after}, which interpolates the place of a time in a run instead of walking
 * or bisecting it, answers as a plain scan: the first index after a time, at every start and end
 * of a run, for times before, between, on and past its samples, whether they come at a steady
 * interval (with a scrape's jitter) or at random gaps, and whatever interval it is told (the
 * run's, none, or a wrong one).
 */
class SampleTimesTest {

    @Test
    void theSearchFindsTheFirstSampleAfterATimeAsAScanDoes() {
        Random random = new Random(7);
        for (int round = 0; round < 400; round++) {
            boolean steady = round % 2 == 0;
            int n = 1 + random.nextInt(300);
            long[] times = new long[n];
            long t = random.nextInt(100);
            for (int i = 0; i < n; i++) {
                t += steady ? 15_000 + random.nextInt(41) - 20 : 1 + random.nextInt(random.nextBoolean() ? 3 : 40);
                times[i] = t;
            }
            int from = random.nextInt(n + 1);
            int to = from + random.nextInt(n - from + 1);
            long stride = steady ? 997 : 1;
            double perMilli = new double[] {0, SampleTimes.perMilli(times, 0, n), 1.0 / 15_000, 1e-9, 1.0}[round % 5];
            for (long probe = times[0] - 2; probe <= times[n - 1] + 2; probe += stride + random.nextInt(3)) {
                assertThat(SampleTimes.after(times, from, to, probe, perMilli))
                        .as("after %d in [%d, %d) of %d", probe, from, to, n).isEqualTo(scan(times, from, to, probe));
            }
            for (int i = 0; i < n; i++) {
                for (long probe = times[i] - 1; probe <= times[i] + 1; probe++) {
                    assertThat(SampleTimes.after(times, from, to, probe, perMilli)).isEqualTo(scan(times, from, to, probe));
                }
            }
        }
    }

    private static int scan(long[] times, int from, int to, long t) {
        int i = from;
        while (i < to && times[i] <= t) {
            i++;
        }
        return i;
    }
}
