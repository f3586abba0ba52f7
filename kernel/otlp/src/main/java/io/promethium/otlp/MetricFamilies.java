package io.promethium.otlp;

import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.promethium.api.model.Metadata;
import io.promethium.api.model.MetricType;

/**
 * What an OTLP metric is in Prometheus's terms: its family name (name and unit translated by the
 * {@code translation_strategy}, see {@link Names}), its metadata (type, help, unit), its
 * aggregation temporality, and its points' count and times.
 */
final class MetricFamilies {

    private MetricFamilies() {
    }

    /** The family's name, as Prometheus's {@code otlptranslator} builds it. */
    static String name(Metric m, TranslationStrategy strategy) throws Names.InvalidName {
        return Names.metricName(m.getName(), m.getUnit(), kind(m), strategy);
    }

    /** The family's metadata: its type, help (the description) and unit words. */
    static Metadata metadata(Metric m) {
        return new Metadata(promType(m), m.getDescription(), Names.unit(m.getUnit()));
    }

    private static Names.Kind kind(Metric m) {
        return switch (m.getDataCase()) {
            case GAUGE -> Names.Kind.GAUGE;
            case SUM -> m.getSum().getIsMonotonic() ? Names.Kind.MONOTONIC_COUNTER : Names.Kind.NON_MONOTONIC_COUNTER;
            case HISTOGRAM -> Names.Kind.HISTOGRAM;
            case EXPONENTIAL_HISTOGRAM -> Names.Kind.EXPONENTIAL_HISTOGRAM;
            case SUMMARY -> Names.Kind.SUMMARY;
            default -> Names.Kind.UNKNOWN;
        };
    }

    /** Prometheus's {@code otelMetricTypeToPromMetricType}: delta sums and histograms (native delta ingestion) are of unknown type. */
    private static MetricType promType(Metric m) {
        AggregationTemporality delta = AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
        return switch (m.getDataCase()) {
            case GAUGE -> MetricType.GAUGE;
            case SUM -> m.getSum().getAggregationTemporality() == delta ? MetricType.UNKNOWN
                    : m.getSum().getIsMonotonic() ? MetricType.COUNTER : MetricType.GAUGE;
            case HISTOGRAM -> m.getHistogram().getAggregationTemporality() == delta ? MetricType.UNKNOWN : MetricType.HISTOGRAM;
            case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getAggregationTemporality() == delta ? MetricType.UNKNOWN
                    : MetricType.HISTOGRAM;
            case SUMMARY -> MetricType.SUMMARY;
            default -> MetricType.UNKNOWN;
        };
    }

    /** How many data points the metric has (0 for a metric of no known type). */
    static int points(Metric m) {
        return switch (m.getDataCase()) {
            case GAUGE -> m.getGauge().getDataPointsCount();
            case SUM -> m.getSum().getDataPointsCount();
            case HISTOGRAM -> m.getHistogram().getDataPointsCount();
            case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPointsCount();
            case SUMMARY -> m.getSummary().getDataPointsCount();
            default -> 0;
        };
    }

    /** The times of the metric's data points, in nanoseconds (unsigned). */
    static long[] timestamps(Metric m) {
        return switch (m.getDataCase()) {
            case GAUGE -> m.getGauge().getDataPointsList().stream().mapToLong(NumberDataPoint::getTimeUnixNano).toArray();
            case SUM -> m.getSum().getDataPointsList().stream().mapToLong(NumberDataPoint::getTimeUnixNano).toArray();
            case HISTOGRAM -> m.getHistogram().getDataPointsList().stream().mapToLong(HistogramDataPoint::getTimeUnixNano).toArray();
            case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPointsList().stream()
                    .mapToLong(ExponentialHistogramDataPoint::getTimeUnixNano).toArray();
            case SUMMARY -> m.getSummary().getDataPointsList().stream().mapToLong(SummaryDataPoint::getTimeUnixNano).toArray();
            default -> new long[0];
        };
    }
}
