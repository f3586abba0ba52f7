package io.promethium.promql.engine.internal.eval;

import io.promethium.promql.engine.internal.kernel.NativeHistogram;

/**
 * The running average of native histograms as Prometheus computes it (avg, avg_over_time): a
 * Kahan-compensated sum while it stays finite; once adding would overflow, the sum so far
 * becomes a mean and each further histogram is folded in incrementally ({@code mean * (n-1)/n + h/n}),
 * still compensated.
 */
final class HistogramMeans {

    private HistogramMeans() {
    }

    /**
     * Adds {@code h}, the {@code n}-th histogram, to the running value {@code values[i]} with
     * compensation {@code comps[i]}; {@code incremental} tells whether that value is a mean
     * already. Returns whether it is a mean afterwards (then the result needs no division).
     */
    static boolean add(NativeHistogram[] values, NativeHistogram[] comps, int i, NativeHistogram h, int n, boolean incremental) {
        if (!incremental) {
            NativeHistogram sum = values[i].copy();
            NativeHistogram comp = comps[i].copy();
            sum.kahanAdd(h, comp);
            if (!sum.hasOverflow()) {
                values[i] = sum;
                comps[i] = comp;
                return false;
            }
            // The sum overflows: continue from the mean of what came before.
            values[i].div(n - 1);
            comps[i].div(n - 1);
        }
        double q = (n - 1) / (double) n;
        values[i].mul(q);
        comps[i].mul(q);
        values[i].kahanAdd(h.copy().div(n), comps[i]);
        return true;
    }
}
