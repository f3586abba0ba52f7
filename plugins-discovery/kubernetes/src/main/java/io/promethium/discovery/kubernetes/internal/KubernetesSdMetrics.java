package io.promethium.discovery.kubernetes.internal;

import io.promethium.api.plugin.MetricsRegistrar;

/** Kubernetes discovery's metrics with Prometheus's names, shared by every Kubernetes discoverer. */
final class KubernetesSdMetrics {

    final MetricsRegistrar.Counter events;
    final MetricsRegistrar.Counter failures;

    KubernetesSdMetrics(MetricsRegistrar registrar) {
        events = registrar.counter("prometheus_sd_kubernetes_events_total",
                "The number of Kubernetes events handled.", "role", "event");
        failures = registrar.counter("prometheus_sd_kubernetes_failures_total",
                "The number of failed WATCH/LIST requests.");
    }
}
