package io.promethium.discovery.azure.internal;

import io.promethium.api.plugin.MetricsRegistrar;

/**
 * Azure discovery's metrics: the refresh metrics every refreshing mechanism reports
 * ({@code mechanism="azure"}, {@code config} the job) and Prometheus's own
 * {@code prometheus_sd_azure_failures_total} and {@code prometheus_sd_azure_cache_hit_total}.
 */
final class AzureSdMetrics {

    static final String MECHANISM = "azure";

    final MetricsRegistrar.Counter refreshFailures;
    final MetricsRegistrar.Summary refreshDuration;
    final MetricsRegistrar.Counter azureFailures;
    final MetricsRegistrar.Counter cacheHits;

    AzureSdMetrics(MetricsRegistrar registrar) {
        refreshFailures = registrar.counter("prometheus_sd_refresh_failures_total",
                "Number of refresh failures for the given SD mechanism.", "mechanism", "config");
        // prometheus_sd_refresh_duration_seconds{mechanism,config} and its histogram{mechanism}.
        refreshDuration = io.promethium.api.discovery.RefreshingDiscoverer.refreshDurationMetrics(registrar);
        azureFailures = registrar.counter("prometheus_sd_azure_failures_total", "Number of Azure service discovery refresh failures.");
        cacheHits = registrar.counter("prometheus_sd_azure_cache_hit_total", "Number of cache hit during refresh.");
    }

    /** The failures counter of one job, as {@code DiscoveryFailures} counts (without labels). */
    MetricsRegistrar.Counter failuresOf(String owner) {
        return new MetricsRegistrar.Counter() {
            @Override
            public void inc(String... labelValues) {
                refreshFailures.inc(MECHANISM, owner);
            }

            @Override
            public void add(double amount, String... labelValues) {
                refreshFailures.add(amount, MECHANISM, owner);
            }

            @Override
            public double value(String... labelValues) {
                return refreshFailures.value(MECHANISM, owner);
            }
        };
    }
}
