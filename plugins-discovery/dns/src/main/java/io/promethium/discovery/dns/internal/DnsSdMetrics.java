package io.promethium.discovery.dns.internal;

import io.promethium.api.plugin.MetricsRegistrar;

/** DNS discovery's metrics with Prometheus's names, shared by every DNS discoverer. */
final class DnsSdMetrics {

    final MetricsRegistrar.Counter lookups;
    final MetricsRegistrar.Counter failures;

    DnsSdMetrics(MetricsRegistrar registrar) {
        lookups = registrar.counter("prometheus_sd_dns_lookups_total", "The number of DNS-SD lookups.");
        failures = registrar.counter("prometheus_sd_dns_lookup_failures_total", "The number of DNS-SD lookup failures.");
    }
}
