package io.promethium.push.internal;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One group of pushed metrics, immutable: its grouping key, its families by name with the time
 * each was pushed, the last successful and the last failed change (Unix nanoseconds, 0 for
 * never), and its time to live (0 for none), counted from its last change.
 */
record MetricGroup(GroupingKey key, Map<String, StoredFamily> families, long pushTimeNanos, long failureTimeNanos, long ttlMillis) {

    /** A family as stored, with the time of the push that wrote it. */
    record StoredFamily(MetricFamily family, long pushTimeNanos) {
        StoredFamily {
            requireNonNull(family, "family is null");
        }
    }

    MetricGroup {
        requireNonNull(key, "key is null");
        families = Collections.unmodifiableMap(new TreeMap<>(families));
    }

    static MetricGroup empty(GroupingKey key) {
        return new MetricGroup(key, Map.of(), 0, 0, 0);
    }

    /** The Pushgateway's {@code last_push_successful}: no failure after the last success. */
    boolean lastPushSuccessful() {
        return failureTimeNanos <= pushTimeNanos;
    }

    long lastChangeNanos() {
        return Math.max(pushTimeNanos, failureTimeNanos);
    }

    /** When the group outlives its time to live (Unix time in nanoseconds), or {@link Long#MAX_VALUE} without one. */
    long expiresAtNanos() {
        if (ttlMillis <= 0 || ttlMillis >= (Long.MAX_VALUE - lastChangeNanos()) / 1_000_000L) {
            return Long.MAX_VALUE; // none, or beyond what the clock can say
        }
        return lastChangeNanos() + ttlMillis * 1_000_000L;
    }

    /** Whether the group has outlived its time to live at {@code nowNanos}. */
    boolean expired(long nowNanos) {
        return ttlMillis > 0 && nowNanos - lastChangeNanos() >= ttlMillis * 1_000_000L;
    }

    /** Samples the group exposes: a line per counter/gauge/untyped metric, quantile, bucket, sum and count. */
    int sampleCount() {
        int n = 0;
        for (StoredFamily f : families.values()) {
            for (PushedMetric m : f.family().metrics()) {
                n += switch (f.family().type()) {
                    case COUNTER, GAUGE, UNTYPED -> 1;
                    case SUMMARY -> m.points().size() + 2;
                    case HISTOGRAM -> m.points().size() + 2 + (hasInfBucket(m) ? 0 : 1);
                };
            }
        }
        return n;
    }

    private static boolean hasInfBucket(PushedMetric m) {
        for (PushedMetric.Point p : m.points()) {
            if (p.key() == Double.POSITIVE_INFINITY) {
                return true;
            }
        }
        return false;
    }
}
