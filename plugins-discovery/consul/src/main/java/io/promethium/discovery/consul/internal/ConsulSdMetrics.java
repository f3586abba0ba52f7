package io.promethium.discovery.consul.internal;

import io.promethium.api.plugin.MetricsRegistrar;

/** Consul discovery's metrics with Prometheus's names, shared by every Consul discoverer. */
final class ConsulSdMetrics {

    final MetricsRegistrar.Counter failures;
    final MetricsRegistrar.Summary duration;

    ConsulSdMetrics(MetricsRegistrar registrar) {
        failures = registrar.counter("prometheus_sd_consul_rpc_failures_total", "The number of Consul RPC call failures.");
        duration = registrar.summary("prometheus_sd_consul_rpc_duration_seconds", "The duration of a Consul RPC call in seconds.",
                "call", "endpoint");
    }
}
