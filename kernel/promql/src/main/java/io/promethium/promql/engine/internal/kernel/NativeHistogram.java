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
    private static final int[] NO_INDEXES = new int[0];
    private static final double[] NO_COUNTS = new double[0];

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
        zeroCount *= f;
        count *= f;
        sum *= f;
        for (int i = 0; i < posN; i++) {
            posCnt[i] *= f;
        }
        for (int i = 0; i < negN; i++) {
            negCnt[i] *= f;
        }
        return this;
    }

    /** Divides every count and the sum by {@code f}; dividing by zero leaves no buckets (as Prometheus). */
    public NativeHistogram div(double f) {
        zeroCount /= f;
        count /= f;
        sum /= f;
        if (f == 0) {
            posN = 0;
            negN = 0;
            return this;
        }
        for (int i = 0; i < posN; i++) {
            posCnt[i] /= f;
        }
        for (int i = 0; i < negN; i++) {
            negCnt[i] /= f;
        }
        return this;
    }

    /** Adds {@code o} into this histogram. */
    public NativeHistogram add(NativeHistogram o) {
        return combine(o, 1);
    }

    /** Subtracts {@code o} from this histogram. */
    public NativeHistogram sub(NativeHistogram o) {
        return combine(o, -1);
    }

    /** Whether {@code o} can be added to this one (both exponential or both with custom buckets). */
    public void checkCompatible(NativeHistogram o) {
        if (usesCustomBuckets() != o.usesCustomBuckets()) {
            throw new IncompatibleException(true);
        }
    }

    /**
     * Whether both have custom buckets with different bounds: adding or subtracting them then
     * reconciles both to the bounds they share (Prometheus's info "mismatched custom buckets
     * were reconciled").
     */
    public boolean customBoundsDiffer(NativeHistogram o) {
        return usesCustomBuckets() && o.usesCustomBuckets() && !Arrays.equals(custom, o.custom);
    }

    private NativeHistogram combine(NativeHistogram o, double sign) {
        checkCompatible(o);
        if (customBoundsDiffer(o)) {
            combineReconciled(o, sign);
            return this;
        }
        NativeHistogram other = o;
        if (!usesCustomBuckets()) {
            if (o.schema < schema) {
                reduceTo(o.schema);
            } else if (o.schema > schema) {
                other = o.copy();
                other.reduceTo(schema);
            }
            if (other.zeroThreshold > zeroThreshold) {
                widenZeroBucket(other.zeroThreshold);
            } else if (other.zeroThreshold < zeroThreshold) {
                if (other == o) {
                    other = o.copy();
                }
                other.widenZeroBucket(zeroThreshold);
            }
        }
        zeroCount += sign * other.zeroCount;
        count += sign * other.count;
        sum += sign * other.sum;
        mergeSide(true, other.posIdx, other.posCnt, other.posN, sign);
        mergeSide(false, other.negIdx, other.negCnt, other.negN, sign);
        return this;
    }

    // ---- Kahan-compensated sums (sum, avg, sum_over_time, avg_over_time) ----------------

    /** An all-zero compensation for {@code h}: the same schema, zero threshold, bounds and buckets. */
    public static NativeHistogram compensationFor(NativeHistogram h) {
        NativeHistogram c = h.copy();
        c.zeroCount = 0;
        c.count = 0;
        c.sum = 0;
        Arrays.fill(c.posCnt, 0, c.posN, 0);
        Arrays.fill(c.negCnt, 0, c.negN, 0);
        return c;
    }

    /**
     * Adds {@code o} into this running sum with Kahan-Neumaier compensation kept in {@code c}
     * (made by {@link #compensationFor}, kept in this sum's layout): schemas reduced, zero
     * buckets widened and custom bounds reconciled for both together, so that sums whose
     * magnitudes cancel keep their small terms, as Prometheus's {@code KahanAdd}.
     */
    public void kahanAdd(NativeHistogram o, NativeHistogram c) {
        checkCompatible(o);
        NativeHistogram other = o;
        if (customBoundsDiffer(o)) {
            double[] shared = sharedBounds(custom, o.custom);
            remapTo(shared);
            c.remapTo(shared);
            other = o.copy();
            other.remapTo(shared);
        } else if (!usesCustomBuckets()) {
            if (o.schema < schema) {
                reduceTo(o.schema);
                c.reduceTo(o.schema);
            } else if (o.schema > schema) {
                other = o.copy();
                other.reduceTo(schema);
            }
            if (other.zeroThreshold > zeroThreshold) {
                widenZeroBucket(other.zeroThreshold);
                c.widenZeroBucket(other.zeroThreshold);
            } else if (other.zeroThreshold < zeroThreshold) {
                if (other == o) {
                    other = o.copy();
                }
                other.widenZeroBucket(zeroThreshold);
            }
        }
        double[] cc = {c.zeroCount};
        zeroCount = KahanSum.inc(other.zeroCount, zeroCount, cc);
        c.zeroCount = cc[0];
        cc[0] = c.count;
        count = KahanSum.inc(other.count, count, cc);
        c.count = cc[0];
        cc[0] = c.sum;
        sum = KahanSum.inc(other.sum, sum, cc);
        c.sum = cc[0];
        mergeSide(true, other.posIdx, other.posCnt, other.posN, 1, c);
        mergeSide(false, other.negIdx, other.negCnt, other.negN, 1, c);
    }

    /** Whether any count or the sum went infinite (a running sum that overflowed). */
    public boolean hasOverflow() {
        if (Double.isInfinite(count) || Double.isInfinite(sum) || Double.isInfinite(zeroCount)) {
            return true;
        }
        for (int i = 0; i < posN; i++) {
            if (Double.isInfinite(posCnt[i])) {
                return true;
            }
        }
        for (int i = 0; i < negN; i++) {
            if (Double.isInfinite(negCnt[i])) {
                return true;
            }
        }
        return false;
    }

    /** This running sum with its compensation {@code c} added in (the Kahan sum's value). */
    public NativeHistogram withCompensation(NativeHistogram c) {
        NativeHistogram out = copy();
        out.zeroCount = compensated(zeroCount, c.zeroCount);
        out.count = compensated(count, c.count);
        out.sum = compensated(sum, c.sum);
        for (int i = 0; i < posN; i++) {
            out.posCnt[i] = compensated(posCnt[i], c.posCnt[i]);
        }
        for (int i = 0; i < negN; i++) {
            out.negCnt[i] = compensated(negCnt[i], c.negCnt[i]);
        }
        return out;
    }

    private static double compensated(double v, double c) {
        return Double.isInfinite(v) ? v : v + c;
    }

    /** Re-buckets this custom-bucket histogram onto {@code bounds} (a subset of its own bounds), every bucket kept. */
    private void remapTo(double[] bounds) {
        double[] mapped = mapToBounds(bounds);
        int[] idx = new int[mapped.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        posIdx = idx;
        posCnt = mapped;
        posN = mapped.length;
        custom = bounds;
    }

    /** Adds (or subtracts) a custom-bucket histogram with other bounds: both mapped onto the bounds they share. */
    private void combineReconciled(NativeHistogram o, double sign) {
        double[] shared = sharedBounds(custom, o.custom);
        double[] a = mapToBounds(shared);
        double[] b = o.mapToBounds(shared);
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            a[i] += sign * b[i];
            if (a[i] != 0) {
                n++;
            }
        }
        int[] idx = new int[n];
        double[] cnt = new double[n];
        int k = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] != 0) {
                idx[k] = i;
                cnt[k++] = a[i];
            }
        }
        posIdx = idx;
        posCnt = cnt;
        posN = n;
        custom = shared;
        count += sign * o.count;
        sum += sign * o.sum;
    }

    /** The bounds present in both sorted arrays. */
    private static double[] sharedBounds(double[] a, double[] b) {
        double[] out = new double[Math.min(a.length, b.length)];
        int i = 0;
        int j = 0;
        int k = 0;
        while (i < a.length && j < b.length) {
            if (a[i] == b[j]) {
                out[k++] = a[i];
                i++;
                j++;
            } else if (a[i] < b[j]) {
                i++;
            } else {
                j++;
            }
        }
        return k == 0 ? NO_COUNTS : Arrays.copyOf(out, k);
    }

    /** This custom-bucket histogram's counts per bucket of {@code bounds} (a subset of its own bounds), +Inf bucket last. */
    private double[] mapToBounds(double[] bounds) {
        double[] out = new double[bounds.length + 1];
        int t = 0;
        for (int i = 0; i < posN; i++) {
            int b = posIdx[i];
            int target = bounds.length;
            if (b < custom.length) {
                double upper = custom[b];
                while (t < bounds.length && bounds[t] < upper) {
                    t++;
                }
                target = t;
            }
            out[target] += posCnt[i];
        }
        return out;
    }

    private void mergeSide(boolean positive, int[] oIdx, double[] oCnt, int oN, double sign) {
        mergeSide(positive, oIdx, oCnt, oN, sign, null);
    }

    /**
     * Adds {@code sign} times the other side's buckets into this side's; with a compensation
     * {@code c} (in this histogram's layout) the additions are Kahan steps and {@code c} follows the merged layout.
     */
    private void mergeSide(boolean positive, int[] oIdx, double[] oCnt, int oN, double sign, NativeHistogram c) {
        int[] idx = positive ? posIdx : negIdx;
        double[] cnt = positive ? posCnt : negCnt;
        double[] comp = c == null ? null : positive ? c.posCnt : c.negCnt;
        int n = positive ? posN : negN;
        int[] outIdx = new int[n + oN];
        double[] outCnt = new double[n + oN];
        double[] outComp = c == null ? null : new double[n + oN];
        double[] cc = c == null ? null : new double[1];
        int i = 0;
        int j = 0;
        int k = 0;
        while (i < n || j < oN) {
            if (j >= oN || (i < n && idx[i] < oIdx[j])) {
                if (comp != null) {
                    outComp[k] = comp[i];
                }
                outIdx[k] = idx[i];
                outCnt[k++] = cnt[i++];
            } else if (i >= n || oIdx[j] < idx[i]) {
                outIdx[k] = oIdx[j];
                outCnt[k++] = sign * oCnt[j++];
            } else if (comp != null) {
                cc[0] = comp[i];
                outIdx[k] = idx[i];
                outCnt[k] = KahanSum.inc(sign * oCnt[j++], cnt[i++], cc);
                outComp[k++] = cc[0];
            } else {
                outIdx[k] = idx[i];
                outCnt[k++] = cnt[i++] + sign * oCnt[j++];
            }
        }
        if (positive) {
            posIdx = outIdx;
            posCnt = outCnt;
            posN = k;
        } else {
            negIdx = outIdx;
            negCnt = outCnt;
            negN = k;
        }
        if (c != null) {
            if (positive) {
                c.posIdx = outIdx.clone();
                c.posCnt = outComp;
                c.posN = k;
            } else {
                c.negIdx = outIdx.clone();
                c.negCnt = outComp;
                c.negN = k;
            }
        }
    }

    /** Merges buckets into the coarser schema {@code target} (exponential schemas only). */
    public void reduceTo(int target) {
        if (target >= schema || usesCustomBuckets()) {
            return;
        }
        int delta = schema - target;
        posN = reduceSide(posIdx, posCnt, posN, delta);
        negN = reduceSide(negIdx, negCnt, negN, delta);
        schema = target;
    }

    private static int reduceSide(int[] idx, double[] cnt, int n, int delta) {
        int k = -1;
        for (int i = 0; i < n; i++) {
            int ni = ((idx[i] - 1) >> delta) + 1;
            if (k >= 0 && idx[k] == ni) {
                cnt[k] += cnt[i];
            } else {
                k++;
                idx[k] = ni;
                cnt[k] = cnt[i];
            }
        }
        return k + 1;
    }

    /** Moves the buckets wholly inside a larger zero threshold into the zero bucket. */
    private void widenZeroBucket(double threshold) {
        posN = absorb(posIdx, posCnt, posN, threshold);
        negN = absorb(negIdx, negCnt, negN, threshold);
        zeroThreshold = threshold;
    }

    private int absorb(int[] idx, double[] cnt, int n, double threshold) {
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (upperBound(idx[i], schema) <= threshold) {
                zeroCount += cnt[i];
            } else {
                idx[k] = idx[i];
                cnt[k++] = cnt[i];
            }
        }
        return k;
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
                double[] shared = sharedBounds(custom, prev.custom);
                double[] now = mapToBounds(shared);
                double[] before = prev.mapToBounds(shared);
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
            p.widenZeroBucket(zeroThreshold);
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

    /** histogram_quantile of a native histogram (Prometheus's {@code HistogramQuantile}). */
    public double quantile(double q) {
        if (q < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (q > 1) {
            return Double.POSITIVE_INFINITY;
        }
        if (count == 0 || Double.isNaN(q)) {
            return Double.NaN;
        }
        boolean forward = Double.isNaN(sum) || q < 0.5;
        double rank0 = forward ? q * count : (1 - q) * count;
        double[] st = new double[4]; // lower, upper, count of the bucket found, running count
        forEachBucket(!forward, (lower, upper, c) -> {
            if (c == 0) {
                return true;
            }
            st[0] = lower;
            st[1] = upper;
            st[2] = c;
            st[3] += c;
            return st[3] < rank0;
        });
        double lower = st[0];
        double upper = st[1];
        double bc = st[2];
        double cnt = st[3];
        if (!usesCustomBuckets() && lower < 0 && upper > 0) {
            if (negN == 0 && posN > 0) {
                lower = 0;
            } else if (posN == 0 && negN > 0) {
                upper = 0;
            }
        } else if (usesCustomBuckets()) {
            if (lower == Double.NEGATIVE_INFINITY) {
                if (upper <= 0) {
                    return upper;
                }
                lower = 0;
            } else if (upper == Double.POSITIVE_INFINITY) {
                return lower;
            }
        }
        if (cnt > count) {
            cnt = count;
        }
        double rank = rank0;
        if (cnt < rank) {
            // Beyond every bucket: NaN observations (counted, in no bucket) rank above all else.
            return Double.isNaN(sum) ? Double.NaN : upper;
        }
        if (forward) {
            rank -= cnt - bc;
        } else {
            rank = cnt - rank;
        }
        double fraction = rank / bc;
        if (usesCustomBuckets() || (lower <= 0 && upper >= 0)) {
            return lower + (upper - lower) * fraction;
        }
        double logLower = log2(Math.abs(lower));
        double logUpper = log2(Math.abs(upper));
        if (lower > 0) {
            return Math.pow(2, logLower + (logUpper - logLower) * fraction);
        }
        return -Math.pow(2, logUpper + (logLower - logUpper) * (1 - fraction));
    }

    private static double log2(double v) {
        return Math.log(v) / Math.log(2);
    }

    /** histogram_fraction of a native histogram (Prometheus's {@code HistogramFraction}). */
    public double fraction(double lowerV, double upperV) {
        if (count == 0 || Double.isNaN(lowerV) || Double.isNaN(upperV)) {
            return Double.NaN;
        }
        if (lowerV >= upperV) {
            return 0;
        }
        // rank, lowerRank, upperRank, lowerSet, upperSet
        double[] st = new double[5];
        boolean custom = usesCustomBuckets();
        forEachBucket(false, (lo, up, c) -> {
            boolean zero = false;
            double lower = lo;
            double upper = up;
            if (!custom && lower <= 0 && upper >= 0) {
                zero = true;
                if (negN == 0 && posN > 0) {
                    lower = 0;
                } else if (posN == 0 && negN > 0) {
                    upper = 0;
                }
            }
            if (st[3] == 0 && lower >= lowerV) {
                st[1] = st[0];
                st[3] = 1;
            }
            if (st[4] == 0 && lower >= upperV) {
                st[2] = st[0];
                st[4] = 1;
            }
            if (st[3] != 0 && st[4] != 0) {
                return false;
            }
            if (st[3] == 0 && lower < lowerV && upper > lowerV) {
                st[1] = custom ? customRank(st[0], c, lower, upper, lowerV)
                        : zero ? linear(st[0], c, lower, upper, lowerV) : exponential(st[0], c, lower, upper, lowerV);
                st[3] = 1;
            }
            if (st[4] == 0 && lower < upperV && upper > upperV) {
                st[2] = custom ? customRank(st[0], c, lower, upper, upperV)
                        : zero ? linear(st[0], c, lower, upper, upperV) : exponential(st[0], c, lower, upper, upperV);
                st[4] = 1;
            }
            if (st[3] != 0 && st[4] != 0) {
                return false;
            }
            st[0] += c;
            return true;
        });
        // NaN observations are in the count but in no bucket: they are never inside the range.
        // (An unset rank is past every bucket: then st[0] is the buckets' total.)
        double all = Double.isNaN(sum) ? Math.min(st[0], count) : count;
        double lowerRank = st[3] == 0 ? all : Math.min(st[1], count);
        double upperRank = st[4] == 0 ? all : Math.min(st[2], count);
        return (upperRank - lowerRank) / count;
    }

    /**
     * The rank at {@code v} in a custom bucket: the first bucket stands for [0, u] when u > 0 and
     * v is not negative, else its observations are taken to lie at its upper bound; those of the
     * +Inf bucket at its lower bound (as for classic buckets).
     */
    private static double customRank(double rank, double c, double lower, double upper, double v) {
        if (lower == Double.NEGATIVE_INFINITY) {
            if (upper > 0 && v >= 0) {
                lower = 0;
            } else {
                return rank + c;
            }
        }
        if (upper == Double.POSITIVE_INFINITY) {
            return rank;
        }
        return linear(rank, c, lower, upper, v);
    }

    private static double linear(double rank, double c, double lower, double upper, double v) {
        return rank + c * (v - lower) / (upper - lower);
    }

    private static double exponential(double rank, double c, double lower, double upper, double v) {
        double logLower = log2(Math.abs(lower));
        double logUpper = log2(Math.abs(upper));
        double logV = log2(Math.abs(v));
        double fraction = v > 0 ? (logV - logLower) / (logUpper - logLower) : 1 - ((logV - logUpper) / (logLower - logUpper));
        return rank + c * fraction;
    }

    // ---- trim operators (</ and >/) ---------------------------------------------------------

    /**
     * The histogram with only its observations below ({@code keepBelow}, {@code </}) or above
     * ({@code >/}) {@code cutoff}. The bucket holding the cutoff keeps the interpolated share of
     * its count (exponentially within exponential buckets, linearly within the zero bucket and
     * custom buckets). The sum is re-estimated from what is kept, each bucket (part) counted at
     * its middle (geometric for exponential buckets); when nothing is cut, the histogram is
     * returned as it is. Buckets reaching to an infinity hold no interpolation: a custom
     * histogram's first bucket (-Inf, u] stands for [0, u] when u > 0 and the cutoff is not
     * below 0; otherwise it is dropped by {@code >/} and kept whole (at the cutoff) by
     * {@code </} when u <= 0; the +Inf bucket is dropped by {@code </} and kept whole by
     * {@code >/} (at the larger of its lower bound and the cutoff).
     */
    public NativeHistogram trim(boolean keepBelow, double cutoff) {
        NativeHistogram out = copy();
        double[] acc = new double[3]; // compensation, sum (Kahan), 1 when anything was cut
        boolean custom = usesCustomBuckets();
        for (int i = 0; i < out.negN; i++) {
            double upper = -upperBound(out.negIdx[i] - 1, schema);
            double lower = -upperBound(out.negIdx[i], schema);
            out.negCnt[i] = trimBucket(keepBelow, cutoff, lower, upper, out.negCnt[i], false, acc);
        }
        if (!custom) {
            double lower = -zeroThreshold;
            double upper = zeroThreshold;
            if (negN == 0 && posN > 0) {
                lower = 0;
            } else if (posN == 0 && negN > 0) {
                upper = 0;
            }
            out.zeroCount = trimBucket(keepBelow, cutoff, lower, upper, out.zeroCount, true, acc);
        }
        for (int i = 0; i < out.posN; i++) {
            int b = out.posIdx[i];
            double lower;
            double upper;
            if (custom) {
                lower = b == 0 ? Double.NEGATIVE_INFINITY : out.custom[b - 1];
                upper = b < out.custom.length ? out.custom[b] : Double.POSITIVE_INFINITY;
            } else {
                lower = upperBound(b - 1, schema);
                upper = upperBound(b, schema);
            }
            out.posCnt[i] = trimBucket(keepBelow, cutoff, lower, upper, out.posCnt[i], custom, acc);
        }
        if (acc[2] == 0) {
            return this;
        }
        double total = out.zeroCount;
        for (int i = 0; i < out.posN; i++) {
            total += out.posCnt[i];
        }
        for (int i = 0; i < out.negN; i++) {
            total += out.negCnt[i];
        }
        out.count = total;
        out.sum = acc[1] + acc[0];
        return out.compact();
    }

    /**
     * What of one bucket's count {@code c} over (lower, upper] is kept; adds kept count times its
     * representative value to the sum in {@code acc} and marks {@code acc[2]} when anything is cut.
     */
    private static double trimBucket(boolean keepBelow, double cutoff, double lower, double upper, double c, boolean linear,
            double[] acc) {
        if (c == 0) {
            return 0;
        }
        double kept;
        double at;
        boolean whole = keepBelow ? upper <= cutoff : lower >= cutoff;
        boolean none = keepBelow ? lower >= cutoff : upper <= cutoff;
        if (whole) {
            kept = c;
            at = middle(lower, upper, linear);
        } else if (none || Double.isNaN(cutoff)) {
            kept = 0;
            at = 0;
        } else if (keepBelow && upper == Double.POSITIVE_INFINITY) {
            kept = 0;
            at = 0;
        } else if (lower == Double.NEGATIVE_INFINITY && (!keepBelow || upper > 0)) {
            // (-Inf, u] with u > 0 is taken as [0, u]; a cutoff below 0 leaves nothing to interpolate.
            if (upper > 0 && upper != Double.POSITIVE_INFINITY && (keepBelow ? cutoff > 0 : cutoff >= 0)) {
                double share = keepBelow ? cutoff / upper : (upper - cutoff) / upper;
                kept = c * share;
                at = keepBelow ? cutoff / 2 : (cutoff + upper) / 2;
            } else {
                kept = 0;
                at = 0;
            }
        } else if (lower == Double.NEGATIVE_INFINITY) {
            // </ inside (-Inf, u] with u <= 0: all of it, placed at the cutoff.
            kept = c;
            at = cutoff;
        } else if (upper == Double.POSITIVE_INFINITY) {
            // >/ inside (l, +Inf]: all of it, placed at the cutoff.
            kept = c;
            at = cutoff;
        } else if (linear) {
            double below = (cutoff - lower) / (upper - lower);
            kept = c * (keepBelow ? below : 1 - below);
            at = keepBelow ? (lower + cutoff) / 2 : (cutoff + upper) / 2;
        } else {
            // Exponential bucket (both bounds of one sign): interpolate on the log scale.
            double below = Math.log(cutoff / lower) / Math.log(upper / lower);
            kept = c * (keepBelow ? below : 1 - below);
            at = keepBelow ? geometricMiddle(lower, cutoff) : geometricMiddle(cutoff, upper);
        }
        if (kept != c) {
            acc[2] = 1;
        }
        if (kept != 0) {
            acc[1] = KahanSum.inc(kept * at, acc[1], acc);
        }
        return kept;
    }

    /** Where a whole bucket's observations are taken to be: its middle (geometric for exponential buckets). */
    private static double middle(double lower, double upper, boolean linear) {
        if (lower == Double.NEGATIVE_INFINITY) {
            return upper > 0 ? upper / 2 : upper;
        }
        if (upper == Double.POSITIVE_INFINITY) {
            return lower;
        }
        return linear ? (lower + upper) / 2 : geometricMiddle(lower, upper);
    }

    private static double geometricMiddle(double lower, double upper) {
        double m = Math.sqrt(lower * upper);
        return upper <= 0 ? -m : m;
    }

    /** The estimated variance of the observations (Prometheus's {@code histogram_stdvar}). */
    public double variance() {
        double mean = sum / count;
        double[] acc = new double[2];
        boolean custom = usesCustomBuckets();
        forEachBucket(false, (lower, upper, c) -> {
            if (c == 0) {
                return true;
            }
            double val;
            if (custom) {
                val = (upper + lower) / 2.0;
            } else if (lower <= 0 && upper >= 0) {
                val = 0;
            } else {
                val = Math.sqrt(upper * lower);
                if (upper < 0) {
                    val = -val;
                }
            }
            double delta = val - mean;
            double[] cc = {acc[1]};
            acc[0] = KahanSum.inc(c * delta * delta, acc[0], cc);
            acc[1] = cc[0];
            return true;
        });
        return (acc[0] + acc[1]) / count;
    }

    /**
     * Go's {@code FloatHistogram.String()}: count, sum, then the populated buckets from the lowest
     * value up, {@code [lower,upper):count} for negative ones, {@code [-t,t]:count} for the zero
     * bucket, {@code (lower,upper]:count} for positive and custom ones ({@code number} formats as %g).
     */
    public String toGoString(java.util.function.DoubleFunction<String> number) {
        StringBuilder sb = new StringBuilder();
        sb.append("{count:").append(number.apply(count)).append(", sum:").append(number.apply(sum));
        for (int i = negN - 1; i >= 0; i--) {
            if (negCnt[i] != 0) {
                sb.append(", [").append(number.apply(-upperBound(negIdx[i], schema))).append(',')
                        .append(number.apply(-upperBound(negIdx[i] - 1, schema))).append("):").append(number.apply(negCnt[i]));
            }
        }
        if (zeroCount != 0) {
            sb.append(", [").append(number.apply(-zeroThreshold)).append(',').append(number.apply(zeroThreshold)).append("]:")
                    .append(number.apply(zeroCount));
        }
        boolean customBuckets = usesCustomBuckets();
        for (int i = 0; i < posN; i++) {
            if (posCnt[i] == 0) {
                continue;
            }
            int b = posIdx[i];
            double lower;
            double upper;
            if (customBuckets) {
                lower = b == 0 ? Double.NEGATIVE_INFINITY : custom[b - 1];
                upper = b < custom.length ? custom[b] : Double.POSITIVE_INFINITY;
            } else {
                lower = upperBound(b - 1, schema);
                upper = upperBound(b, schema);
            }
            sb.append(", (").append(number.apply(lower)).append(',').append(number.apply(upper)).append("]:").append(number.apply(posCnt[i]));
        }
        return sb.append('}').toString();
    }

    @Override
    public String toString() {
        return toFloatHistogram().toString();
    }
}
