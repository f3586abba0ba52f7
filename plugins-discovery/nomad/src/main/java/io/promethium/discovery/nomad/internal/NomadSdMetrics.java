package io.promethium.discovery.nomad.internal;

import io.promethium.api.plugin.MetricsRegistrar;

/** Nomad discovery's metrics with Prometheus's names, shared by every Nomad discoverer. */
final class NomadSdMetrics {

    static final String MECHANISM = "nomad";

    final MetricsRegistrar.Counter failures;
    final MetricsRegistrar.Counter refreshFailures;
    final MetricsRegistrar.Summary refreshDuration;

    NomadSdMetrics(MetricsRegistrar registrar) {
        failures = registrar.counter("prometheus_sd_nomad_failures_total", "Number of nomad service discovery refresh failures.");
        refreshFailures = registrar.counter("prometheus_sd_refresh_failures_total",
                "Number of refresh failures for the given SD mechanism.", "mechanism", "config");
        // prometheus_sd_refresh_duration_seconds{mechanism,config} and its histogram{mechanism}.
        refreshDuration = io.promethium.api.discovery.RefreshingDiscoverer.refreshDurationMetrics(registrar);
    }
}
