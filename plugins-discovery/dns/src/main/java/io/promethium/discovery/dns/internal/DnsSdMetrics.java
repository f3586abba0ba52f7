package io.promethium.discovery.dns.internal;

import io.promethium.api.plugin.MetricsRegistrar;

/**
 * DNS discovery's metrics with Prometheus's names, shared by every DNS discoverer: its lookups and
 * their failures, and the refresh metrics of every refreshing mechanism ({@code mechanism="dns"},
 * {@code config} the job), as Prometheus's DNS SD, which is a {@code discovery/refresh} discoverer.
 */
final class DnsSdMetrics {

    static final String MECHANISM = "dns";

    final MetricsRegistrar.Counter lookups;
    final MetricsRegistrar.Counter failures;
    final MetricsRegistrar.Counter refreshFailures;
    final MetricsRegistrar.Summary refreshDuration;

    DnsSdMetrics(MetricsRegistrar registrar) {
        lookups = registrar.counter("prometheus_sd_dns_lookups_total", "The number of DNS-SD lookups.");
        failures = registrar.counter("prometheus_sd_dns_lookup_failures_total", "The number of DNS-SD lookup failures.");
        refreshFailures = registrar.counter("prometheus_sd_refresh_failures_total",
                "Number of refresh failures for the given SD mechanism.", "mechanism", "config");
        refreshDuration = io.promethium.api.discovery.RefreshingDiscoverer.refreshDurationMetrics(registrar);
    }
}
