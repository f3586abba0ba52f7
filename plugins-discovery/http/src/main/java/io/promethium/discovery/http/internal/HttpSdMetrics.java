package io.promethium.discovery.http.internal;

import io.promethium.api.plugin.MetricsRegistrar;

/** HTTP discovery's metrics with Prometheus's names, shared by every HTTP discoverer. */
final class HttpSdMetrics {

    final MetricsRegistrar.Counter failures;
    final MetricsRegistrar.Counter refreshFailures;
    final MetricsRegistrar.Summary refreshDuration;

    HttpSdMetrics(MetricsRegistrar registrar) {
        failures = registrar.counter("prometheus_sd_http_failures_total", "Number of HTTP service discovery refresh failures.");
        refreshFailures = registrar.counter("prometheus_sd_refresh_failures_total",
                "Number of refresh failures for the given SD mechanism.", "mechanism", "config");
        // prometheus_sd_refresh_duration_seconds{mechanism,config} and its histogram{mechanism}.
        refreshDuration = io.promethium.api.discovery.RefreshingDiscoverer.refreshDurationMetrics(registrar);
    }
}
