package io.promethium.scrape.internal;

import io.promethium.config.model.MetricNameScheme;
import io.promethium.config.model.ScrapeConfig;
import io.promethium.config.model.ScrapeLimits;
import io.promethium.exposition.ExpositionFormat;
import io.promethium.exposition.HistogramOptions;
import io.promethium.config.relabel.Relabeler;
import java.time.Duration;
import java.util.Objects;

/**
 * What a scrape loop needs besides its target: cadence, label and timestamp handling, limits.
 *
 * @param fallbackFormat the format for a missing or unknown Content-Type, or null to fail such a scrape
 * @param convertClassicToNhcb {@code convert_classic_histograms_to_nhcb}
 * @param keepClassicWithNhcb {@code always_scrape_classic_histograms}: converted classic series are stored too
 * @param alignment {@code --scrape.adjust-timestamps} and {@code --scrape.timestamp-tolerance}
 * @param extraMetrics {@code extra_scrape_metrics}: also report {@code scrape_timeout_seconds},
 *                     {@code scrape_sample_limit} and {@code scrape_body_size_bytes}
 * @param ingestCreated {@code --enable-feature=created-timestamp-zero-ingestion}: samples' created timestamps are ingested
 * @param nameValidation {@code metric_name_validation_scheme}: names a new series must have after relabeling
 */
record LoopSettings(
        Duration interval,
        Duration timeout,
        boolean honorLabels,
        boolean honorTimestamps,
        boolean trackTimestampsStaleness,
        ScrapeLimits limits,
        Relabeler metricRelabeler,
        ExpositionFormat fallbackFormat,
        HistogramOptions histograms,
        boolean convertClassicToNhcb,
        boolean keepClassicWithNhcb,
        boolean typeAndUnitLabels,
        TimestampAlignment alignment,
        boolean extraMetrics,
        boolean ingestCreated,
        MetricNameScheme.Validation nameValidation) {

    LoopSettings {
        nameValidation = nameValidation == null ? MetricNameScheme.Validation.UTF8 : nameValidation;
        Objects.requireNonNull(interval, "interval is null");
        Objects.requireNonNull(timeout, "timeout is null");
        Objects.requireNonNull(limits, "limits is null");
        Objects.requireNonNull(metricRelabeler, "metricRelabeler is null");
        histograms = histograms == null ? HistogramOptions.CLASSIC : histograms;
        alignment = alignment == null ? TimestampAlignment.PROMETHEUS_DEFAULT : alignment;
    }

    /** The pool-wide part; interval and timeout may differ per target (relabeled). */
    record Base(ScrapeConfig config, Relabeler metricRelabeler, ExpositionFormat fallbackFormat, HistogramOptions histograms,
            boolean typeAndUnitLabels, TimestampAlignment alignment, boolean extraMetricsFeature, boolean ingestCreated) {
        /** Prometheus's default timestamp alignment, without extra-scrape-metrics nor created-timestamp ingestion. */
        Base(ScrapeConfig config, Relabeler metricRelabeler, ExpositionFormat fallbackFormat, HistogramOptions histograms,
                boolean typeAndUnitLabels) {
            this(config, metricRelabeler, fallbackFormat, histograms, typeAndUnitLabels, false);
        }

        /** Prometheus's default timestamp alignment, without extra-scrape-metrics. */
        Base(ScrapeConfig config, Relabeler metricRelabeler, ExpositionFormat fallbackFormat, HistogramOptions histograms,
                boolean typeAndUnitLabels, boolean ingestCreated) {
            this(config, metricRelabeler, fallbackFormat, histograms, typeAndUnitLabels, TimestampAlignment.PROMETHEUS_DEFAULT, false,
                    ingestCreated);
        }

        /** Native histograms off (classic series only). */
        Base(ScrapeConfig config, Relabeler metricRelabeler, ExpositionFormat fallbackFormat) {
            this(config, metricRelabeler, fallbackFormat, HistogramOptions.CLASSIC);
        }

        /** Without type-and-unit labels. */
        Base(ScrapeConfig config, Relabeler metricRelabeler, ExpositionFormat fallbackFormat, HistogramOptions histograms) {
            this(config, metricRelabeler, fallbackFormat, histograms, false);
        }

        LoopSettings forTarget(Duration interval, Duration timeout) {
            return new LoopSettings(interval, timeout, config.honorLabels(), config.honorTimestamps(),
                    config.trackTimestampsStaleness(), config.limits(), metricRelabeler, fallbackFormat, histograms,
                    config.histograms().convertClassicHistogramsToNhcb(), config.histograms().alwaysScrapeClassicHistograms(),
                    typeAndUnitLabels, alignment,
                    // The feature only changes the default of extra_scrape_metrics, as in Prometheus.
                    config.extraScrapeMetrics() != null ? config.extraScrapeMetrics() : extraMetricsFeature, ingestCreated,
                    config.metricNames().validation());
        }
    }
}
