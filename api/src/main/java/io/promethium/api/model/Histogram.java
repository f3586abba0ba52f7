package io.promethium.api.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * A native histogram sample with integer counts, as Prometheus's {@code histogram.Histogram}:
 * exponential buckets of the given schema (-4..8: bucket boundaries are powers of
 * {@code 2^(2^-schema)}), or custom bucket upper bounds when the schema is
 * {@value #CUSTOM_BUCKETS_SCHEMA} (NHCB, converted classic histograms). Bucket counts are stored
 * as deltas: each bucket's count minus the previous bucket's of the same side (the first one
 * absolute), in layout order.
 *
 * <p><b>Immutable by contract, reusable by its producer.</b> Whoever receives a histogram must
 * not change it. The one that made it (a {@link io.promethium.api.storage.SampleIterator} that
 * reuses its object, as documented there) may refill it with {@link #set} on its next advance:
 * call {@link #copy()} to keep a sample beyond that. Not thread-safe while being refilled.
 */
public final class Histogram {

    /** The schema of histograms with custom bucket bounds (NHCB). */
    public static final int CUSTOM_BUCKETS_SCHEMA = -53;
    /** The smallest exponential schema. */
    public static final int MIN_SCHEMA = -4;
    /** The largest exponential schema. */
    public static final int MAX_SCHEMA = 8;

    private static final long[] NO_BUCKETS = new long[0];
    private static final double[] NO_BOUNDS = new double[0];

    private CounterResetHint counterResetHint = CounterResetHint.UNKNOWN;
    private int schema;
    private double zeroThreshold;
    private long zeroCount;
    private long count;
    private double sum;
    private HistogramSpans positiveSpans = HistogramSpans.EMPTY;
    private long[] positiveBuckets = NO_BUCKETS;
    private HistogramSpans negativeSpans = HistogramSpans.EMPTY;
    private long[] negativeBuckets = NO_BUCKETS;
    private double[] customValues = NO_BOUNDS;

    /** An empty histogram (schema 0, no buckets), to be filled by {@link #set} by its producer. */
    public Histogram() {
    }

    /**
     * A histogram with the given content; arrays are copied. Bucket arrays hold exactly as many
     * entries as their spans describe (checked by {@link #validate()}, not here).
     */
    public Histogram(CounterResetHint counterResetHint, int schema, double zeroThreshold, long zeroCount, long count, double sum,
                     HistogramSpans positiveSpans, long[] positiveBuckets, HistogramSpans negativeSpans, long[] negativeBuckets,
                     double[] customValues) {
        set(counterResetHint, schema, zeroThreshold, zeroCount, count, sum, positiveSpans, positiveBuckets, negativeSpans, negativeBuckets,
                customValues);
    }

    /** An exponential histogram with no negative buckets (convenient in tests and converters). */
    public static Histogram exponential(int schema, double zeroThreshold, long zeroCount, long count, double sum, HistogramSpans positiveSpans,
                                        long... positiveDeltas) {
        return new Histogram(CounterResetHint.UNKNOWN, schema, zeroThreshold, zeroCount, count, sum, positiveSpans, positiveDeltas,
                HistogramSpans.EMPTY, NO_BUCKETS, NO_BOUNDS);
    }

    /** A histogram with custom bucket upper bounds (schema -53); the last bucket (index {@code bounds.length}) is +Inf. */
    public static Histogram custom(double[] upperBounds, long count, double sum, HistogramSpans spans, long... deltas) {
        return new Histogram(CounterResetHint.UNKNOWN, CUSTOM_BUCKETS_SCHEMA, 0, 0, count, sum, spans, deltas, HistogramSpans.EMPTY,
                NO_BUCKETS, upperBounds);
    }

    /**
     * Refills this histogram (for its producer only, see the class comment). Bucket arrays are
     * copied into buffers this object keeps; spans and custom values are kept by reference when
     * they are the same objects as before, so a producer that passes the same layout each time
     * pays only for the counts.
     */
    public Histogram set(CounterResetHint counterResetHint, int schema, double zeroThreshold, long zeroCount, long count, double sum,
                         HistogramSpans positiveSpans, long[] positiveBuckets, HistogramSpans negativeSpans, long[] negativeBuckets,
                         double[] customValues) {
        return set(counterResetHint, schema, zeroThreshold, zeroCount, count, sum, positiveSpans, positiveBuckets,
                positiveBuckets == null ? 0 : positiveBuckets.length, negativeSpans, negativeBuckets,
                negativeBuckets == null ? 0 : negativeBuckets.length, customValues);
    }

    /**
     * Refills with bucket arrays of which only the first {@code positiveCount}/{@code negativeCount}
     * entries count (decoders keep larger buffers).
     */
    public Histogram set(CounterResetHint counterResetHint, int schema, double zeroThreshold, long zeroCount, long count, double sum,
                         HistogramSpans positiveSpans, long[] positiveBuckets, int positiveCount, HistogramSpans negativeSpans,
                         long[] negativeBuckets, int negativeCount, double[] customValues) {
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
        setCustomValues(customValues);
        return this;
    }

    private void setCustomValues(double[] values) {
        if (values == null || values.length == 0) {
            customValues = NO_BOUNDS;
        } else if (values != customValues && !Arrays.equals(values, customValues)) {
            customValues = values.clone();
        }
    }

    // Exact-length arrays keep equals/hashCode and the accessors simple; a new array only when the size changes.
    private static long[] fill(long[] current, long[] source, int n) {
        if (n == 0) {
            return NO_BUCKETS;
        }
        long[] out = current.length == n && current != source ? current : new long[n];
        System.arraycopy(source, 0, out, 0, n);
        return out;
    }

    /** A copy that its holder may keep (nobody refills it). */
    public Histogram copy() {
        return new Histogram(counterResetHint, schema, zeroThreshold, zeroCount, count, sum, positiveSpans, positiveBuckets, negativeSpans,
                negativeBuckets, customValues);
    }

    public CounterResetHint counterResetHint() {
        return counterResetHint;
    }

    public int schema() {
        return schema;
    }

    /** Whether the buckets are custom bounds (schema -53) rather than exponential. */
    public boolean usesCustomBuckets() {
        return schema == CUSTOM_BUCKETS_SCHEMA;
    }

    public double zeroThreshold() {
        return zeroThreshold;
    }

    public long zeroCount() {
        return zeroCount;
    }

    /** The number of observations (may exceed the buckets' sum only when {@link #sum()} is NaN). */
    public long count() {
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

    /** The number of positive buckets (entries in {@link #positiveDelta}). */
    public int positiveBucketCount() {
        return positiveBuckets.length;
    }

    public int negativeBucketCount() {
        return negativeBuckets.length;
    }

    /** The i-th positive bucket's count minus the previous one's (the first is absolute). */
    public long positiveDelta(int i) {
        return positiveBuckets[i];
    }

    public long negativeDelta(int i) {
        return negativeBuckets[i];
    }

    /** A copy of the positive deltas. */
    public long[] positiveDeltas() {
        return positiveBuckets.clone();
    }

    public long[] negativeDeltas() {
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

    /** Whether this sample is a staleness marker (its sum is the stale NaN, as Prometheus writes it). */
    public boolean isStale() {
        return StaleMarker.isStale(sum);
    }

    /** The same histogram with float counts (absolute, not deltas). */
    public FloatHistogram toFloat() {
        return toFloat(new FloatHistogram());
    }

    /** Converts into {@code into} (refilled, see {@link FloatHistogram}'s class comment) and returns it. */
    public FloatHistogram toFloat(FloatHistogram into) {
        double[] pos = absolute(positiveBuckets);
        double[] neg = absolute(negativeBuckets);
        return into.set(counterResetHint, schema, zeroThreshold, zeroCount, count, sum, positiveSpans, pos, pos.length, negativeSpans, neg,
                neg.length, customValues);
    }

    private static double[] absolute(long[] deltas) {
        double[] out = new double[deltas.length];
        long current = 0;
        for (int i = 0; i < deltas.length; i++) {
            current += deltas[i];
            out[i] = current;
        }
        return out;
    }

    /**
     * Checks the histogram is well formed as Prometheus's {@code Validate} does: a known schema,
     * spans that describe exactly the buckets, no negative bucket counts, custom bounds that
     * increase (and no negative or zero buckets with them), and a count equal to the buckets'
     * total (at least it when the sum is NaN).
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public void validate() {
        HistogramChecks.schema(schema, customValues.length);
        if (usesCustomBuckets()) {
            HistogramChecks.customLayout(negativeSpans.count(), negativeBuckets.length, zeroCount, customValues, positiveSpans);
        } else if (customValues.length > 0) {
            throw new IllegalArgumentException("histogram with exponential schema must not have custom bounds");
        }
        HistogramChecks.spans("positive", positiveSpans, positiveBuckets.length);
        HistogramChecks.spans("negative", negativeSpans, negativeBuckets.length);
        long total = zeroCount;
        if (zeroCount < 0) {
            throw new IllegalArgumentException("histogram has a negative zero count " + zeroCount);
        }
        total += bucketsTotal("positive", positiveBuckets);
        total += bucketsTotal("negative", negativeBuckets);
        if (Double.isNaN(sum) ? Long.compareUnsigned(total, count) > 0 : total != count) {
            throw new IllegalArgumentException(Double.isNaN(sum)
                    ? "histogram has " + count + " observations, fewer than the " + total + " in its buckets"
                    : "histogram has " + count + " observations but " + total + " in its buckets");
        }
    }

    private static long bucketsTotal(String side, long[] deltas) {
        long current = 0;
        long total = 0;
        for (int i = 0; i < deltas.length; i++) {
            current += deltas[i];
            if (current < 0) {
                throw new IllegalArgumentException("histogram has a negative count " + current + " in " + side + " bucket " + i);
            }
            total += current;
        }
        return total;
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof Histogram h && counterResetHint == h.counterResetHint && schema == h.schema
                && Double.compare(zeroThreshold, h.zeroThreshold) == 0 && zeroCount == h.zeroCount && count == h.count
                && Double.doubleToLongBits(sum) == Double.doubleToLongBits(h.sum) && positiveSpans.equals(h.positiveSpans)
                && negativeSpans.equals(h.negativeSpans) && Arrays.equals(positiveBuckets, h.positiveBuckets)
                && Arrays.equals(negativeBuckets, h.negativeBuckets) && Arrays.equals(customValues, h.customValues);
    }

    @Override
    public int hashCode() {
        return Objects.hash(schema, count, sum, zeroCount, positiveSpans, Arrays.hashCode(positiveBuckets), Arrays.hashCode(negativeBuckets));
    }

    @Override
    public String toString() {
        return "Histogram{hint=" + counterResetHint + ", schema=" + schema + ", zeroThreshold=" + zeroThreshold + ", zeroCount=" + zeroCount
                + ", count=" + count + ", sum=" + sum + ", positive=" + positiveSpans + Arrays.toString(positiveBuckets) + ", negative="
                + negativeSpans + Arrays.toString(negativeBuckets) + (customValues.length > 0 ? ", bounds=" + Arrays.toString(customValues) : "")
                + "}";
    }
}
