package io.promethium.web.internal.metrics;

import io.promethium.api.collect.Collector;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.promethium.web.internal.api.GoFloat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Prometheus's HTTP self-metrics: {@code prometheus_http_requests_total{code,handler}} and the
 * {@code prometheus_http_request_duration_seconds{handler}} histogram, with Prometheus's buckets.
 */
public final class HttpMetrics implements Collector {

    static final double[] BUCKETS = {0.1, 0.2, 0.4, 1, 3, 8, 20, 60, 120};

    private record Key(String code, String handler) {
    }

    private static final class Histogram {
        final LongAdder[] buckets = new LongAdder[BUCKETS.length];
        final LongAdder count = new LongAdder();
        final DoubleAdder sum = new DoubleAdder();

        Histogram() {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }
    }

    private final Map<Key, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, Histogram> durations = new ConcurrentHashMap<>();

    /** Counts one finished request. */
    public void observe(String handler, int status, double seconds) {
        requests.computeIfAbsent(new Key(Integer.toString(status), handler), k -> new LongAdder()).increment();
        Histogram h = durations.computeIfAbsent(handler, k -> new Histogram());
        // Only the first bucket holding it: the cumulative counts are summed when collected.
        for (int i = 0; i < BUCKETS.length; i++) {
            if (seconds <= BUCKETS[i]) {
                h.buckets[i].increment();
                break;
            }
        }
        h.count.increment();
        h.sum.add(seconds);
    }

    /** The count so far for a handler and status (for tests and the admin console). */
    public long count(String handler, int status) {
        LongAdder a = requests.get(new Key(Integer.toString(status), handler));
        return a == null ? 0 : a.sum();
    }

    @Override
    public void collect(MetricWriter writer) {
        writer.family("prometheus_http_requests_total", MetricType.COUNTER, "Counter of HTTP requests.", "");
        Map<Key, LongAdder> sorted = new TreeMap<>((a, b) -> a.handler().equals(b.handler())
                ? a.code().compareTo(b.code()) : a.handler().compareTo(b.handler()));
        sorted.putAll(requests);
        sorted.forEach((k, v) -> writer.sample("prometheus_http_requests_total",
                Labels.of("code", k.code(), "handler", k.handler()), v.sum()));
        writer.family("prometheus_http_request_duration_seconds", MetricType.HISTOGRAM, "Histogram of latencies for HTTP requests.", "");
        new TreeMap<>(durations).forEach((handler, h) -> {
            long cumulative = 0;
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative += h.buckets[i].sum();
                writer.sample("prometheus_http_request_duration_seconds_bucket",
                        Labels.of("handler", handler, "le", GoFloat.format(BUCKETS[i])), cumulative);
            }
            long count = h.count.sum();
            writer.sample("prometheus_http_request_duration_seconds_bucket", Labels.of("handler", handler, "le", "+Inf"), count);
            writer.sample("prometheus_http_request_duration_seconds_sum", Labels.of("handler", handler), h.sum.sum());
            writer.sample("prometheus_http_request_duration_seconds_count", Labels.of("handler", handler), count);
        });
    }
}
