package io.promethium.web.internal.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.EndPoint;

/**
 * The connections of a server that are waiting on their client, each since when: an HTTP/1.1
 * connection open with no request, or with a request whose headers are not complete yet; an HTTP/2
 * connection with no stream open (see {@link TrackedHttp2ConnectionFactory}). When every slot of
 * {@code --web.max-connections} is held and none frees within a moment, those that have waited two
 * seconds or more are closed to make room, so idle or trickling connections (slowloris, a flood of
 * idle sockets) cannot keep clients with a request out until {@code --web.read-timeout} (5 minutes
 * by default). Go's server, and so Prometheus, lets a new connection wait for that instead. A
 * connection handling a request (HTTP/1.1: headers read, body or answer under way; HTTP/2: a
 * stream open) is never closed to make room.
 */
final class WaitingConnections {

    /**
     * Waiting this long at least before giving way: a client that just connected gets to send its
     * request, and one whose request the server has not read yet (an accepted connection of a burst,
     * on a loaded machine) gets it read.
     */
    static final long MIN_WAIT_NANOS = 2_000_000_000L;

    /** How a connection waiting long is closed to make room. */
    interface Closer {
        /** @return whether it was closed: false if it turned out busy (an HTTP/2 stream opened meanwhile) */
        boolean close(EndPoint endPoint, TimeoutException why);
    }

    /** HTTP/1.1's: at once, as nothing of a request is under way. */
    private static final Closer CLOSE = (endPoint, why) -> {
        endPoint.close(why);
        return true;
    };

    /** Since when a connection waits, and how it is closed. */
    private record Waiting(long since, Closer closer) {
    }

    private final Map<EndPoint, Waiting> since = new ConcurrentHashMap<>();

    /** {@code endPoint} waits on its client from now (opened, or its last request answered). */
    void waiting(EndPoint endPoint) {
        waiting(endPoint, CLOSE);
    }

    /** {@code endPoint} waits on its client from now, and is closed by {@code closer} to make room. */
    void waiting(EndPoint endPoint, Closer closer) {
        if (endPoint.isOpen()) {
            since.put(endPoint, new Waiting(System.nanoTime(), closer));
        }
    }

    /** {@code endPoint} has a whole request's headers (HTTP/2: a stream open): it is served, not waiting. */
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
        for (Map.Entry<EndPoint, Waiting> e : since.entrySet()) {
            EndPoint endPoint = e.getKey();
            Waiting waiting = e.getValue();
            long from = waiting.since();
            if (!endPoint.isOpen()) {
                since.remove(endPoint, waiting); // closed as it was marked waiting
            } else if (now - from >= MIN_WAIT_NANOS && since.remove(endPoint, waiting)) {
                // Removed only if still waiting since then: not if its headers just completed (or a stream opened).
                String address = String.valueOf(endPoint.getRemoteSocketAddress()); // unknown once closed
                if (waiting.closer().close(endPoint, new TimeoutException("closed to make room at --web.max-connections"))) {
                    if (now - from > longest || client == null) {
                        longest = now - from;
                        client = address;
                    }
                    closed++;
                }
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
