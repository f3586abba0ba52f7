package io.promethium.alerting.internal;

import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/** Prometheus's notifier self-metrics; per-Alertmanager series are labeled {@code alertmanager="<url>"}. */
final class NotifierMetrics {

    /** Counters of one Alertmanager. */
    static final class PerTarget {
        final LongAdder sent = new LongAdder();
        final LongAdder errors = new LongAdder();
        final DoubleAdder latencySum = new DoubleAdder();
        final LongAdder latencyCount = new LongAdder();
        /** The last 1,024 latencies, for the summary's quantiles (Prometheus: a 10 m window). */
        private final double[] recent = new double[1024];
        private long observed;

        synchronized void observeLatency(double seconds) {
            latencySum.add(seconds);
            latencyCount.increment();
            recent[(int) (observed++ % recent.length)] = seconds;
        }

        synchronized double quantile(double q) {
            int n = (int) Math.min(observed, recent.length);
            if (n == 0) {
                return Double.NaN;
            }
            double[] sorted = java.util.Arrays.copyOf(recent, n);
            java.util.Arrays.sort(sorted);
            return sorted[Math.max(0, Math.min(n - 1, (int) Math.ceil(q * n) - 1))];
        }
    }

    final LongAdder dropped = new LongAdder();
    private final Map<String, PerTarget> targets = new ConcurrentHashMap<>();

    PerTarget target(String url) {
        return targets.computeIfAbsent(url, u -> new PerTarget());
    }

    void collect(MetricWriter w, int queueLength, int capacity, IntSupplier discovered) {
        Map<String, PerTarget> sorted = new TreeMap<>(targets);
        w.family("prometheus_notifications_latency_seconds", MetricType.SUMMARY,
                "Latency quantiles for sending alert notifications.", "");
        sorted.forEach((url, t) -> {
            for (double q : new double[] {0.5, 0.9, 0.99}) {
                w.sample("prometheus_notifications_latency_seconds", Labels.of("alertmanager", url, "quantile",
                        Double.toString(q)), t.quantile(q));
            }
            w.sample("prometheus_notifications_latency_seconds_sum", Labels.of("alertmanager", url), t.latencySum.sum());
            w.sample("prometheus_notifications_latency_seconds_count", Labels.of("alertmanager", url), t.latencyCount.sum());
        });
        w.family("prometheus_notifications_errors_total", MetricType.COUNTER,
                "Total number of sent alerts affected by errors.", "");
        sorted.forEach((url, t) -> w.sample("prometheus_notifications_errors_total", Labels.of("alertmanager", url), t.errors.sum()));
        w.family("prometheus_notifications_sent_total", MetricType.COUNTER, "Total number of alerts sent.", "");
        sorted.forEach((url, t) -> w.sample("prometheus_notifications_sent_total", Labels.of("alertmanager", url), t.sent.sum()));
        w.family("prometheus_notifications_dropped_total", MetricType.COUNTER,
                "Total number of alerts dropped due to errors when sending to Alertmanager.", "");
        w.sample("prometheus_notifications_dropped_total", dropped.sum());
        w.family("prometheus_notifications_queue_length", MetricType.GAUGE, "The number of alert notifications in the queue.", "");
        w.sample("prometheus_notifications_queue_length", queueLength);
        w.family("prometheus_notifications_queue_capacity", MetricType.GAUGE, "The capacity of the alert notifications queue.", "");
        w.sample("prometheus_notifications_queue_capacity", capacity);
        w.family("prometheus_notifications_alertmanagers_discovered", MetricType.GAUGE,
                "The number of alertmanagers discovered and active.", "");
        w.sample("prometheus_notifications_alertmanagers_discovered", discovered.getAsInt());
    }
}
