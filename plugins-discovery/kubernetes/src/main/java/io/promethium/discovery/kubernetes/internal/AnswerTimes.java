package io.promethium.discovery.kubernetes.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long a request to the API may wait for its answer (the response's head, a WebSocket's
 * upgrade) before its connection is taken for dead. The API server answers a watch at once and a
 * list as soon as it has the objects (from its watch cache, well under a second), so a request
 * unanswered for seconds most likely went out on a kept-alive connection that a NAT or firewall
 * dropped without a word: nothing else would notice it before the request timeout, as the JDK's
 * client neither pings its connections nor lets them be dropped. (client-go notices such a
 * connection by an HTTP/2 ping after 30 s without a frame, plus 15 s for the answer; Prometheus has
 * no setting for it, so neither has this.) A list may take longer on a large cluster: it may wait
 * {@value #LIST_FACTOR} times the slowest recent list. A list's body may go as long without a byte
 * (see {@link Transport}): a body stalled on a dead connection would otherwise wait for ever, as
 * the JDK's request timeout covers only the answer's head.
 */
final class AnswerTimes {

    /** How long a watch may wait for its answer, and the least a list may. */
    static final Duration MINIMUM = Duration.ofSeconds(5);
    static final int LIST_FACTOR = 4;

    private final long maximumMillis;
    private final long minimumMillis;
    /**
     * The slowest recent list, in nanoseconds (halved with each faster one, so one slow list is
     * forgotten); {@code -1} before any list was answered.
     */
    private final AtomicLong slowestList = new AtomicLong(-1);

    /** @param maximum the request timeout: no request waits longer */
    AnswerTimes(Duration maximum) {
        this(maximum, MINIMUM);
    }

    /**
     * @param maximum the request timeout: no request waits longer
     * @param minimum how long a watch may wait, and the least a list may ({@link #MINIMUM}; shorter in tests)
     */
    AnswerTimes(Duration maximum, Duration minimum) {
        this.maximumMillis = maximum.toMillis();
        this.minimumMillis = minimum.toMillis();
    }

    long watchMillis() {
        return Math.min(maximumMillis, minimumMillis);
    }

    /**
     * {@link #LIST_FACTOR} times the slowest recent list, within {@link #MINIMUM} and the request
     * timeout; the request timeout until a list has been answered (nothing is known of the API
     * yet, and the first list goes on a new connection).
     */
    long listMillis() {
        long known = slowestList.get();
        if (known < 0) {
            return maximumMillis;
        }
        return Math.min(maximumMillis, Math.max(minimumMillis, known * LIST_FACTOR / 1_000_000L));
    }

    /** A list was answered {@code nanos} after it was sent. */
    void listAnswered(long nanos) {
        slowestList.updateAndGet(known -> Math.max(nanos, known / 2));
    }

    /**
     * A list went unanswered within {@code allowedMillis}: the next may wait twice as long, in
     * case the API, not the connection, was slow; answered lists bring the limit back down.
     */
    void listUnanswered(long allowedMillis) {
        long doubled = 2 * allowedMillis * 1_000_000L / LIST_FACTOR;
        slowestList.updateAndGet(known -> Math.max(known, doubled));
    }
}
