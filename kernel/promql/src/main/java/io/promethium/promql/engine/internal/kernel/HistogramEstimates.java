package io.promethium.promql.engine.internal.kernel;

/**
 * What PromQL estimates from a native histogram's buckets, as Prometheus's
 * {@code histogram_quantile}, {@code histogram_fraction}, {@code histogram_stdvar} and the trim
 * operators ({@code </}, {@code >/}) do: read-only over the buckets of a {@link NativeHistogram}
 * (trim returns a new one). Kept apart from the histogram's structure and arithmetic; the
 * histogram's own methods delegate here.
 */
final class HistogramEstimates {

    private HistogramEstimates() {
    }

    /** histogram_quantile of a native histogram (Prometheus's {@code HistogramQuantile}). */
    static double quantile(NativeHistogram h, double q) {
        if (q < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (q > 1) {
            return Double.POSITIVE_INFINITY;
        }
        if (h.count == 0 || Double.isNaN(q)) {
            return Double.NaN;
        }
        boolean forward = Double.isNaN(h.sum) || q < 0.5;
        double rank0 = forward ? q * h.count : (1 - q) * h.count;
        double[] st = new double[4]; // lower, upper, count of the bucket found, running count
        h.forEachBucket(!forward, (lower, upper, c) -> {
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
        if (!h.usesCustomBuckets() && lower < 0 && upper > 0) {
            if (h.negN == 0 && h.posN > 0) {
                lower = 0;
            } else if (h.posN == 0 && h.negN > 0) {
                upper = 0;
            }
        } else if (h.usesCustomBuckets()) {
            if (lower == Double.NEGATIVE_INFINITY) {
                if (upper <= 0) {
                    return upper;
                }
                lower = 0;
            } else if (upper == Double.POSITIVE_INFINITY) {
                return lower;
            }
        }
        if (cnt > h.count) {
            cnt = h.count;
        }
        double rank = rank0;
        if (cnt < rank) {
            // Beyond every bucket: NaN observations (counted, in no bucket) rank above all else.
            return Double.isNaN(h.sum) ? Double.NaN : upper;
        }
        if (forward) {
            rank -= cnt - bc;
        } else {
            rank = cnt - rank;
        }
        double fraction = rank / bc;
        if (h.usesCustomBuckets() || (lower <= 0 && upper >= 0)) {
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
    static double fraction(NativeHistogram h, double lowerV, double upperV) {
        if (h.count == 0 || Double.isNaN(lowerV) || Double.isNaN(upperV)) {
            return Double.NaN;
        }
        if (lowerV >= upperV) {
            return 0;
        }
        // rank, lowerRank, upperRank, lowerSet, upperSet
        double[] st = new double[5];
        boolean custom = h.usesCustomBuckets();
        h.forEachBucket(false, (lo, up, c) -> {
            boolean zero = false;
            double lower = lo;
            double upper = up;
            if (!custom && lower <= 0 && upper >= 0) {
                zero = true;
                if (h.negN == 0 && h.posN > 0) {
                    lower = 0;
                } else if (h.posN == 0 && h.negN > 0) {
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
        double all = Double.isNaN(h.sum) ? Math.min(st[0], h.count) : h.count;
        double lowerRank = st[3] == 0 ? all : Math.min(st[1], h.count);
        double upperRank = st[4] == 0 ? all : Math.min(st[2], h.count);
        return (upperRank - lowerRank) / h.count;
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
    static NativeHistogram trim(NativeHistogram h, boolean keepBelow, double cutoff) {
        NativeHistogram out = h.copy();
        double[] acc = new double[3]; // compensation, sum (Kahan), 1 when anything was cut
        boolean custom = h.usesCustomBuckets();
        for (int i = 0; i < out.negN; i++) {
            double upper = -NativeHistogram.upperBound(out.negIdx[i] - 1, h.schema);
            double lower = -NativeHistogram.upperBound(out.negIdx[i], h.schema);
            out.negCnt[i] = trimBucket(keepBelow, cutoff, lower, upper, out.negCnt[i], false, acc);
        }
        if (!custom) {
            double lower = -h.zeroThreshold;
            double upper = h.zeroThreshold;
            if (h.negN == 0 && h.posN > 0) {
                lower = 0;
            } else if (h.posN == 0 && h.negN > 0) {
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
                lower = NativeHistogram.upperBound(b - 1, h.schema);
                upper = NativeHistogram.upperBound(b, h.schema);
            }
            out.posCnt[i] = trimBucket(keepBelow, cutoff, lower, upper, out.posCnt[i], custom, acc);
        }
        if (acc[2] == 0) {
            return h;
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
    static double variance(NativeHistogram h) {
        double mean = h.sum / h.count;
        double[] acc = new double[2];
        boolean custom = h.usesCustomBuckets();
        h.forEachBucket(false, (lower, upper, c) -> {
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
        return (acc[0] + acc[1]) / h.count;
    }
}
