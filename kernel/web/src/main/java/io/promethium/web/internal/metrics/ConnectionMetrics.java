package io.promethium.web.internal.metrics;

import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The server's connections, counted by its listeners: accepted and closed as Prometheus's
 * conntrack listener counts them ({@code net_conntrack_listener_conn_accepted_total} and
 * {@code ..._closed_total}, {@code listener_name="http"}, all listen addresses together), the
 * connections open now against {@code --web.max-connections}, and the connections that found
 * every slot of the limit held and had to wait for one, each such moment logged as a warning at
 * most once every {@link ThrottledLog#INTERVAL} (a flood of connections writes one line, not one per
 * connection).
 */
public final class ConnectionMetrics {

    private static final Logger LOG = Logger.getLogger(ConnectionMetrics.class.getName());
    private static final Labels LISTENER = Labels.of("listener_name", "http");

    private final LongAdder accepted = new LongAdder();
    private final LongAdder closed = new LongAdder();
    private final LongAdder limited = new LongAdder();
    private final LongAdder evicted = new LongAdder();
    private final ThrottledLog log;
    private volatile int maxConnections;

    public ConnectionMetrics() {
        this(new ThrottledLog(LOG, Level.WARNING));
    }

    ConnectionMetrics(ThrottledLog log) {
        this.log = Objects.requireNonNull(log, "log is null");
    }

    /** The server's {@code --web.max-connections} (0: no limit), for the gauge beside the open connections. */
    public void maxConnections(int max) {
        maxConnections = max;
    }

    /** A connection accepted and handed to the server (with its slot, under a limit). */
    public void accepted() {
        accepted.increment();
    }

    /** An accepted connection closed (or its set-up failed). */
    public void closed() {
        closed.increment();
    }

    /**
     * A connection accepted while every slot of the limit was held: it waits for one, and so do
     * those behind it in the listen backlog.
     */
    public void limitReached(int limit) {
        limited.increment();
        log.log("max_connections", () -> "all " + limit + " connections of --web.max-connections are open: new connections wait"
                + " to be accepted until one closes (a flood of connections or too low a limit)");
    }

    /**
     * {@code count} connections that had waited two seconds or more on their clients (no request, or
     * its headers incomplete; HTTP/2: no stream open) closed to make room at the limit; the longest had
     * waited {@code waitedNanos}.
     */
    public void evicted(int limit, int count, String client, long waitedNanos) {
        evicted.add(count);
        log.log("max_connections_evicted", () -> String.format(java.util.Locale.ROOT,
                "closed %d connection%s waiting on their clients to make room at --web.max-connections %d: the longest, of %s, had sent"
                        + " no complete request for %.1f s (idle or slow clients holding every connection)",
                count, count == 1 ? "" : "s", limit, client, waitedNanos / 1e9));
    }

    /** Connections closed to make room so far. */
    public long evicted() {
        return evicted.sum();
    }

    /** Connections open now. */
    public long open() {
        return accepted.sum() - closed.sum();
    }

    /** Connections that waited for a slot so far. */
    public long limited() {
        return limited.sum();
    }

    void collect(MetricWriter writer) {
        // Closed before accepted: an open count read from them is never negative.
        long closedNow = closed.sum();
        long acceptedNow = accepted.sum();
        writer.family("net_conntrack_listener_conn_accepted_total", MetricType.COUNTER, "Total number of connections opened to the listener of a given name.", "");
        writer.sample("net_conntrack_listener_conn_accepted_total", LISTENER, acceptedNow);
        writer.family("net_conntrack_listener_conn_closed_total", MetricType.COUNTER, "Total number of connections closed that were made to the listener of a given name.", "");
        writer.sample("net_conntrack_listener_conn_closed_total", LISTENER, closedNow);
        writer.family("promethium_http_connections_open", MetricType.GAUGE, "Connections open on the server's listeners.", "");
        writer.sample("promethium_http_connections_open", Math.max(0, acceptedNow - closedNow));
        writer.family("promethium_http_connections_max", MetricType.GAUGE, "The limit of simultaneous connections, --web.max-connections (0: none).", "");
        writer.sample("promethium_http_connections_max", maxConnections);
        writer.family("promethium_http_connections_limited_total", MetricType.COUNTER,
                "Connections accepted while all --web.max-connections were open, which waited for one to close before they were served.", "");
        writer.sample("promethium_http_connections_limited_total", limited.sum());
        writer.family("promethium_http_connections_evicted_total", MetricType.COUNTER,
                "Connections waiting on their client (no request, or its headers incomplete; HTTP/2: no stream open) for two seconds or more,"
                        + " closed to make room for a new one while all --web.max-connections were open.", "");
        writer.sample("promethium_http_connections_evicted_total", evicted.sum());
    }
}
