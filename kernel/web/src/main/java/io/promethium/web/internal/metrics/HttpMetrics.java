package io.promethium.web.internal.metrics;

import io.promethium.api.collect.Collector;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.promethium.goformat.GoFloat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Prometheus's HTTP self-metrics: {@code prometheus_http_requests_total{code,handler}} and the
 * {@code prometheus_http_request_duration_seconds{handler}} histogram, with Prometheus's buckets;
 * and the server's protections at work: connections cut off at {@code --web.read-timeout},
 * requests refused by a limit ({@link Refusals}), the listeners' connections ({@link ConnectionMetrics}).
 */
public final class HttpMetrics implements Collector {

    static final double[] BUCKETS = {0.1, 0.2, 0.4, 1, 3, 8, 20, 60, 120};

    /** Connections closed because their request was not read within {@code --web.read-timeout} (slow clients). */
    private final java.util.concurrent.atomic.AtomicLong readDeadlineExceeded = new java.util.concurrent.atomic.AtomicLong();

    /** The web bundle's own limits are counted from 0; the routes of other bundles add theirs at their first refusal. */
    private final Refusals refusals = new Refusals(Refusals.FORM_BODY_SIZE, Refusals.QUERY_NESTING, Refusals.QUERY_SAMPLES, Refusals.REGEX_COST);
    private final ConnectionMetrics connections = new ConnectionMetrics();

    /** Requests refused by a protective limit, reported by the routes. */
    public Refusals refusals() {
        return refusals;
    }

    /** The listeners' connections. */
    public ConnectionMetrics connections() {
        return connections;
    }

    /** The counter the server's connections add to when they close a request not read within {@code --web.read-timeout}. */
    public java.util.concurrent.atomic.AtomicLong readDeadlineExceeded() {
        return readDeadlineExceeded;
    }

    /**
     * One handler's counters: the request count per status code (an array indexed by the code,
     * so counting a request is no map lookup) and its duration histogram. A route resolves its
     * handler once; the per-request map lookups of a (code, handler) key were a tenth of a small
     * route's CPU (profiled).
     */
    public static final class Handler {
        private final AtomicReferenceArray<LongAdder> byCode = new AtomicReferenceArray<>(MAX_CODE + 1);
        private final LongAdder[] buckets = new LongAdder[BUCKETS.length];
        private final LongAdder count = new LongAdder();
        private final DoubleAdder sum = new DoubleAdder();

        private Handler() {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }

        /** Counts one finished request. */
        public void observe(int status, long nanos) {
            int code = status < 0 || status > MAX_CODE ? 0 : status;
            LongAdder requests = byCode.get(code);
            if (requests == null) {
                byCode.compareAndSet(code, null, new LongAdder());
                requests = byCode.get(code);
            }
            requests.increment();
            double seconds = nanos / 1e9;
            // Only the first bucket holding it: the cumulative counts are summed when collected.
            for (int i = 0; i < BUCKETS.length; i++) {
                if (seconds <= BUCKETS[i]) {
                    buckets[i].increment();
                    break;
                }
            }
            count.increment();
            sum.add(seconds);
        }
    }

    private static final int MAX_CODE = 999;

    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();

    /** The counters of {@code handler} (a route's name, as Prometheus names handlers), made on first use. */
    public Handler handler(String handler) {
        Handler h = handlers.get(handler);
        return h != null ? h : handlers.computeIfAbsent(handler, k -> new Handler());
    }

    /** Counts one finished request. */
    public void observe(String handler, int status, double seconds) {
        handler(handler).observe(status, (long) (seconds * 1e9));
    }

    /** The count so far for a handler and status (for tests and the admin console). */
    public long count(String handler, int status) {
        Handler h = handlers.get(handler);
        LongAdder a = h == null || status < 0 || status > MAX_CODE ? null : h.byCode.get(status);
        return a == null ? 0 : a.sum();
    }

    @Override
    public void collect(MetricWriter writer) {
        Map<String, Handler> sorted = new TreeMap<>(handlers);
        writer.family("prometheus_http_requests_total", MetricType.COUNTER, "Counter of HTTP requests.", "");
        sorted.forEach((name, h) -> {
            // Codes in string order, as before (the same order for three-digit codes).
            for (int code = 0; code <= MAX_CODE; code++) {
                LongAdder a = h.byCode.get(code);
                if (a != null) {
                    writer.sample("prometheus_http_requests_total", Labels.of("code", Integer.toString(code), "handler", name), a.sum());
                }
            }
        });
        writer.family("prometheus_http_request_duration_seconds", MetricType.HISTOGRAM, "Histogram of latencies for HTTP requests.", "");
        sorted.forEach((handler, h) -> {
            long cumulative = 0;
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative += h.buckets[i].sum();
                writer.sample("prometheus_http_request_duration_seconds_bucket",
                        Labels.of("handler", handler, "le", GoFloat.formatJson(BUCKETS[i])), cumulative);
            }
            long count = h.count.sum();
            writer.sample("prometheus_http_request_duration_seconds_bucket", Labels.of("handler", handler, "le", "+Inf"), count);
            writer.sample("prometheus_http_request_duration_seconds_sum", Labels.of("handler", handler), h.sum.sum());
            writer.sample("prometheus_http_request_duration_seconds_count", Labels.of("handler", handler), count);
        });
        writer.family("promethium_http_read_deadline_exceeded_total", MetricType.COUNTER,
                "Connections closed because a request (line, headers and body) was not read within --web.read-timeout.", "");
        writer.sample("promethium_http_read_deadline_exceeded_total", Labels.EMPTY, readDeadlineExceeded.get());
        refusals.collect(writer);
        connections.collect(writer);
    }
}
