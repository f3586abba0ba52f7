package io.promethium.discovery.linode.internal;

import io.promethium.api.plugin.MetricsRegistrar;

/**
 * Linode discovery's metrics: the refresh metrics every refreshing mechanism reports
 * ({@code mechanism="linode"}, {@code config} the job) and Prometheus's own
 * {@code prometheus_sd_linode_failures_total} (failed instance and address lists, all jobs).
 */
final class LinodeSdMetrics {

    static final String MECHANISM = "linode";

    final MetricsRegistrar.Counter refreshFailures;
    final MetricsRegistrar.Summary refreshDuration;
    final MetricsRegistrar.Counter linodeFailures;

    LinodeSdMetrics(MetricsRegistrar registrar) {
        refreshFailures = registrar.counter("prometheus_sd_refresh_failures_total",
                "Number of refresh failures for the given SD mechanism.", "mechanism", "config");
        // prometheus_sd_refresh_duration_seconds{mechanism,config} and its histogram{mechanism}.
        refreshDuration = io.promethium.api.discovery.RefreshingDiscoverer.refreshDurationMetrics(registrar);
        linodeFailures = registrar.counter("prometheus_sd_linode_failures_total",
                "Number of Linode service discovery refresh failures.");
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
