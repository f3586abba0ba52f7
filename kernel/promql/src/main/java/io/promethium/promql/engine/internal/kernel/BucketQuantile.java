package io.promethium.promql.engine.internal.kernel;

/**
 * {@code histogram_quantile} over classic buckets ({@code le} upper bounds with cumulative
 * counts), as Prometheus computes it: buckets sorted by bound, equal bounds coalesced, tiny
 * floating-point differences smoothed, decreases forced monotonic (reported so the caller can
 * annotate), then linear interpolation inside the bucket holding the rank.
 */
public final class BucketQuantile {

    /** Bit set in {@link #flags()} when counts had to be forced monotonic. */
    public static final int FORCED_MONOTONIC = 1;
    /** Bit set when counts differing only by floating-point noise were equalised. */
    public static final int FIXED_PRECISION = 2;

    private static final double SMALL_DELTA_TOLERANCE = 1e-12;

    private double[] bounds = new double[16];
    private double[] counts = new double[16];
    private int size;
    private int flags;

    public void reset() {
        size = 0;
        flags = 0;
    }

    public int size() {
        return size;
    }

    public void add(double upperBound, double count) {
        if (size == bounds.length) {
            bounds = java.util.Arrays.copyOf(bounds, size * 2);
            counts = java.util.Arrays.copyOf(counts, size * 2);
        }
        bounds[size] = upperBound;
        counts[size] = count;
        size++;
    }

    /** Flags of the last {@link #quantile} call. */
    public int flags() {
        return flags;
    }

    public double quantile(double q) {
        flags = 0;
        if (Double.isNaN(q)) {
            return Double.NaN;
        }
        if (q < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (q > 1) {
            return Double.POSITIVE_INFINITY;
        }
        if (size == 0) {
            return Double.NaN;
        }
        sortByBound();
        if (bounds[size - 1] != Double.POSITIVE_INFINITY) {
            return Double.NaN;
        }
        coalesce();
        ensureMonotonic();
        if (size < 2) {
            return Double.NaN;
        }
        double observations = counts[size - 1];
        if (observations == 0) {
            return Double.NaN;
        }
        double rank = q * observations;
        // The first bucket (among all but the +Inf one) whose count reaches the rank.
        int b = 0;
        int lo = 0;
        int hi = size - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (counts[mid] >= rank) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        b = lo;
        if (b == size - 1) {
            return bounds[size - 2];
        }
        if (b == 0 && bounds[0] <= 0) {
            return bounds[0];
        }
        double bucketStart = 0;
        double bucketEnd = bounds[b];
        double count = counts[b];
        if (b > 0) {
            bucketStart = bounds[b - 1];
            count -= counts[b - 1];
            rank -= counts[b - 1];
        }
        return bucketStart + (bucketEnd - bucketStart) * (rank / count);
    }

    /**
     * The estimated fraction of observations between {@code lower} and {@code upper}, with
     * linear interpolation inside buckets (histogram_fraction over classic buckets).
     */
    public double fraction(double lower, double upper) {
        flags = 0;
        if (size == 0) {
            return Double.NaN;
        }
        sortByBound();
        if (bounds[size - 1] != Double.POSITIVE_INFINITY) {
            return Double.NaN;
        }
        coalesce();
        double count = counts[size - 1];
        if (count == 0 || Double.isNaN(lower) || Double.isNaN(upper)) {
            return Double.NaN;
        }
        if (lower >= upper) {
            return 0;
        }
        double rank = 0;
        double lowerRank = 0;
        double upperRank = 0;
        boolean lowerSet = false;
        boolean upperSet = false;
        for (int i = 0; i < size; i++) {
            double lowerBound = i > 0 ? bounds[i - 1] : Double.NEGATIVE_INFINITY;
            double upperBound = bounds[i];
            double bucketCount = counts[i];
            if (!lowerSet && lowerBound >= lower) {
                lowerRank = rank;
                lowerSet = true;
            }
            if (!upperSet && lowerBound >= upper) {
                upperRank = rank;
                upperSet = true;
            }
            if (lowerSet && upperSet) {
                break;
            }
            if (!lowerSet && lowerBound < lower && upperBound > lower) {
                lowerRank = interpolate(rank, bucketCount, lowerBound, upperBound, lower);
                lowerSet = true;
            }
            if (!upperSet && lowerBound < upper && upperBound > upper) {
                upperRank = interpolate(rank, bucketCount, lowerBound, upperBound, upper);
                upperSet = true;
            }
            if (lowerSet && upperSet) {
                break;
            }
            rank = bucketCount;
        }
        if (!lowerSet || lowerRank > count) {
            lowerRank = count;
        }
        if (!upperSet || upperRank > count) {
            upperRank = count;
        }
        return (upperRank - lowerRank) / count;
    }

    /**
     * The rank at {@code v} inside a bucket. The first bucket is taken to start at 0 when its
     * upper bound is positive; otherwise an infinitely wide bucket cannot be interpolated.
     */
    private static double interpolate(double rank, double bucketCount, double lowerBound, double upperBound, double v) {
        if (Double.isInfinite(lowerBound)) {
            if (upperBound > 0 && v >= 0) {
                lowerBound = 0;
            } else {
                // All of the bucket's observations are taken to lie at its upper bound.
                return bucketCount;
            }
        }
        if (Double.isInfinite(upperBound)) {
            // ... and in the +Inf bucket at its lower bound.
            return rank;
        }
        return rank + (bucketCount - rank) * (v - lowerBound) / (upperBound - lowerBound);
    }

    private void sortByBound() {
        // Insertion sort: stable like Go's SortFunc is not required, bucket lists are short.
        for (int i = 1; i < size; i++) {
            double b = bounds[i];
            double c = counts[i];
            int j = i - 1;
            while (j >= 0 && bounds[j] > b) {
                bounds[j + 1] = bounds[j];
                counts[j + 1] = counts[j];
                j--;
            }
            bounds[j + 1] = b;
            counts[j + 1] = c;
        }
    }

    private void coalesce() {
        int i = 0;
        double lastBound = bounds[0];
        double lastCount = counts[0];
        for (int k = 1; k < size; k++) {
            if (bounds[k] == lastBound) {
                lastCount += counts[k];
            } else {
                bounds[i] = lastBound;
                counts[i] = lastCount;
                lastBound = bounds[k];
                lastCount = counts[k];
                i++;
            }
        }
        bounds[i] = lastBound;
        counts[i] = lastCount;
        size = i + 1;
    }

    private void ensureMonotonic() {
        double prev = counts[0];
        for (int i = 1; i < size; i++) {
            double curr = counts[i];
            if (curr == prev) {
                continue;
            }
            if (almostEqual(prev, curr, SMALL_DELTA_TOLERANCE)) {
                counts[i] = prev;
                flags |= FIXED_PRECISION;
                continue;
            }
            if (curr < prev) {
                counts[i] = prev;
                flags |= FORCED_MONOTONIC;
                continue;
            }
            prev = curr;
        }
    }

    static boolean almostEqual(double a, double b, double epsilon) {
        double minNormal = Double.MIN_NORMAL;
        if (a == b) {
            return true;
        }
        double absSum = Math.abs(a) + Math.abs(b);
        double diff = Math.abs(a - b);
        if (a == 0 || b == 0 || absSum < minNormal) {
            return diff < epsilon * minNormal;
        }
        return diff / Math.min(absSum, Double.MAX_VALUE) < epsilon;
    }
}
