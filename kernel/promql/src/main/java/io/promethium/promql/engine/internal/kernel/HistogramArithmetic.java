package io.promethium.promql.engine.internal.kernel;

import java.util.Arrays;

/**
 * A native histogram's arithmetic, in place as Prometheus's {@code FloatHistogram} does it:
 * scaling, adding and subtracting (the coarser exponential schema and the wider zero bucket
 * win; custom buckets combine on the bounds both share), the Kahan-compensated running sum that
 * {@code sum}, {@code avg} and the range functions use, and the schema and zero-bucket changes
 * those need. Kept apart from the histogram's structure ({@link NativeHistogram}, whose methods
 * delegate here) and its estimates ({@link HistogramEstimates}).
 */
final class HistogramArithmetic {

    private HistogramArithmetic() {
    }

    /** Multiplies every count and the sum by {@code f}. */
    static NativeHistogram mul(NativeHistogram h, double f) {
        h.zeroCount *= f;
        h.count *= f;
        h.sum *= f;
        for (int i = 0; i < h.posN; i++) {
            h.posCnt[i] *= f;
        }
        for (int i = 0; i < h.negN; i++) {
            h.negCnt[i] *= f;
        }
        return h;
    }

    /** Divides every count and the sum by {@code f}; dividing by zero leaves no buckets (as Prometheus). */
    static NativeHistogram div(NativeHistogram h, double f) {
        h.zeroCount /= f;
        h.count /= f;
        h.sum /= f;
        if (f == 0) {
            h.posN = 0;
            h.negN = 0;
            return h;
        }
        for (int i = 0; i < h.posN; i++) {
            h.posCnt[i] /= f;
        }
        for (int i = 0; i < h.negN; i++) {
            h.negCnt[i] /= f;
        }
        return h;
    }

    /** Adds {@code o} into this histogram. */
    static NativeHistogram add(NativeHistogram h, NativeHistogram o) {
        return combine(h, o, 1);
    }

    /** Subtracts {@code o} from this histogram. */
    static NativeHistogram sub(NativeHistogram h, NativeHistogram o) {
        return combine(h, o, -1);
    }

    /** Whether {@code o} can be added to this one (both exponential or both with custom buckets). */
    static void checkCompatible(NativeHistogram h, NativeHistogram o) {
        if (h.usesCustomBuckets() != o.usesCustomBuckets()) {
            throw new NativeHistogram.IncompatibleException(true);
        }
    }

    /**
     * Whether both have custom buckets with different bounds: adding or subtracting them then
     * reconciles both to the bounds they share (Prometheus's info "mismatched custom buckets
     * were reconciled").
     */
    static boolean customBoundsDiffer(NativeHistogram h, NativeHistogram o) {
        return h.usesCustomBuckets() && o.usesCustomBuckets() && !Arrays.equals(h.custom, o.custom);
    }

    private static NativeHistogram combine(NativeHistogram h, NativeHistogram o, double sign) {
        checkCompatible(h, o);
        if (customBoundsDiffer(h, o)) {
            combineReconciled(h, o, sign);
            return h;
        }
        NativeHistogram other = o;
        if (!h.usesCustomBuckets()) {
            if (o.schema < h.schema) {
                reduceTo(h, o.schema);
            } else if (o.schema > h.schema) {
                other = o.copy();
                reduceTo(other, h.schema);
            }
            if (other.zeroThreshold > h.zeroThreshold) {
                widenZeroBucket(h, other.zeroThreshold);
            } else if (other.zeroThreshold < h.zeroThreshold) {
                if (other == o) {
                    other = o.copy();
                }
                widenZeroBucket(other, h.zeroThreshold);
            }
        }
        h.zeroCount += sign * other.zeroCount;
        h.count += sign * other.count;
        h.sum += sign * other.sum;
        mergeSide(h, true, other.posIdx, other.posCnt, other.posN, sign);
        mergeSide(h, false, other.negIdx, other.negCnt, other.negN, sign);
        return h;
    }

    // ---- Kahan-compensated sums (sum, avg, sum_over_time, avg_over_time) ----------------

    /** An all-zero compensation for {@code h}: the same schema, zero threshold, bounds and buckets. */
    static NativeHistogram compensationFor(NativeHistogram h) {
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
    static void kahanAdd(NativeHistogram h, NativeHistogram o, NativeHistogram c) {
        checkCompatible(h, o);
        NativeHistogram other = o;
        if (customBoundsDiffer(h, o)) {
            double[] shared = sharedBounds(h.custom, o.custom);
            remapTo(h, shared);
            remapTo(c, shared);
            other = o.copy();
            remapTo(other, shared);
        } else if (!h.usesCustomBuckets()) {
            if (o.schema < h.schema) {
                reduceTo(h, o.schema);
                reduceTo(c, o.schema);
            } else if (o.schema > h.schema) {
                other = o.copy();
                reduceTo(other, h.schema);
            }
            if (other.zeroThreshold > h.zeroThreshold) {
                widenZeroBucket(h, other.zeroThreshold);
                widenZeroBucket(c, other.zeroThreshold);
            } else if (other.zeroThreshold < h.zeroThreshold) {
                if (other == o) {
                    other = o.copy();
                }
                widenZeroBucket(other, h.zeroThreshold);
            }
        }
        double[] cc = {c.zeroCount};
        h.zeroCount = KahanSum.inc(other.zeroCount, h.zeroCount, cc);
        c.zeroCount = cc[0];
        cc[0] = c.count;
        h.count = KahanSum.inc(other.count, h.count, cc);
        c.count = cc[0];
        cc[0] = c.sum;
        h.sum = KahanSum.inc(other.sum, h.sum, cc);
        c.sum = cc[0];
        mergeSide(h, true, other.posIdx, other.posCnt, other.posN, 1, c);
        mergeSide(h, false, other.negIdx, other.negCnt, other.negN, 1, c);
    }

    /** Whether any count or the sum went infinite (a running sum that overflowed). */
    static boolean hasOverflow(NativeHistogram h) {
        if (Double.isInfinite(h.count) || Double.isInfinite(h.sum) || Double.isInfinite(h.zeroCount)) {
            return true;
        }
        for (int i = 0; i < h.posN; i++) {
            if (Double.isInfinite(h.posCnt[i])) {
                return true;
            }
        }
        for (int i = 0; i < h.negN; i++) {
            if (Double.isInfinite(h.negCnt[i])) {
                return true;
            }
        }
        return false;
    }

    /** This running sum with its compensation {@code c} added in (the Kahan sum's value). */
    static NativeHistogram withCompensation(NativeHistogram h, NativeHistogram c) {
        NativeHistogram out = h.copy();
        out.zeroCount = compensated(h.zeroCount, c.zeroCount);
        out.count = compensated(h.count, c.count);
        out.sum = compensated(h.sum, c.sum);
        for (int i = 0; i < h.posN; i++) {
            out.posCnt[i] = compensated(h.posCnt[i], c.posCnt[i]);
        }
        for (int i = 0; i < h.negN; i++) {
            out.negCnt[i] = compensated(h.negCnt[i], c.negCnt[i]);
        }
        return out;
    }

    private static double compensated(double v, double c) {
        return Double.isInfinite(v) ? v : v + c;
    }

    /** Re-buckets this custom-bucket histogram onto {@code bounds} (a subset of its own bounds), every bucket kept. */
    private static void remapTo(NativeHistogram h, double[] bounds) {
        double[] mapped = mapToBounds(h, bounds);
        int[] idx = new int[mapped.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        h.posIdx = idx;
        h.posCnt = mapped;
        h.posN = mapped.length;
        h.custom = bounds;
    }

    /** Adds (or subtracts) a custom-bucket histogram with other bounds: both mapped onto the bounds they share. */
    private static void combineReconciled(NativeHistogram h, NativeHistogram o, double sign) {
        double[] shared = sharedBounds(h.custom, o.custom);
        double[] a = mapToBounds(h, shared);
        double[] b = mapToBounds(o, shared);
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
        h.posIdx = idx;
        h.posCnt = cnt;
        h.posN = n;
        h.custom = shared;
        h.count += sign * o.count;
        h.sum += sign * o.sum;
    }

    /** The bounds present in both sorted arrays. */
    static double[] sharedBounds(double[] a, double[] b) {
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
        return k == 0 ? NativeHistogram.NO_COUNTS : Arrays.copyOf(out, k);
    }

    /** This custom-bucket histogram's counts per bucket of {@code bounds} (a subset of its own bounds), +Inf bucket last. */
    static double[] mapToBounds(NativeHistogram h, double[] bounds) {
        double[] out = new double[bounds.length + 1];
        int t = 0;
        for (int i = 0; i < h.posN; i++) {
            int b = h.posIdx[i];
            int target = bounds.length;
            if (b < h.custom.length) {
                double upper = h.custom[b];
                while (t < bounds.length && bounds[t] < upper) {
                    t++;
                }
                target = t;
            }
            out[target] += h.posCnt[i];
        }
        return out;
    }

    private static void mergeSide(NativeHistogram h, boolean positive, int[] oIdx, double[] oCnt, int oN, double sign) {
        mergeSide(h, positive, oIdx, oCnt, oN, sign, null);
    }

    /**
     * Adds {@code sign} times the other side's buckets into this side's; with a compensation
     * {@code c} (in this histogram's layout) the additions are Kahan steps and {@code c} follows the merged layout.
     */
    private static void mergeSide(NativeHistogram h, boolean positive, int[] oIdx, double[] oCnt, int oN, double sign, NativeHistogram c) {
        int[] idx = positive ? h.posIdx : h.negIdx;
        double[] cnt = positive ? h.posCnt : h.negCnt;
        double[] comp = c == null ? null : positive ? c.posCnt : c.negCnt;
        int n = positive ? h.posN : h.negN;
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
            h.posIdx = outIdx;
            h.posCnt = outCnt;
            h.posN = k;
        } else {
            h.negIdx = outIdx;
            h.negCnt = outCnt;
            h.negN = k;
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
    static void reduceTo(NativeHistogram h, int target) {
        if (target >= h.schema || h.usesCustomBuckets()) {
            return;
        }
        int delta = h.schema - target;
        h.posN = reduceSide(h.posIdx, h.posCnt, h.posN, delta);
        h.negN = reduceSide(h.negIdx, h.negCnt, h.negN, delta);
        h.schema = target;
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
    static void widenZeroBucket(NativeHistogram h, double threshold) {
        h.posN = absorb(h, h.posIdx, h.posCnt, h.posN, threshold);
        h.negN = absorb(h, h.negIdx, h.negCnt, h.negN, threshold);
        h.zeroThreshold = threshold;
    }

    private static int absorb(NativeHistogram h, int[] idx, double[] cnt, int n, double threshold) {
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (NativeHistogram.upperBound(idx[i], h.schema) <= threshold) {
                h.zeroCount += cnt[i];
            } else {
                idx[k] = idx[i];
                cnt[k++] = cnt[i];
            }
        }
        return k;
    }
}
