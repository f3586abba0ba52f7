package io.promethium.promql.engine.internal.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.StaleMarker;
import io.promethium.promql.engine.internal.kernel.NativeHistogram;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A window buffer holds, at every step, the samples in (start, end] but staleness markers; one
 * reading float runs ahead of its window (to a later step's end) holds the same and reads as many
 * samples in all: floats with jittered timestamps, staleness markers, native histograms among the floats
 * (read one at a time, in order with the floats read ahead), gaps longer than the range.
 */
class WindowBufferReadAheadTest {

    @Test
    void windowsReadAheadHoldTheSamplesOfWindowsReadUpToTheirEnd() {
        Random random = new Random(11);
        for (int round = 0; round < 300; round++) {
            int n = 1 + random.nextInt(400);
            long[] ts = new long[n];
            double[] vs = new double[n];
            NativeHistogram[] hs = new NativeHistogram[n];
            long t = 1_000_000 + random.nextInt(60_000);
            for (int i = 0; i < n; i++) {
                // Whole seconds, as the steps: samples fall exactly on windows' ends and starts too.
                t += 1_000L * (random.nextInt(20) == 0 ? 200 + random.nextInt(400) : 1 + random.nextInt(30));
                ts[i] = t;
                int kind = random.nextInt(20);
                vs[i] = kind == 0 ? StaleMarker.STALE_NAN : random.nextDouble();
                hs[i] = kind == 1 && round % 2 == 0 ? new NativeHistogram() : null;
            }
            long step = 1_000L * (1 + random.nextInt(60));
            long range = step + 1_000L * random.nextInt(120);
            int steps = 1 + (int) ((t - ts[0] + 300_000) / step);
            long[] ends = new long[steps];
            for (int s = 0; s < steps; s++) {
                ends[s] = ts[0] - 150_000 + s * step;
            }
            int ahead = 1 + random.nextInt(40);
            WindowBuffer plain = new WindowBuffer();
            WindowBuffer early = new WindowBuffer();
            plain.reset(new ArraySampleIterator(ts, vs, hs, n));
            early.reset(new ArraySampleIterator(ts, vs, hs, n));
            for (int s = 0; s < steps; s++) {
                long end = ends[s];
                plain.advance(end - range, end);
                early.advance(end - range, end, ends[Math.min(s + ahead, steps - 1)]);
                String at = "round " + round + ", step " + s;
                assertThat(window(plain)).as(at).isEqualTo(expected(ts, vs, hs, end - range, end));
                assertThat(window(early)).as(at).isEqualTo(window(plain));
            }
            assertThat(early.takeRead()).as("samples read, round %d", round).isEqualTo(plain.takeRead());
        }
    }

    /** The samples in (start, end], staleness markers left out, as {@link #window} spells them. */
    private static String expected(long[] ts, double[] vs, NativeHistogram[] hs, long start, long end) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ts.length; i++) {
            if (ts[i] > start && ts[i] <= end && (hs[i] != null || !StaleMarker.isStale(vs[i]))) {
                sb.append(ts[i]).append(hs[i] != null ? "=h " : "=" + vs[i] + " ");
            }
        }
        return sb.toString();
    }

    private static String window(WindowBuffer b) {
        StringBuilder sb = new StringBuilder();
        for (int i = b.lo; i < b.hi; i++) {
            boolean hist = b.hs != null && b.hs[i] != null;
            sb.append(b.ts[i]).append(hist ? "=h " : "=" + b.vs[i] + " ");
        }
        return sb.toString();
    }
}
