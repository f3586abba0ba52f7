package io.promethium.discovery.aws.internal;

import io.promethium.api.plugin.MetricsRegistrar;

/**
 * EC2 and Lightsail discovery's metrics: Prometheus has none of their own, only the refresh
 * metrics every refreshing mechanism reports ({@code mechanism} "ec2" or "lightsail",
 * {@code config} the job).
 */
final class AwsSdMetrics {

    final String mechanism;

    final MetricsRegistrar.Counter refreshFailures;
    final MetricsRegistrar.Summary refreshDuration;

    AwsSdMetrics(MetricsRegistrar registrar, String mechanism) {
        this.mechanism = mechanism;
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
                refreshFailures.inc(mechanism, owner);
            }

            @Override
            public void add(double amount, String... labelValues) {
                refreshFailures.add(amount, mechanism, owner);
            }

            @Override
            public double value(String... labelValues) {
                return refreshFailures.value(mechanism, owner);
            }
        };
    }
}
