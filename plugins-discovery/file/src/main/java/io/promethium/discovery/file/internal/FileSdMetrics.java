package io.promethium.discovery.file.internal;

import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.MetricType;
import java.util.concurrent.atomic.LongAdder;

/** Counters shared by every file discoverer of one factory, written with Prometheus's names. */
final class FileSdMetrics {

    private final LongAdder readErrors = new LongAdder();
    private final LongAdder scans = new LongAdder();
    private final LongAdder scanNanos = new LongAdder();

    void readError() {
        readErrors.increment();
    }

    void scanned(long nanos) {
        scans.increment();
        scanNanos.add(nanos);
    }

    long readErrors() {
        return readErrors.sum();
    }

    void write(MetricWriter writer) {
        writer.family("prometheus_sd_file_read_errors_total", MetricType.COUNTER,
                "The number of File-SD read errors.", "");
        writer.sample("prometheus_sd_file_read_errors_total", readErrors.sum());
        writer.family("prometheus_sd_file_scan_duration_seconds", MetricType.SUMMARY,
                "The duration of the File-SD scan in seconds.", "seconds");
        writer.sample("prometheus_sd_file_scan_duration_seconds_sum", scanNanos.sum() / 1e9);
        writer.sample("prometheus_sd_file_scan_duration_seconds_count", scans.sum());
    }
}
