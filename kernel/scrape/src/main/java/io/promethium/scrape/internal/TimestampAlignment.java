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

    /** A scrape loop's clock: one per loop, used by its thread only. */
    Clock clock(Duration interval) {
        return new Clock(enabled, interval.toNanos(), Math.min(interval.toNanos() / 100, tolerance.toNanos()));
    }

    /** The timestamps of one loop's scrapes. */
    static final class Clock {
        private final boolean enabled;
        private final long intervalNanos;
        private final long toleranceNanos;
        /** The intended time of the scrape in progress (ms); the first scrape's own time starts the schedule. */
        private long aligned = Long.MIN_VALUE;

        Clock(boolean enabled, long intervalNanos, long toleranceNanos) {
            this.enabled = enabled;
            this.intervalNanos = intervalNanos;
            this.toleranceNanos = toleranceNanos;
        }

        /** The timestamp (ms) to store a scrape starting at {@code nowMillis} with. */
        long timestamp(long nowMillis) {
            if (!enabled || intervalNanos <= 0) {
                return nowMillis;
            }
            if (aligned == Long.MIN_VALUE) {
                aligned = nowMillis;
                return nowMillis;
            }
            long intervalMillis = intervalNanos / 1_000_000L;
            // A skipped slot (an overrun scrape) moves the schedule on by whole intervals.
            if (intervalMillis > 0 && nowMillis - aligned >= intervalMillis) {
                aligned += (nowMillis - aligned) / intervalMillis * intervalMillis;
            }
            long late = nowMillis - aligned;
            return late * 1_000_000L <= toleranceNanos ? aligned : nowMillis;
        }
    }
}
