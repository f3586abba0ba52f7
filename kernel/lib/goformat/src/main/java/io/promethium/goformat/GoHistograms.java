package io.promethium.goformat;

import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramBounds;
import io.promethium.api.model.HistogramSpans;

/**
 * Go's {@code FloatHistogram.String()} (and {@code Histogram.String()}): what {@code count_values}
 * labels a histogram with, {@code promtool test rules} prints and {@code promtool tsdb dump}
 * writes. Count and sum, then the non-empty buckets from the most negative to the most positive,
 * the zero bucket between, each as Go's {@code Bucket.String()}: {@code [} or {@code (}, the
 * bounds as {@code %g}, {@code ]} or {@code )}, {@code :count}. Inclusiveness follows Go's bucket
 * iterator: a lower bound below 0 and an upper bound above 0 are inclusive; custom buckets are
 * {@code (lower,upper]}, the first {@code [-Inf,upper]}.
 *
 * @since 1.4
 */
public final class GoHistograms {
    private GoHistograms() {
    }

    /** {@code FloatHistogram.String()}. */
    public static String string(FloatHistogram h) {
        StringBuilder sb = new StringBuilder(64);
        append(sb, h, false);
        return sb.toString();
    }

    /**
     * Appends the form to {@code sb}; with {@code integerCounts} the count and bucket counts as
     * integers, as an integer {@code Histogram.String()} prints them (its {@code %d}/{@code %v}).
     */
    public static void append(StringBuilder sb, FloatHistogram h, boolean integerCounts) {
        sb.append("{count:");
        count(sb, h.count(), integerCounts);
        sb.append(", sum:");
        GoFloat.appendG(sb, h.sum());
        double[] cv = h.customValues();
        int schema = h.schema();
        HistogramSpans neg = h.negativeSpans();
        int[] negIdx = neg.indexes(new int[neg.bucketCount()]);
        double[] negCounts = h.negativeBuckets();
        for (int i = negIdx.length - 1; i >= 0; i--) {
            if (negCounts[i] != 0) {
                double upper = -HistogramBounds.lower(schema, negIdx[i], cv);
                double lower = -HistogramBounds.upper(schema, negIdx[i], cv);
                bucket(sb, lower, upper, true, upper > 0, negCounts[i], integerCounts);
            }
        }
        if (h.zeroCount() != 0) {
            bucket(sb, -h.zeroThreshold(), h.zeroThreshold(), true, true, h.zeroCount(), integerCounts);
        }
        HistogramSpans pos = h.positiveSpans();
        int[] posIdx = pos.indexes(new int[pos.bucketCount()]);
        double[] posCounts = h.positiveBuckets();
        boolean custom = schema == Histogram.CUSTOM_BUCKETS_SCHEMA;
        for (int i = 0; i < posIdx.length; i++) {
            if (posCounts[i] != 0) {
                double lower = HistogramBounds.lower(schema, posIdx[i], cv);
                double upper = HistogramBounds.upper(schema, posIdx[i], cv);
                bucket(sb, lower, upper, custom ? posIdx[i] == 0 : lower < 0, custom || upper > 0, posCounts[i], integerCounts);
            }
        }
        sb.append('}');
    }

    private static void bucket(StringBuilder sb, double lower, double upper, boolean lowerIncl, boolean upperIncl, double count,
            boolean integerCounts) {
        sb.append(", ").append(lowerIncl ? '[' : '(');
        GoFloat.appendG(sb, lower);
        sb.append(',');
        GoFloat.appendG(sb, upper);
        sb.append(upperIncl ? ']' : ')').append(':');
        count(sb, count, integerCounts);
    }

    private static void count(StringBuilder sb, double c, boolean integer) {
        if (integer) {
            sb.append((long) c);
        } else {
            GoFloat.appendG(sb, c);
        }
    }
}
