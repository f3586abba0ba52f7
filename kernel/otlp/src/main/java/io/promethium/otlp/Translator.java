package io.promethium.otlp;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.storage.Appender;
import java.util.ArrayList;
import java.util.List;

/**
 * Prometheus 3's OTLP translation ({@code storage/remote/otlptranslator/prometheusremotewrite}):
 * one export request to samples, histograms, exemplars and metadata on an {@link Appender}.
 * This class walks the request (resources, scopes, metrics), checks each metric's temporality
 * and hands its points to the class for their kind; the rules live in those classes:
 * {@link SeriesLabels} (attributes to labels), {@link MetricFamilies} (names, units, types),
 * {@link NumberPoints}, {@link ClassicHistograms}, {@link NativeHistograms} with
 * {@link BucketLayout}, {@link Summaries}, {@link TargetInfo}, {@link Exemplars},
 * {@link AttributeValues} and {@link SampleWriter} (the appender). Errors do not stop the
 * translation (as there, the other metrics still go through); the caller gets them all and
 * decides the answer. Not thread-safe: one per request.
 */
final class Translator {

    /** What the server's flags and features give the translation. */
    record Options(boolean allowDelta, boolean ingestStartTimestamps, long lookbackDeltaMillis, Labels externalLabels,
                   boolean typeAndUnitLabels) {

        Options(boolean allowDelta, boolean ingestStartTimestamps, long lookbackDeltaMillis, Labels externalLabels) {
            this(allowDelta, ingestStartTimestamps, lookbackDeltaMillis, externalLabels, false);
        }
    }

    /** A translation warning with Prometheus's category ({@code prometheus_api_otlp_translation_warnings_total}). */
    record Warning(String category, String message) {
    }

    /** The outcome: the errors (in order), the warnings (dropped empty metrics, ...), exemplars refused as out of order. */
    record Result(List<String> errors, boolean storageRejected, List<Warning> warnings, int samples, int outOfOrderExemplars) {
    }

    /** Spans and bucket deltas of a native histogram ({@link BucketLayout}). */
    record Layout(HistogramSpans spans, long[] deltas) {
    }

    static final String TARGET_INFO = "target_info";

    private final OtlpConfig config;
    private final Options options;
    private final List<String> errors = new ArrayList<>();
    private final List<Warning> warnings = new ArrayList<>();
    private final SeriesLabels labels;
    private final SampleWriter writer;
    private final NumberPoints numbers;
    private final ClassicHistograms classicHistograms;
    private final NativeHistograms nativeHistograms;
    private final Summaries summaries;
    private final TargetInfo targetInfo;

    Translator(Appender appender, OtlpConfig config, Options options, long nowMillis) {
        this.config = config;
        this.options = options;
        this.labels = new SeriesLabels(config, options, warnings);
        this.writer = new SampleWriter(appender, options.ingestStartTimestamps(), nowMillis);
        this.numbers = new NumberPoints(labels, writer);
        this.classicHistograms = new ClassicHistograms(labels, writer);
        this.nativeHistograms = new NativeHistograms(labels, writer, warnings);
        this.summaries = new Summaries(labels, writer);
        this.targetInfo = new TargetInfo(labels, writer, config.keepIdentifyingResourceAttributes(), options.lookbackDeltaMillis());
    }

    Result translate(ExportMetricsServiceRequest request) {
        for (ResourceMetrics rm : request.getResourceMetricsList()) {
            List<KeyValue> resource = rm.getResource().getAttributesList();
            try {
                labels.resource(resource);
            } catch (Names.InvalidName e) {
                errors.add(e.getMessage());
                continue;
            }
            long earliest = Long.MAX_VALUE;
            long latest = Long.MIN_VALUE;
            boolean any = false;
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                try {
                    labels.scope(sm);
                } catch (Names.InvalidName e) {
                    errors.add(e.getMessage());
                    continue;
                }
                for (Metric metric : sm.getMetricsList()) {
                    for (long ts : MetricFamilies.timestamps(metric)) {
                        earliest = Long.compareUnsigned(ts, earliest) < 0 ? ts : earliest;
                        latest = !any || Long.compareUnsigned(ts, latest) > 0 ? ts : latest;
                        any = true;
                    }
                    try {
                        metric(metric);
                    } catch (Names.InvalidName e) {
                        errors.add(e.getMessage());
                    } catch (SampleWriter.Rejected e) {
                        errors.add(e.getMessage());
                    }
                }
            }
            if (any) {
                try {
                    targetInfo.write(resource, earliest / 1_000_000, latest / 1_000_000);
                } catch (Names.InvalidName | SampleWriter.Rejected e) {
                    errors.add(e.getMessage());
                }
            }
        }
        return new Result(List.copyOf(errors), writer.storageRejected(), List.copyOf(warnings), writer.samples(),
                writer.outOfOrderExemplars());
    }

    private void metric(Metric m) throws Names.InvalidName, SampleWriter.Rejected {
        AggregationTemporality temporality;
        switch (m.getDataCase()) {
            case SUM -> temporality = m.getSum().getAggregationTemporality();
            case HISTOGRAM -> temporality = m.getHistogram().getAggregationTemporality();
            case EXPONENTIAL_HISTOGRAM -> temporality = m.getExponentialHistogram().getAggregationTemporality();
            case GAUGE, SUMMARY -> temporality = null;
            default -> {
                errors.add("could not get aggregation temporality for " + m.getName() + " as it has unsupported metric type Empty");
                return;
            }
        }
        if (temporality != null && !(temporality == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE
                || options.allowDelta() && temporality == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)) {
            errors.add("invalid temporality and type combination for metric \"" + m.getName() + "\"");
            return;
        }
        String family = MetricFamilies.name(m, config.strategy());
        Metadata metadata = MetricFamilies.metadata(m);
        boolean delta = temporality == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
        if (MetricFamilies.points(m) == 0) {
            warnings.add(new Warning("empty_data_points", "empty data points. " + m.getName() + " is dropped"));
            return;
        }
        switch (m.getDataCase()) {
            case GAUGE -> {
                for (NumberDataPoint p : m.getGauge().getDataPointsList()) {
                    numbers.point(family, metadata, p, false);
                }
            }
            case SUM -> {
                for (NumberDataPoint p : m.getSum().getDataPointsList()) {
                    numbers.point(family, metadata, p, true);
                }
            }
            case HISTOGRAM -> {
                for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
                    if (config.convertHistogramsToNhcb()) {
                        nativeHistograms.customBuckets(family, metadata, p, delta);
                    } else {
                        classicHistograms.point(family, metadata, p);
                    }
                }
            }
            case EXPONENTIAL_HISTOGRAM -> {
                for (ExponentialHistogramDataPoint p : m.getExponentialHistogram().getDataPointsList()) {
                    nativeHistograms.exponential(family, metadata, p, delta);
                }
            }
            case SUMMARY -> {
                for (SummaryDataPoint p : m.getSummary().getDataPointsList()) {
                    summaries.point(family, metadata, p);
                }
            }
            default -> errors.add("unsupported metric type");
        }
    }

    /** {@link BucketLayout#layout}, where the translation's tests reach it. */
    static Layout layout(List<Long> counts, int offset, int scaleDown, boolean adjustOffset) {
        return BucketLayout.layout(counts, offset, scaleDown, adjustOffset);
    }

    /** {@link AttributeValues#asString}, where the translation's tests reach it. */
    static String asString(AnyValue v) {
        return AttributeValues.asString(v);
    }
}
