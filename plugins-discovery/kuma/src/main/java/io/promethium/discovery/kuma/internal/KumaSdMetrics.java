package io.promethium.discovery.kuma.internal;

import io.promethium.api.plugin.MetricsRegistrar;

/** Kuma discovery's metrics with Prometheus's names, shared by every Kuma discoverer. */
final class KumaSdMetrics {

    final MetricsRegistrar.Counter failures;
    final MetricsRegistrar.Counter skipped;
    final MetricsRegistrar.Summary duration;

    KumaSdMetrics(MetricsRegistrar registrar) {
        failures = registrar.counter("prometheus_sd_kuma_fetch_failures_total", "The number of Kuma MADS fetch call failures.");
        skipped = registrar.counter("prometheus_sd_kuma_fetch_skipped_updates_total",
                "The number of Kuma MADS fetch calls that result in no updates to the targets.");
        duration = registrar.summary("prometheus_sd_kuma_fetch_duration_seconds", "The duration of a Kuma MADS fetch call.");
    }
}
