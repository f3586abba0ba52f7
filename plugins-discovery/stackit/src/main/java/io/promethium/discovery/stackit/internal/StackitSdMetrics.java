package io.promethium.discovery.stackit.internal;

import io.promethium.api.plugin.MetricsRegistrar;

/**
 * STACKIT discovery's metrics: Prometheus has none of its own for STACKIT, only the refresh
 * metrics every refreshing mechanism reports ({@code mechanism="stackit"}, {@code config} the job).
 */
final class StackitSdMetrics {

    static final String MECHANISM = "stackit";

    final MetricsRegistrar.Counter refreshFailures;
    final MetricsRegistrar.Summary refreshDuration;

    StackitSdMetrics(MetricsRegistrar registrar) {
        refreshFailures = registrar.counter("prometheus_sd_refresh_failures_total",
                "Number of refresh failures for the given SD mechanism.", "mechanism", "config");
        // prometheus_sd_refresh_duration_seconds{mechanism,config} and its histogram{mechanism}.
        refreshDuration = io.promethium.api.discovery.RefreshingDiscoverer.refreshDurationMetrics(registrar);
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
