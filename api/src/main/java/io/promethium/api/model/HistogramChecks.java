package io.promethium.api.model;

/** The structural checks integer and float histograms share (Prometheus's histogram validation). */
final class HistogramChecks {

    private HistogramChecks() {
    }

    static void schema(int schema, int customValueCount) {
        if (schema == Histogram.CUSTOM_BUCKETS_SCHEMA) {
            return;
        }
        if (schema < Histogram.MIN_SCHEMA || schema > Histogram.MAX_SCHEMA) {
            throw new IllegalArgumentException("histogram has an invalid schema " + schema + ", which must be between "
                    + Histogram.MIN_SCHEMA + " and " + Histogram.MAX_SCHEMA + " (or " + Histogram.CUSTOM_BUCKETS_SCHEMA + " for custom buckets)");
        }
    }

    static void spans(String side, HistogramSpans spans, int bucketCount) {
        for (int i = 1; i < spans.count(); i++) {
            if (spans.offset(i) < 0) {
                throw new IllegalArgumentException("histogram " + side + " span " + i + " has a negative offset " + spans.offset(i));
            }
        }
        if (spans.bucketCount() != bucketCount) {
            throw new IllegalArgumentException("histogram " + side + " spans need " + spans.bucketCount() + " buckets, have " + bucketCount);
        }
    }

    static void customLayout(int negativeSpanCount, int negativeBucketCount, double zeroCount, double[] bounds, HistogramSpans positive) {
        if (negativeSpanCount > 0 || negativeBucketCount > 0) {
            throw new IllegalArgumentException("histogram with custom buckets must not have negative buckets");
        }
        if (zeroCount != 0) {
            throw new IllegalArgumentException("histogram with custom buckets must not have a zero bucket");
        }
        for (int i = 0; i < bounds.length; i++) {
            if (Double.isNaN(bounds[i]) || i > 0 && !(bounds[i] > bounds[i - 1])) {
                throw new IllegalArgumentException("histogram custom bounds must be increasing, " + bounds[i] + " at " + i + " is not");
            }
            if (bounds[i] == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("histogram custom bounds must not contain +Inf (the last bucket is implicit)");
            }
        }
        if (positive.count() > 0 && positive.offset(0) < 0) {
            throw new IllegalArgumentException("histogram with custom buckets has a negative first span offset");
        }
        long next = 0; // index of the bucket after the last one described so far
        for (int s = 0; s < positive.count(); s++) {
            next += positive.offset(s) + (long) positive.length(s);
        }
        if (next - 1 > bounds.length) {
            throw new IllegalArgumentException("histogram custom buckets reach index " + (next - 1) + ", beyond the " + bounds.length
                    + " bounds (+Inf is index " + bounds.length + ")");
        }
    }
}
