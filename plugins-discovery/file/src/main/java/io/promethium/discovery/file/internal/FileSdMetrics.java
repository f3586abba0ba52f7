package io.promethium.discovery.file.internal;

import io.promethium.api.plugin.MetricsRegistrar;

/** File discovery's metrics with Prometheus's names, shared by every file discoverer through the registrar. */
final class FileSdMetrics {

    private final MetricsRegistrar.Counter readErrors;
    private final MetricsRegistrar.Summary scanDuration;

    FileSdMetrics(MetricsRegistrar registrar) {
        this.readErrors = registrar.counter("prometheus_sd_file_read_errors_total", "The number of File-SD read errors.");
        this.scanDuration = registrar.summary("prometheus_sd_file_scan_duration_seconds", "The duration of the File-SD scan in seconds.");
    }

    void readError() {
        readErrors.inc();
    }

    void scanned(long nanos) {
        scanDuration.observe(nanos / 1e9);
    }
}
