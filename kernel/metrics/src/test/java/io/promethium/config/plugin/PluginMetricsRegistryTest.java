package io.promethium.config.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.promethium.api.plugin.MetricsRegistrar;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PluginMetricsRegistryTest {

    /** Prometheus's objectives for prometheus_sd_refresh_duration_seconds (discovery/metrics_refresh.go). */
    private static final Map<Double, Double> SD_OBJECTIVES = Map.of(0.5, 0.05, 0.9, 0.01, 0.99, 0.001);

    private final long[] now = {0};
    private final PluginMetricsRegistry registry = new PluginMetricsRegistry(() -> now[0]);

    private List<String> scrape() {
        List<String> lines = new ArrayList<>();
        registry.collect(new MetricWriter() {
            @Override
            public void family(String name, MetricType type, String help, String unit) {
                lines.add("# TYPE " + name + " " + type);
            }

            @Override
            public void sample(String name, Labels labels, double value) {
                lines.add(name + labels + " " + value);
            }
        });
        return lines;
    }

    @Test
    void aSummaryWithObjectivesWritesItsQuantilesBeforeSumAndCountAsPrometheus() {
        MetricsRegistrar.Summary s = registry.summary("prometheus_sd_refresh_duration_seconds", "h", SD_OBJECTIVES,
                "mechanism", "config");
        for (int i = 1; i <= 100; i++) {
            s.observe(i / 100.0, "http", "job");
        }
        assertThat(scrape()).containsExactly(
                "# TYPE prometheus_sd_refresh_duration_seconds SUMMARY",
                "prometheus_sd_refresh_duration_seconds{config=\"job\", mechanism=\"http\", quantile=\"0.5\"} 0.5",
                "prometheus_sd_refresh_duration_seconds{config=\"job\", mechanism=\"http\", quantile=\"0.9\"} 0.9",
                "prometheus_sd_refresh_duration_seconds{config=\"job\", mechanism=\"http\", quantile=\"0.99\"} 0.99",
                "prometheus_sd_refresh_duration_seconds_sum{config=\"job\", mechanism=\"http\"} 50.5",
                "prometheus_sd_refresh_duration_seconds_count{config=\"job\", mechanism=\"http\"} 100.0");
    }

    @Test
    void quantilesCoverTheLastTenMinutesAndAreNaNWithoutRecentObservations() {
        MetricsRegistrar.Summary s = registry.summary("d_seconds", "h", Map.of(0.5, 0.05));
        s.observe(7);
        assertThat(scrape()).contains("d_seconds{quantile=\"0.5\"} 7.0");
        now[0] += TimeUnit.MINUTES.toNanos(11);
        assertThat(scrape()).contains("d_seconds{quantile=\"0.5\"} NaN", "d_seconds_count{} 1.0");
    }

    @Test
    void aSummaryAskedAgainWithOtherQuantilesIsRefused() {
        registry.summary("d_seconds", "h", Map.of(0.5, 0.05));
        assertThat(registry.summary("d_seconds", "h", Map.of(0.5, 0.01))).as("same quantiles").isNotNull();
        assertThatThrownBy(() -> registry.summary("d_seconds", "h")).hasMessageContaining("quantiles");
        assertThatThrownBy(() -> registry.summary("e_seconds", "h", Map.of(1.5, 0.1))).hasMessageContaining("not in [0, 1]");
    }

    @Test
    void aHistogramWritesCumulativeBucketsWithInfThenSumAndCount() {
        MetricsRegistrar.Histogram h = registry.histogram("d_seconds", "h", new double[] {0.01, 0.1, 1, 10}, "mechanism");
        for (double v : new double[] {0.005, 0.01, 0.5, 20}) {
            h.observe(v, "http");
        }
        assertThat(scrape()).containsExactly(
                "# TYPE d_seconds HISTOGRAM",
                "d_seconds_bucket{le=\"0.01\", mechanism=\"http\"} 2.0",
                "d_seconds_bucket{le=\"0.1\", mechanism=\"http\"} 2.0",
                "d_seconds_bucket{le=\"1\", mechanism=\"http\"} 3.0",
                "d_seconds_bucket{le=\"10\", mechanism=\"http\"} 3.0",
                "d_seconds_bucket{le=\"+Inf\", mechanism=\"http\"} 4.0",
                "d_seconds_sum{mechanism=\"http\"} 20.515",
                "d_seconds_count{mechanism=\"http\"} 4.0");
        assertThatThrownBy(() -> registry.histogram("e_seconds", "h", new double[] {1, 0.5})).hasMessageContaining("ascending");
    }

    @Test
    void aRefreshIsObservedInPrometheusSummaryPerJobAndHistogramPerMechanism() {
        MetricsRegistrar.Summary refresh = io.promethium.api.discovery.RefreshingDiscoverer.refreshDurationMetrics(registry);
        refresh.observe(0.2, "http", "job-a");
        refresh.observe(0.4, "http", "job-b");
        assertThat(scrape()).contains(
                "prometheus_sd_refresh_duration_histogram_seconds_bucket{le=\"1\", mechanism=\"http\"} 2.0",
                "prometheus_sd_refresh_duration_histogram_seconds_count{mechanism=\"http\"} 2.0",
                "prometheus_sd_refresh_duration_seconds{config=\"job-a\", mechanism=\"http\", quantile=\"0.99\"} 0.2",
                "prometheus_sd_refresh_duration_seconds_count{config=\"job-b\", mechanism=\"http\"} 1.0");
        assertThat(refresh.count("http", "job-a")).isEqualTo(1);
    }

    /**
     * As Prometheus's {@code RefreshMetricsVecs.Instantiate} when a discoverer is built: before the
     * first refresh the summary child has NaN quantiles and sum and count 0, the histogram child
     * every bucket 0 (Prometheus 2.42 shows {@code prometheus_sd_refresh_duration_seconds{mechanism="http",quantile="0.5"} NaN}
     * and {@code _count{mechanism="http"} 0} for an HTTP SD whose first request has not returned).
     */
    @Test
    void instantiatedRefreshMetricsAreWrittenBeforeTheFirstRefreshAsPrometheusWritesAnUnobservedChild() {
        MetricsRegistrar.Summary refresh = io.promethium.api.discovery.RefreshingDiscoverer.refreshDurationMetrics(registry);
        assertThat(scrape()).as("nothing before a discoverer is built").containsExactly(
                "# TYPE prometheus_sd_refresh_duration_histogram_seconds HISTOGRAM",
                "# TYPE prometheus_sd_refresh_duration_seconds SUMMARY");
        refresh.instantiate("http", "job");
        assertThat(scrape()).containsExactly(
                "# TYPE prometheus_sd_refresh_duration_histogram_seconds HISTOGRAM",
                "prometheus_sd_refresh_duration_histogram_seconds_bucket{le=\"0.01\", mechanism=\"http\"} 0.0",
                "prometheus_sd_refresh_duration_histogram_seconds_bucket{le=\"0.1\", mechanism=\"http\"} 0.0",
                "prometheus_sd_refresh_duration_histogram_seconds_bucket{le=\"1\", mechanism=\"http\"} 0.0",
                "prometheus_sd_refresh_duration_histogram_seconds_bucket{le=\"10\", mechanism=\"http\"} 0.0",
                "prometheus_sd_refresh_duration_histogram_seconds_bucket{le=\"+Inf\", mechanism=\"http\"} 0.0",
                "prometheus_sd_refresh_duration_histogram_seconds_sum{mechanism=\"http\"} 0.0",
                "prometheus_sd_refresh_duration_histogram_seconds_count{mechanism=\"http\"} 0.0",
                "# TYPE prometheus_sd_refresh_duration_seconds SUMMARY",
                "prometheus_sd_refresh_duration_seconds{config=\"job\", mechanism=\"http\", quantile=\"0.5\"} NaN",
                "prometheus_sd_refresh_duration_seconds{config=\"job\", mechanism=\"http\", quantile=\"0.9\"} NaN",
                "prometheus_sd_refresh_duration_seconds{config=\"job\", mechanism=\"http\", quantile=\"0.99\"} NaN",
                "prometheus_sd_refresh_duration_seconds_sum{config=\"job\", mechanism=\"http\"} 0.0",
                "prometheus_sd_refresh_duration_seconds_count{config=\"job\", mechanism=\"http\"} 0.0");
        refresh.instantiate("http", "job");
        refresh.observe(0.2, "http", "job");
        assertThat(scrape()).as("instantiating again resets nothing; the first refresh adds to the child").contains(
                "prometheus_sd_refresh_duration_histogram_seconds_bucket{le=\"1\", mechanism=\"http\"} 1.0",
                "prometheus_sd_refresh_duration_seconds{config=\"job\", mechanism=\"http\", quantile=\"0.5\"} 0.2",
                "prometheus_sd_refresh_duration_seconds_count{config=\"job\", mechanism=\"http\"} 1.0");
        refresh.instantiate("http", "job");
        assertThat(refresh.count("http", "job")).isEqualTo(1);
    }

    @Test
    void instantiatingAChildWithTheWrongNumberOfLabelValuesIsRefused() {
        MetricsRegistrar.Summary s = registry.summary("d_seconds", "h", "mechanism", "config");
        MetricsRegistrar.Histogram h = registry.histogram("e_seconds", "h", new double[] {1}, "mechanism");
        assertThatThrownBy(() -> s.instantiate("http")).hasMessageContaining("has labels [mechanism, config]");
        assertThatThrownBy(() -> h.instantiate("http", "job")).hasMessageContaining("has labels [mechanism]");
    }
}
