package io.promethium.discovery;

import io.promethium.api.plugin.MetricsRegistrar;

/** The discovery manager's metrics, with Prometheus's names and labels ({@code name} is the consumer). */
final class DiscoveryMetrics {

    final MetricsRegistrar.Gauge discoveredTargets;
    final MetricsRegistrar.Gauge failedConfigs;
    final MetricsRegistrar.Counter receivedUpdates;
    final MetricsRegistrar.Counter delayedUpdates;
    final MetricsRegistrar.Counter sentUpdates;

    DiscoveryMetrics(MetricsRegistrar registrar) {
        discoveredTargets = registrar.gauge("prometheus_sd_discovered_targets", "Current number of discovered targets.",
                "config", "name");
        failedConfigs = registrar.gauge("prometheus_sd_failed_configs",
                "Current number of service discovery configurations that failed to load.", "name");
        receivedUpdates = registrar.counter("prometheus_sd_received_updates_total",
                "Total number of update events received from the SD providers.", "name");
        delayedUpdates = registrar.counter("prometheus_sd_updates_delayed_total",
                "Total number of update events that couldn't be sent immediately.", "name");
        sentUpdates = registrar.counter("prometheus_sd_updates_total",
                "Total number of update events sent to the SD consumers.", "name");
    }
}
