package io.promethium.api.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * A native histogram sample with float counts, as Prometheus's {@code histogram.FloatHistogram}:
 * the result of PromQL on histograms (rates, sums), and what remote write and recording rules
 * may append. Same layout as {@link Histogram}, but bucket counts are absolute, not deltas.
 *
 * <p><b>Immutable by contract, reusable by its producer</b>, exactly as {@link Histogram}:
 * receivers never change it; the producer may refill it with {@link #set}; {@link #copy()} keeps one.
 */
public final class FloatHistogram {

    private static final double[] NONE = new double[0];

    private CounterResetHint counterResetHint = CounterResetHint.UNKNOWN;
    private int schema;
    private double zeroThreshold;
    private double zeroCount;
    private double count;
    private double sum;
    private HistogramSpans positiveSpans = HistogramSpans.EMPTY;
    private double[] positiveBuckets = NONE;
    private HistogramSpans negativeSpans = HistogramSpans.EMPTY;
    private double[] negativeBuckets = NONE;
    private double[] customValues = NONE;

    /** An empty histogram (schema 0, no buckets), to be filled by {@link #set} by its producer. */
    public FloatHistogram() {
    }

    /** A histogram with the given content; arrays are copied. */
    public FloatHistogram(CounterResetHint counterResetHint, int schema, double zeroThreshold, double zeroCount, double count, double sum,
                          HistogramSpans positiveSpans, double[] positiveBuckets, HistogramSpans negativeSpans, double[] negativeBuckets,
                          double[] customValues) {
        set(counterResetHint, schema, zeroThreshold, zeroCount, count, sum, positiveSpans, positiveBuckets,
                positiveBuckets == null ? 0 : positiveBuckets.length, negativeSpans, negativeBuckets,
                negativeBuckets == null ? 0 : negativeBuckets.length, customValues);
    }

    /** An exponential histogram with no negative buckets. */
    public static FloatHistogram exponential(int schema, double zeroThreshold, double zeroCount, double count, double sum,
                                             HistogramSpans positiveSpans, double... positiveCounts) {
        return new FloatHistogram(CounterResetHint.UNKNOWN, schema, zeroThreshold, zeroCount, count, sum, positiveSpans, positiveCounts,
                HistogramSpans.EMPTY, NONE, NONE);
    }

    /** A histogram with custom bucket upper bounds (schema -53). */
    public static FloatHistogram custom(double[] upperBounds, double count, double sum, HistogramSpans spans, double... counts) {
        return new FloatHistogram(CounterResetHint.UNKNOWN, Histogram.CUSTOM_BUCKETS_SCHEMA, 0, 0, count, sum, spans, counts,
                HistogramSpans.EMPTY, NONE, upperBounds);
    }

    /**
     * Refills this histogram (for its producer only). The first {@code positiveCount} and
     * {@code negativeCount} bucket entries are copied; spans and custom values are kept by
     * reference when unchanged.
     */
    public FloatHistogram set(CounterResetHint counterResetHint, int schema, double zeroThreshold, double zeroCount, double count, double sum,
                              HistogramSpans positiveSpans, double[] positiveBuckets, int positiveCount, HistogramSpans negativeSpans,
                              double[] negativeBuckets, int negativeCount, double[] customValues) {
        this.counterResetHint = Objects.requireNonNull(counterResetHint, "counterResetHint is null");
        this.schema = schema;
        this.zeroThreshold = zeroThreshold;
        this.zeroCount = zeroCount;
        this.count = count;
        this.sum = sum;
        this.positiveSpans = positiveSpans == null ? HistogramSpans.EMPTY : positiveSpans;
        this.negativeSpans = negativeSpans == null ? HistogramSpans.EMPTY : negativeSpans;
        this.positiveBuckets = fill(this.positiveBuckets, positiveBuckets, positiveCount);
        this.negativeBuckets = fill(this.negativeBuckets, negativeBuckets, negativeCount);
        if (customValues == null || customValues.length == 0) {
            this.customValues = NONE;
        } else if (customValues != this.customValues && !Arrays.equals(customValues, this.customValues)) {
            this.customValues = customValues.clone();
        }
        return this;
    }

    private static double[] fill(double[] current, double[] source, int n) {
        if (n == 0) {
            return NONE;
        }
        double[] out = current.length == n && current != source ? current : new double[n];
        System.arraycopy(source, 0, out, 0, n);
        return out;
    }

    /** A copy that its holder may keep. */
    public FloatHistogram copy() {
        return new FloatHistogram(counterResetHint, schema, zeroThreshold, zeroCount, count, sum, positiveSpans, positiveBuckets, negativeSpans,
                negativeBuckets, customValues);
    }

    public CounterResetHint counterResetHint() {
        return counterResetHint;
    }

    public int schema() {
        return schema;
    }

    public boolean usesCustomBuckets() {
        return schema == Histogram.CUSTOM_BUCKETS_SCHEMA;
    }

    public double zeroThreshold() {
        return zeroThreshold;
    }

    public double zeroCount() {
        return zeroCount;
    }

    public double count() {
        return count;
    }

    public double sum() {
        return sum;
    }

    public HistogramSpans positiveSpans() {
        return positiveSpans;
    }

    public HistogramSpans negativeSpans() {
        return negativeSpans;
    }

    public int positiveBucketCount() {
        return positiveBuckets.length;
    }

    public int negativeBucketCount() {
        return negativeBuckets.length;
    }

    /** The i-th positive bucket's count (absolute). */
    public double positiveBucket(int i) {
        return positiveBuckets[i];
    }

    public double negativeBucket(int i) {
        return negativeBuckets[i];
    }

    /** A copy of the positive bucket counts. */
    public double[] positiveBuckets() {
        return positiveBuckets.clone();
    }

    public double[] negativeBuckets() {
        return negativeBuckets.clone();
    }

    /** The custom upper bounds (schema -53), ascending; empty for exponential schemas. A copy. */
    public double[] customValues() {
        return customValues.clone();
    }

    public int customValueCount() {
        return customValues.length;
    }

    public double customValue(int i) {
        return customValues[i];
    }

    /** Whether this sample is a staleness marker (its sum is the stale NaN). */
    public boolean isStale() {
        return StaleMarker.isStale(sum);
    }

    /** Checks the histogram is well formed (see {@link Histogram#validate()}; counts may be fractional). */
    public void validate() {
        HistogramChecks.schema(schema, customValues.length);
        if (usesCustomBuckets()) {
            HistogramChecks.customLayout(negativeSpans.count(), negativeBuckets.length, zeroCount, customValues, positiveSpans);
        } else if (customValues.length > 0) {
            throw new IllegalArgumentException("histogram with exponential schema must not have custom bounds");
        }
        HistogramChecks.spans("positive", positiveSpans, positiveBuckets.length);
        HistogramChecks.spans("negative", negativeSpans, negativeBuckets.length);
        if (zeroCount < 0) {
            throw new IllegalArgumentException("histogram has a negative zero count " + zeroCount);
        }
        double total = zeroCount + total("positive", positiveBuckets) + total("negative", negativeBuckets);
        if (!Double.isNaN(sum) && Math.abs(total - count) > 1e-9 * Math.max(1, Math.abs(count)) || Double.isNaN(sum) && total > count + 1e-9 * Math.max(1, count)) {
            throw new IllegalArgumentException("histogram has " + count + " observations but " + total + " in its buckets");
        }
    }

    private static double total(String side, double[] counts) {
        double total = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < 0) {
                throw new IllegalArgumentException("histogram has a negative count " + counts[i] + " in " + side + " bucket " + i);
            }
            total += counts[i];
        }
        return total;
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof FloatHistogram h && counterResetHint == h.counterResetHint && schema == h.schema
                && Double.compare(zeroThreshold, h.zeroThreshold) == 0 && Double.compare(zeroCount, h.zeroCount) == 0
                && Double.compare(count, h.count) == 0 && Double.doubleToLongBits(sum) == Double.doubleToLongBits(h.sum)
                && positiveSpans.equals(h.positiveSpans) && negativeSpans.equals(h.negativeSpans)
                && Arrays.equals(positiveBuckets, h.positiveBuckets) && Arrays.equals(negativeBuckets, h.negativeBuckets)
                && Arrays.equals(customValues, h.customValues);
    }

    @Override
    public int hashCode() {
        return Objects.hash(schema, count, sum, zeroCount, positiveSpans, Arrays.hashCode(positiveBuckets), Arrays.hashCode(negativeBuckets));
    }

    @Override
    public String toString() {
        return "FloatHistogram{hint=" + counterResetHint + ", schema=" + schema + ", zeroThreshold=" + zeroThreshold + ", zeroCount="
                + zeroCount + ", count=" + count + ", sum=" + sum + ", positive=" + positiveSpans + Arrays.toString(positiveBuckets)
                + ", negative=" + negativeSpans + Arrays.toString(negativeBuckets)
                + (customValues.length > 0 ? ", bounds=" + Arrays.toString(customValues) : "") + "}";
    }
}
