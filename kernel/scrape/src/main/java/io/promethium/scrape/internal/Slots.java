package io.promethium.scrape.internal;

/**
 * A scrape loop's slots: wall-clock times (ms) one interval apart, at a phase within the interval
 * set by a hash of the target, so that a pool's scrapes spread over the interval.
 */
final class Slots {

    private Slots() {
    }

    /** The first slot at or after {@code now}: the phase within the interval set by {@code hash}. */
    static long first(long hash, long intervalMs, long now) {
        long phase = Math.floorMod(hash, intervalMs);
        long first = now - Math.floorMod(now, intervalMs) + phase;
        return first < now ? first + intervalMs : first;
    }

    /** The slot after {@code slot}; when the scrape overran past it, the missed slots are skipped but the phase kept. */
    static long after(long slot, long intervalMs, long now) {
        long next = slot + intervalMs;
        if (next <= now) {
            next += ((now - next) / intervalMs + 1) * intervalMs;
        }
        return next;
    }
}
