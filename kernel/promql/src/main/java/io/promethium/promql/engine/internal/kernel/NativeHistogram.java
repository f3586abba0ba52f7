package io.promethium.promql.engine.internal.kernel;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.HistogramSpans;

import java.util.Arrays;

/**
 * A native histogram as PromQL computes with it: float counts, buckets as sorted arrays of
 * bucket indexes and counts per side (what the spans of the stored form describe, expanded
 * once), mutable so that sums and rates accumulate in place. Semantics follow Prometheus's
 * {@code histogram.FloatHistogram}: adding histograms of different exponential schemas reduces
 * to the coarser one; custom-bucket histograms (schema -53) combine only with the same bounds.
 */
public final class NativeHistogram {

    public static final int CUSTOM_BUCKETS_SCHEMA = -53;
    static final int[] NO_INDEXES = new int[0];
    static final double[] NO_COUNTS = new double[0];

    /** Thrown when two histograms cannot be combined; the message is the annotation's kind. */
    public static final class IncompatibleException extends RuntimeException {
        public final boolean mixedSchemas;

        IncompatibleException(boolean mixedSchemas) {
            super(mixedSchemas ? "mixed exponential and custom buckets" : "conflicting custom bucket bounds", null, false, false);
            this.mixedSchemas = mixedSchemas;
        }
    }

    public CounterResetHint hint = CounterResetHint.UNKNOWN;
    public int schema;
    public double zeroThreshold;
    public double zeroCount;
    public double count;
    public double sum;
    int[] posIdx = NO_INDEXES;
    double[] posCnt = NO_COUNTS;
    int posN;
    int[] negIdx = NO_INDEXES;
    double[] negCnt = NO_COUNTS;
    int negN;
    /** Custom upper bounds (schema -53); shared between copies, never modified. */
    double[] custom = NO_COUNTS;

    public NativeHistogram() {
    }

    /** The stored form's content, expanded. */
    public static NativeHistogram of(FloatHistogram h) {
        NativeHistogram n = new NativeHistogram();
        n.hint = h.counterResetHint();
        n.schema = h.schema();
        n.zeroThreshold = h.zeroThreshold();
        n.zeroCount = h.zeroCount();
        n.count = h.count();
        n.sum = h.sum();
        n.posIdx = h.positiveSpans().indexes(null);
        n.posN = h.positiveBucketCount();
        n.posCnt = new double[n.posN];
        for (int i = 0; i < n.posN; i++) {
            n.posCnt[i] = h.positiveBucket(i);
        }
        n.negIdx = h.negativeSpans().indexes(null);
        n.negN = h.negativeBucketCount();
        n.negCnt = new double[n.negN];
        for (int i = 0; i < n.negN; i++) {
            n.negCnt[i] = h.negativeBucket(i);
        }
        n.custom = h.customValueCount() == 0 ? NO_COUNTS : h.customValues();
        return n;
    }

    /** Builds a histogram from bucket indexes and counts (sorted by index). */
    public static NativeHistogram of(CounterResetHint hint, int schema, double zeroThreshold, double zeroCount, double count, double sum,
            int[] posIdx, double[] posCnt, int[] negIdx, double[] negCnt, double[] custom) {
        NativeHistogram n = new NativeHistogram();
        n.hint = hint;
        n.schema = schema;
        n.zeroThreshold = zeroThreshold;
        n.zeroCount = zeroCount;
        n.count = count;
        n.sum = sum;
        n.posIdx = posIdx.clone();
        n.posCnt = posCnt.clone();
        n.posN = posIdx.length;
        n.negIdx = negIdx.clone();
        n.negCnt = negCnt.clone();
        n.negN = negIdx.length;
        n.custom = custom == null || custom.length == 0 ? NO_COUNTS : custom.clone();
        return n;
    }

    /** The stored (spans) form; empty buckets are left out, as Prometheus's output does. */
    public FloatHistogram toFloatHistogram() {
        int[] po = new int[posN];
        int[] pl = new int[posN];
        double[] pc = new double[posN];
        int ps = spans(posIdx, posCnt, posN, po, pl, pc);
        int[] no = new int[negN];
        int[] nl = new int[negN];
        double[] nc = new double[negN];
        int ns = spans(negIdx, negCnt, negN, no, nl, nc);
        int pb = 0;
        for (int i = 0; i < ps; i++) {
            pb += pl[i];
        }
        int nb = 0;
        for (int i = 0; i < ns; i++) {
            nb += nl[i];
        }
        return new FloatHistogram(hint, schema, zeroThreshold, zeroCount, count, sum,
                HistogramSpans.of(Arrays.copyOf(po, ps), Arrays.copyOf(pl, ps)), Arrays.copyOf(pc, pb),
                HistogramSpans.of(Arrays.copyOf(no, ns), Arrays.copyOf(nl, ns)), Arrays.copyOf(nc, nb), custom);
    }

    private static int spans(int[] idx, double[] cnt, int n, int[] offsets, int[] lengths, double[] counts) {
        int spans = 0;
        int k = 0;
        int prevEnd = 0;
        boolean any = false;
        for (int i = 0; i < n; i++) {
            if (cnt[i] == 0) {
                continue;
            }
            if (any && idx[i] == prevEnd) {
                lengths[spans - 1]++;
            } else {
                offsets[spans] = any ? idx[i] - prevEnd : idx[i];
                lengths[spans] = 1;
                spans++;
            }
            counts[k++] = cnt[i];
            prevEnd = idx[i] + 1;
            any = true;
        }
        return spans;
    }

    public NativeHistogram copy() {
        NativeHistogram n = new NativeHistogram();
        n.hint = hint;
        n.schema = schema;
        n.zeroThreshold = zeroThreshold;
        n.zeroCount = zeroCount;
        n.count = count;
        n.sum = sum;
        n.posIdx = Arrays.copyOf(posIdx, posN);
        n.posCnt = Arrays.copyOf(posCnt, posN);
        n.posN = posN;
        n.negIdx = Arrays.copyOf(negIdx, negN);
        n.negCnt = Arrays.copyOf(negCnt, negN);
        n.negN = negN;
        n.custom = custom;
        return n;
    }

    /** An empty histogram with the schema and custom bounds of {@code h}. */
    public static NativeHistogram emptyLike(NativeHistogram h) {
        NativeHistogram n = new NativeHistogram();
        n.schema = h.schema;
        n.custom = h.custom;
        return n;
    }

    public boolean usesCustomBuckets() {
        return schema == CUSTOM_BUCKETS_SCHEMA;
    }

    public int positiveBucketCount() {
        return posN;
    }

    public int negativeBucketCount() {
        return negN;
    }

    /** Multiplies every count and the sum by {@code f}. */
    public NativeHistogram mul(double f) {
        return HistogramArithmetic.mul(this, f);
    }

    /** Divides every count and the sum by {@code f}; dividing by zero leaves no buckets (as Prometheus). */
    public NativeHistogram div(double f) {
        return HistogramArithmetic.div(this, f);
    }

    /** Adds {@code o} into this histogram. */
    public NativeHistogram add(NativeHistogram o) {
        return HistogramArithmetic.add(this, o);
    }

    /** Subtracts {@code o} from this histogram. */
    public NativeHistogram sub(NativeHistogram o) {
        return HistogramArithmetic.sub(this, o);
    }

    /** Whether {@code o} can be added to this one (both exponential or both with custom buckets). */
    public void checkCompatible(NativeHistogram o) {
        HistogramArithmetic.checkCompatible(this, o);
    }

    /** Whether both use custom buckets with different bounds (combined on the bounds they share). */
    public boolean customBoundsDiffer(NativeHistogram o) {
        return HistogramArithmetic.customBoundsDiffer(this, o);
    }

    /** An all-zero compensation for {@code h}: the same schema, zero threshold, bounds and buckets. */
    public static NativeHistogram compensationFor(NativeHistogram h) {
        return HistogramArithmetic.compensationFor(h);
    }

    /** Adds {@code o} into this running sum with Kahan-Neumaier compensation kept in {@code c}. */
    public void kahanAdd(NativeHistogram o, NativeHistogram c) {
        HistogramArithmetic.kahanAdd(this, o, c);
    }

    /** Whether any count or the sum went infinite (a running sum that overflowed). */
    public boolean hasOverflow() {
        return HistogramArithmetic.hasOverflow(this);
    }

    /** This running sum with its compensation {@code c} added in (the Kahan sum's value). */
    public NativeHistogram withCompensation(NativeHistogram c) {
        return HistogramArithmetic.withCompensation(this, c);
    }

    /** Merges buckets into the coarser schema {@code target} (exponential schemas only). */
    public void reduceTo(int target) {
        HistogramArithmetic.reduceTo(this, target);
    }

    /** The upper bound of exponential bucket {@code index} (its absolute value for negative buckets). */
    public static double upperBound(int index, int schema) {
        return io.promethium.api.model.HistogramBounds.exponential(schema, index);
    }

    /** Drops empty buckets. */
    public NativeHistogram compact() {
        posN = compactSide(posIdx, posCnt, posN);
        negN = compactSide(negIdx, negCnt, negN);
        return this;
    }

    private static int compactSide(int[] idx, double[] cnt, int n) {
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (cnt[i] != 0) {
                idx[k] = idx[i];
                cnt[k++] = cnt[i];
            }
        }
        return k;
    }

    /** Whether any bucket or count is negative (a counter reset between two samples of a difference). */
    public boolean hasNegative() {
        if (count < 0 || zeroCount < 0) {
            return true;
        }
        for (int i = 0; i < posN; i++) {
            if (posCnt[i] < 0) {
                return true;
            }
        }
        for (int i = 0; i < negN; i++) {
            if (negCnt[i] < 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code this} (the later sample) follows a counter reset after {@code prev}, as
     * Prometheus's {@code DetectReset}: a count going down in any bucket, the zero bucket or the
     * total, a finer schema, or a changed zero threshold or custom bounds.
     */
    public boolean detectReset(NativeHistogram prev) {
        if (hint == CounterResetHint.COUNTER_RESET) {
            return true;
        }
        if (hint == CounterResetHint.NOT_COUNTER_RESET) {
            return false;
        }
        if (count < prev.count) {
            return true;
        }
        if (usesCustomBuckets() != prev.usesCustomBuckets()) {
            return true;
        }
        if (usesCustomBuckets()) {
            if (!Arrays.equals(custom, prev.custom)) {
                // Other bounds: a reset when any bucket of the bounds both share decreased.
                double[] shared = HistogramArithmetic.sharedBounds(custom, prev.custom);
                double[] now = HistogramArithmetic.mapToBounds(this, shared);
                double[] before = HistogramArithmetic.mapToBounds(prev, shared);
                for (int i = 0; i < now.length; i++) {
                    if (now[i] < before[i]) {
                        return true;
                    }
                }
                return false;
            }
        } else if (schema > prev.schema) {
            return true;
        }
        if (zeroThreshold < prev.zeroThreshold) {
            return true;
        }
        NativeHistogram p = prev;
        if (!usesCustomBuckets() && prev.schema > schema) {
            p = prev.copy();
            p.reduceTo(schema);
        }
        if (zeroThreshold > prev.zeroThreshold) {
            if (p == prev) {
                p = prev.copy();
            }
            HistogramArithmetic.widenZeroBucket(p, zeroThreshold);
        }
        if (zeroCount < p.zeroCount) {
            return true;
        }
        return decreased(p.posIdx, p.posCnt, p.posN, posIdx, posCnt, posN)
                || decreased(p.negIdx, p.negCnt, p.negN, negIdx, negCnt, negN);
    }

    private static boolean decreased(int[] pIdx, double[] pCnt, int pN, int[] idx, double[] cnt, int n) {
        int j = 0;
        for (int i = 0; i < pN; i++) {
            if (pCnt[i] == 0) {
                continue;
            }
            while (j < n && idx[j] < pIdx[i]) {
                j++;
            }
            if (j >= n || idx[j] != pIdx[i] || cnt[j] < pCnt[i]) {
                return true;
            }
        }
        return false;
    }

    /**
     * Gives a sample without a counter-reset hint one from the sample read before it ({@code prev},
     * null when none): reset or not reset (Prometheus's HistogramStatsIterator). Other hints stay.
     */
    public void hintFrom(NativeHistogram prev) {
        if (hint != CounterResetHint.UNKNOWN || prev == null) {
            return;
        }
        hint = detectReset(prev) ? CounterResetHint.COUNTER_RESET : CounterResetHint.NOT_COUNTER_RESET;
    }

    /** Bit 1: a counter reset, bit 2: no counter reset, by this sample's hint (to find sums that mix both). */
    public int resetBits() {
        return hint == CounterResetHint.COUNTER_RESET ? 1 : hint == CounterResetHint.NOT_COUNTER_RESET ? 2 : 0;
    }

    /** Exact equality of content (empty buckets aside), for {@code ==} between histograms. */
    public boolean sameAs(NativeHistogram o) {
        if (schema != o.schema || zeroThreshold != o.zeroThreshold || zeroCount != o.zeroCount || count != o.count
                || Double.doubleToLongBits(sum) != Double.doubleToLongBits(o.sum) && !(sum == o.sum)) {
            return false;
        }
        if (!Arrays.equals(custom, o.custom)) {
            return false;
        }
        NativeHistogram a = copy().compact();
        NativeHistogram b = o.copy().compact();
        return a.posN == b.posN && a.negN == b.negN
                && Arrays.equals(a.posIdx, 0, a.posN, b.posIdx, 0, b.posN) && Arrays.equals(a.posCnt, 0, a.posN, b.posCnt, 0, b.posN)
                && Arrays.equals(a.negIdx, 0, a.negN, b.negIdx, 0, b.negN) && Arrays.equals(a.negCnt, 0, a.negN, b.negCnt, 0, b.negN);
    }

    // ---- buckets in ascending order of value --------------------------------------------

    /** Visits every bucket in ascending order: lower bound, upper bound, count. */
    public interface BucketVisitor {
        /** Returns false to stop. */
        boolean bucket(double lower, double upper, double count);
    }

    /** Visits the buckets from the lowest value up (negative, zero, positive), or down when {@code reverse}. */
    public void forEachBucket(boolean reverse, BucketVisitor v) {
        int total = negN + 1 + posN;
        for (int k = 0; k < total; k++) {
            int pos = reverse ? total - 1 - k : k;
            double lower;
            double upper;
            double c;
            if (pos < negN) {
                int i = negN - 1 - pos;
                c = negCnt[i];
                lower = -upperBound(negIdx[i], schema);
                upper = -upperBound(negIdx[i] - 1, schema);
            } else if (pos == negN) {
                if (zeroCount <= 0 || usesCustomBuckets()) {
                    continue;
                }
                c = zeroCount;
                lower = -zeroThreshold;
                upper = zeroThreshold;
            } else {
                int i = pos - negN - 1;
                c = posCnt[i];
                if (usesCustomBuckets()) {
                    int b = posIdx[i];
                    lower = b == 0 ? Double.NEGATIVE_INFINITY : custom[b - 1];
                    upper = b < custom.length ? custom[b] : Double.POSITIVE_INFINITY;
                } else {
                    lower = upperBound(posIdx[i] - 1, schema);
                    upper = upperBound(posIdx[i], schema);
                }
            }
            if (!v.bucket(lower, upper, c)) {
                return;
            }
        }
    }

    /** histogram_quantile of a native histogram (Prometheus's {@code HistogramQuantile}); see {@link HistogramEstimates}. */
    public double quantile(double q) {
        return HistogramEstimates.quantile(this, q);
    }

    /** histogram_fraction of a native histogram (Prometheus's {@code HistogramFraction}). */
    public double fraction(double lowerV, double upperV) {
        return HistogramEstimates.fraction(this, lowerV, upperV);
    }

    /** The histogram with only its observations below ({@code keepBelow}, {@code </}) or above ({@code >/}) {@code cutoff}. */
    public NativeHistogram trim(boolean keepBelow, double cutoff) {
        return HistogramEstimates.trim(this, keepBelow, cutoff);
    }

    /** The estimated variance of the observations (Prometheus's {@code histogram_stdvar}). */
    public double variance() {
        return HistogramEstimates.variance(this);
    }

    @Override
    public String toString() {
        return toFloatHistogram().toString();
    }
}
