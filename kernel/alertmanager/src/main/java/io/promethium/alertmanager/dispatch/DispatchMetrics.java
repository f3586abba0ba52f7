package io.promethium.alertmanager.dispatch;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * Counters of notification attempts per integration type, with Alertmanager's names and
 * latency buckets. Lives as long as the bundle, across config reloads.
 */
public final class DispatchMetrics {

    /** Alertmanager's buckets of alertmanager_notification_latency_seconds. */
    public static final double[] LATENCY_BUCKETS = {1, 5, 10, 15, 20};

    /**
     * Alertmanager's (0.34) {@code reason} label values of alertmanager_notifications_failed_total,
     * in its order (notify/util.go {@code Reason}); all are exposed, from 0, as Alertmanager does.
     * The context reasons stay 0: Alertmanager sets them only when its retry loop ends before any
     * attempt returned; Promethium's always makes one attempt (bounded by the deadline), counted
     * by that attempt's failure.
     */
    public static final String[] FAILURE_REASONS = {"other", "clientError", "serverError", "contextCanceled",
        "contextDeadlineExceeded", "authError", "rateLimited"};

    /**
     * The reason of a failure from the HTTP status the destination answered with, as
     * Alertmanager's GetFailureReasonFromStatusCode (401/403 authError, 429 rateLimited, other
     * 4xx clientError, 5xx serverError); {@code other} without a status (an I/O error, a garbage answer).
     */
    static int reason(io.promethium.api.notify.NotifyException failure) {
        int code = failure.statusCode().orElse(0);
        if (code == 401 || code == 403) {
            return 5;
        }
        if (code == 429) {
            return 6;
        }
        return code / 100 == 4 ? 1 : code / 100 == 5 ? 2 : 0;
    }

    /** Counts of one integration type. */
    public static final class PerIntegration {
        public final AtomicLong notifications = new AtomicLong();
        /** Failed notifications by {@link #FAILURE_REASONS} index. */
        public final AtomicLong[] failed = new AtomicLong[FAILURE_REASONS.length];
        public final AtomicLong requests = new AtomicLong();
        public final AtomicLong requestsFailed = new AtomicLong();
        public final AtomicLong[] latencyBuckets = new AtomicLong[LATENCY_BUCKETS.length];
        public final AtomicLong latencyCount = new AtomicLong();
        public final DoubleAdder latencySum = new DoubleAdder();

        PerIntegration() {
            for (int i = 0; i < failed.length; i++) {
                failed[i] = new AtomicLong();
            }
            for (int i = 0; i < latencyBuckets.length; i++) {
                latencyBuckets[i] = new AtomicLong();
            }
        }

        void observe(double seconds) {
            for (int i = 0; i < LATENCY_BUCKETS.length; i++) {
                if (seconds <= LATENCY_BUCKETS[i]) {
                    latencyBuckets[i].incrementAndGet();
                }
            }
            latencyCount.incrementAndGet();
            latencySum.add(seconds);
        }
    }

    private final Map<String, PerIntegration> byIntegration = new ConcurrentHashMap<>();

    public PerIntegration of(String integration) {
        return byIntegration.computeIfAbsent(integration, k -> new PerIntegration());
    }

    public Map<String, PerIntegration> all() {
        return Map.copyOf(byIntegration);
    }
}
