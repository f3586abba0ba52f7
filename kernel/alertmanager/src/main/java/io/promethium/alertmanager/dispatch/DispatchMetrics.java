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

    /** Counts of one integration type. */
    public static final class PerIntegration {
        public final AtomicLong notifications = new AtomicLong();
        public final AtomicLong failed = new AtomicLong();
        public final AtomicLong requests = new AtomicLong();
        public final AtomicLong requestsFailed = new AtomicLong();
        public final AtomicLong[] latencyBuckets = new AtomicLong[LATENCY_BUCKETS.length];
        public final AtomicLong latencyCount = new AtomicLong();
        public final DoubleAdder latencySum = new DoubleAdder();

        PerIntegration() {
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
