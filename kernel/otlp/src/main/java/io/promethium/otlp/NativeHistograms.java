package io.promethium.otlp;

import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.model.StaleMarker;
import java.util.List;

/**
 * Points stored as native histograms: exponential histograms (scales above 8 merged down to
 * schema 8, zero threshold 1e-128) and, with {@code convert_histograms_to_nhcb}, explicit-bucket
 * histograms as native histograms with custom buckets; the gauge reset hint for delta points.
 * Not thread-safe: one per request.
 */
final class NativeHistograms {

    private static final double DEFAULT_ZERO_THRESHOLD = 1e-128;

    private final SeriesLabels labels;
    private final SampleWriter writer;
    private final List<Translator.Warning> warnings;

    NativeHistograms(SeriesLabels labels, SampleWriter writer, List<Translator.Warning> warnings) {
        this.labels = labels;
        this.writer = writer;
        this.warnings = warnings;
    }

    void exponential(String family, Metadata metadata, ExponentialHistogramDataPoint p, boolean delta)
            throws Names.InvalidName, SampleWriter.Rejected {
        int scale = p.getScale();
        if (scale < Histogram.MIN_SCHEMA) {
            throw new SampleWriter.Rejected("cannot convert exponential to native histogram. Scale must be >= " + Histogram.MIN_SCHEMA
                    + ", was " + scale);
        }
        int scaleDown = 0;
        if (scale > Histogram.MAX_SCHEMA) {
            scaleDown = scale - Histogram.MAX_SCHEMA;
            scale = Histogram.MAX_SCHEMA;
        }
        Translator.Layout pos = BucketLayout.layout(p.getPositive().getBucketCountsList(), p.getPositive().getOffset(), scaleDown, true);
        Translator.Layout neg = BucketLayout.layout(p.getNegative().getBucketCountsList(), p.getNegative().getOffset(), scaleDown, true);
        Labels series = labels.point(p.getAttributesList(), metadata, family);
        long t = p.getTimeUnixNano() / 1_000_000;
        if (SampleWriter.noRecordedValue(p.getFlags())) {
            writer.appendFloat(series, 0, t, StaleMarker.STALE_NAN, metadata);
            return;
        }
        double sum = p.hasSum() ? p.getSum() : 0;
        if (p.getCount() == 0 && sum != 0) {
            warnings.add(new Translator.Warning("histogram_zero_count_non_zero_sum",
                    "exponential histogram data point has zero count, but non-zero sum: " + String.format("%f", sum)));
        }
        Histogram h = new Histogram(delta ? CounterResetHint.GAUGE : CounterResetHint.UNKNOWN, scale, DEFAULT_ZERO_THRESHOLD,
                p.getZeroCount(), p.getCount(), sum, pos.spans(), pos.deltas(), neg.spans(), neg.deltas(), null);
        long ref = writer.appendHistogram(series, writer.start(p.getStartTimeUnixNano()), t, h, metadata);
        writer.exemplars(ref, series, Exemplars.of(p.getExemplarsList()));
    }

    void customBuckets(String family, Metadata metadata, HistogramDataPoint p, boolean delta) throws Names.InvalidName, SampleWriter.Rejected {
        int offset = 0;
        while (offset < p.getBucketCountsCount() && p.getBucketCounts(offset) == 0) {
            offset++;
        }
        Translator.Layout pos = BucketLayout.layout(p.getBucketCountsList().subList(offset, p.getBucketCountsCount()), offset, 0, false);
        Labels series = labels.point(p.getAttributesList(), metadata, family);
        long t = p.getTimeUnixNano() / 1_000_000;
        if (SampleWriter.noRecordedValue(p.getFlags())) {
            writer.appendFloat(series, 0, t, StaleMarker.STALE_NAN, metadata);
            return;
        }
        double sum = p.hasSum() ? p.getSum() : 0;
        if (p.getCount() == 0 && sum != 0) {
            warnings.add(new Translator.Warning("histogram_zero_count_non_zero_sum",
                    "histogram data point has zero count, but non-zero sum: " + String.format("%f", sum)));
        }
        double[] bounds = new double[p.getExplicitBoundsCount()];
        for (int i = 0; i < bounds.length; i++) {
            bounds[i] = p.getExplicitBounds(i);
        }
        Histogram h = new Histogram(delta ? CounterResetHint.GAUGE : CounterResetHint.UNKNOWN, Histogram.CUSTOM_BUCKETS_SCHEMA, 0, 0,
                p.getCount(), sum, pos.spans(), pos.deltas(), HistogramSpans.EMPTY, new long[0], bounds);
        long ref = writer.appendHistogram(series, writer.start(p.getStartTimeUnixNano()), t, h, metadata);
        writer.exemplars(ref, series, Exemplars.of(p.getExemplarsList()));
    }
}
