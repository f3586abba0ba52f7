package io.promethium.promql.engine.internal.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link InstantSelectors#after}, which gallops from the start of the range instead of bisecting
 * it, answers as a plain scan: the first index after a time, at every start and end of a run,
 * for times before, between, on and past its samples.
 */
class InstantSelectorSearchTest {

    @Test
    void theGallopFindsTheFirstSampleAfterATimeAsAScanDoes() {
        Random random = new Random(7);
        for (int round = 0; round < 300; round++) {
            int n = 1 + random.nextInt(300);
            long[] times = new long[n];
            long t = random.nextInt(100);
            for (int i = 0; i < n; i++) {
                t += 1 + random.nextInt(random.nextBoolean() ? 3 : 40);
                times[i] = t;
            }
            int from = random.nextInt(n + 1);
            int to = from + random.nextInt(n - from + 1);
            for (long probe = times[0] - 2; probe <= times[n - 1] + 2; probe += 1 + random.nextInt(3)) {
                assertThat(InstantSelectors.after(times, from, to, probe))
                        .as("after %d in [%d, %d) of %d", probe, from, to, n).isEqualTo(scan(times, from, to, probe));
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
