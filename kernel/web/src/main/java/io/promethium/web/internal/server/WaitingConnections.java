package io.promethium.web.internal.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.EndPoint;

/**
 * The HTTP/1.1 connections of a server that are waiting on their client: open with no request, or
 * with a request whose headers are not complete yet, each since when. When every slot of
 * {@code --web.max-connections} is held and none frees within a moment, those that have waited two
 * seconds or more are closed to make room, so idle or trickling connections (slowloris, a flood of
 * idle sockets) cannot keep clients with a request out until {@code --web.read-timeout} (5 minutes
 * by default). Go's server, and so Prometheus, lets a new connection wait for that instead. A
 * connection handling a request (headers read, body or answer under way) is never closed to make
 * room.
 */
final class WaitingConnections {

    /**
     * Waiting this long at least before giving way: a client that just connected gets to send its
     * request, and one whose request the server has not read yet (an accepted connection of a burst,
     * on a loaded machine) gets it read.
     */
    static final long MIN_WAIT_NANOS = 2_000_000_000L;

    private final Map<EndPoint, Long> since = new ConcurrentHashMap<>();

    /** {@code endPoint} waits on its client from now (opened, or its last request answered). */
    void waiting(EndPoint endPoint) {
        if (endPoint.isOpen()) {
            since.put(endPoint, System.nanoTime());
        }
    }

    /** {@code endPoint} has a whole request's headers: it is served, not waiting. */
    void busy(EndPoint endPoint) {
        since.remove(endPoint);
    }

    void closed(EndPoint endPoint) {
        since.remove(endPoint);
    }

    /**
     * Closes every connection that has waited {@link #MIN_WAIT_NANOS} or more: all of them at once,
     * so a flood of idle connections is worked through in one pass rather than one per new connection.
     *
     * @return how many were closed, the longest wait among them and its client; null when none qualified
     */
    Evicted closeWaitingLong() {
        long now = System.nanoTime();
        int closed = 0;
        long longest = 0;
        String client = null;
        for (Map.Entry<EndPoint, Long> e : since.entrySet()) {
            EndPoint endPoint = e.getKey();
            long from = e.getValue();
            if (!endPoint.isOpen()) {
                since.remove(endPoint, from); // closed as it was marked waiting
            } else if (now - from >= MIN_WAIT_NANOS && since.remove(endPoint, from)) {
                // Removed only if still waiting since then: not if its headers just completed.
                if (now - from > longest || client == null) {
                    longest = now - from;
                    client = String.valueOf(endPoint.getRemoteSocketAddress());
                }
                endPoint.close(new TimeoutException("closed to make room at --web.max-connections"));
                closed++;
            }
        }
        return closed == 0 ? null : new Evicted(closed, client, longest);
    }

    /** Connections waiting now (tests). */
    int size() {
        return since.size();
    }

    /** What {@link #closeWaitingLong()} closed: how many, and the longest waiting of them. */
    record Evicted(int count, String client, long waitedNanos) {
    }
}
