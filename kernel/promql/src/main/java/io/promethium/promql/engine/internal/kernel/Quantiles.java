package io.promethium.promql.engine.internal.kernel;

import java.util.Arrays;

/** Quantiles of plain values, as Prometheus's {@code quantile} aggregation and {@code quantile_over_time}. */
public final class Quantiles {

    private Quantiles() {
    }

    /**
     * The q-quantile of {@code values[0..n)}, interpolating between neighbours. Sorts the slice in
     * place with NaN first (Prometheus's order). q below 0 gives -Inf, above 1 +Inf, NaN gives NaN.
     */
    public static double quantile(double q, double[] values, int n) {
        if (n == 0 || Double.isNaN(q)) {
            return Double.NaN;
        }
        if (q < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (q > 1) {
            return Double.POSITIVE_INFINITY;
        }
        sortNaNFirst(values, n);
        double rank = q * (n - 1);
        double lower = Math.max(0, Math.floor(rank));
        double upper = Math.min(n - 1, lower + 1);
        double weight = rank - Math.floor(rank);
        return values[(int) lower] * (1 - weight) + values[(int) upper] * weight;
    }

    /** Sorts ascending with NaNs first, as Go's sort with Prometheus's less function does. */
    public static void sortNaNFirst(double[] values, int n) {
        int nans = 0;
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(values[i])) {
                double tmp = values[nans];
                values[nans] = values[i];
                values[i] = tmp;
                nans++;
            }
        }
        Arrays.sort(values, nans, n);
    }

    /** Median absolute deviation of {@code values[0..n)}; uses {@code scratch} (length >= n). */
    public static double medianAbsoluteDeviation(double[] values, int n, double[] scratch) {
        if (n == 0) {
            return Double.NaN;
        }
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(values[i])) {
                // A NaN sample makes the deviation NaN rather than being dropped by the sort.
                return Double.NaN;
            }
        }
        System.arraycopy(values, 0, scratch, 0, n);
        double median = quantile(0.5, scratch, n);
        for (int i = 0; i < n; i++) {
            scratch[i] = Math.abs(values[i] - median);
        }
        return quantile(0.5, scratch, n);
    }
}
