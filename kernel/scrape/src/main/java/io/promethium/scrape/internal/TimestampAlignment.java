package io.promethium.scrape.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * Prometheus's {@code --scrape.adjust-timestamps} and {@code --scrape.timestamp-tolerance}: a
 * scrape that starts within the tolerance after its intended time is stored at the intended time,
 * so that a target's timestamps stay exactly one interval apart and compress to almost nothing
 * (timer jitter of a millisecond otherwise costs bits on every sample). The tolerance is capped at
 * 1% of the interval, as in Prometheus.
 *
 * @param enabled {@code --scrape.adjust-timestamps} (Prometheus's default: true)
 * @param tolerance {@code --scrape.timestamp-tolerance} (Prometheus's default: 2ms)
 */
record TimestampAlignment(boolean enabled, Duration tolerance) {

    static final TimestampAlignment PROMETHEUS_DEFAULT = new TimestampAlignment(true, Duration.ofMillis(2));

    TimestampAlignment {
        Objects.requireNonNull(tolerance, "tolerance is null");
        if (tolerance.isNegative()) {
            throw new IllegalArgumentException("timestamp tolerance is negative: " + tolerance);
        }
    }

    /** The tolerance for scrapes every {@code interval}: the flag's, at most 1% of the interval (ns). */
    long toleranceNanos(Duration interval) {
        return Math.min(interval.toNanos() / 100, tolerance.toNanos());
    }

    /**
     * The timestamp (ms) to store a scrape with that was due at {@code intendedMillis} (its slot in
     * the loop's schedule, which only moves forward) and starts at {@code nowMillis}. Prometheus
     * derives the schedule from its first scrape; the loop here knows its slots exactly, so a
     * stored timestamp is never before its slot nor the one before.
     */
    long timestamp(long intendedMillis, long nowMillis, long toleranceNanos) {
        long late = nowMillis - intendedMillis;
        return enabled && late >= 0 && late * 1_000_000L <= toleranceNanos ? intendedMillis : nowMillis;
    }
}
