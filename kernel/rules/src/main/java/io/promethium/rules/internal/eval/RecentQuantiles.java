package io.promethium.rules.internal.eval;

import java.util.Arrays;
import java.util.List;

/**
 * The last {@value #SIZE} observations of a duration, for the quantiles of a Prometheus-style
 * summary (objectives 0.5, 0.9, 0.99). Prometheus uses a 10-minute sliding window; a window of
 * recent observations gives the same figures for steady evaluation rates with bounded memory.
 */
public final class RecentQuantiles {

    static final int SIZE = 1024;
    private final double[] ring = new double[SIZE];
    private long count;

    public synchronized void observe(double v) {
        ring[(int) (count % SIZE)] = v;
        count++;
    }

    synchronized double[] snapshot() {
        return Arrays.copyOf(ring, (int) Math.min(count, SIZE));
    }

    /** The q-quantile over the recent observations of all {@code parts}; NaN when there are none. */
    public static double quantile(List<RecentQuantiles> parts, double q) {
        int total = 0;
        double[][] snaps = new double[parts.size()][];
        for (int i = 0; i < snaps.length; i++) {
            snaps[i] = parts.get(i).snapshot();
            total += snaps[i].length;
        }
        if (total == 0) {
            return Double.NaN;
        }
        double[] all = new double[total];
        int at = 0;
        for (double[] s : snaps) {
            System.arraycopy(s, 0, all, at, s.length);
            at += s.length;
        }
        Arrays.sort(all);
        int index = (int) Math.ceil(q * total) - 1;
        return all[Math.max(0, Math.min(total - 1, index))];
    }
}
