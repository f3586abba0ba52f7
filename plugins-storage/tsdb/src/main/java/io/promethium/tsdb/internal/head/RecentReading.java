package io.promethium.tsdb.internal.head;

import static java.util.Objects.requireNonNull;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A reading that is expensive to take (a walk over every series), reused until 100 times the
 * time it took has passed: however often the self-metrics are scraped, taking it costs at most
 * 1% of a core, and it is as fresh as that allows (at 100,000 series, walked in a few
 * milliseconds, it is read again at every scrape; at 10 million, every minute or two).
 */
final class RecentReading<T> {
    /** The reading and when it was taken, published together. */
    private record Taken<T>(T value, long doneNanos, long tookNanos) {
    }

    private final Supplier<T> read;
    private final LongSupplier nanoTime;
    private volatile Taken<T> last;

    RecentReading(Supplier<T> read, LongSupplier nanoTime) {
        this.read = requireNonNull(read, "read is null");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
    }

    T get() {
        Taken<T> l = last;
        long start = nanoTime.getAsLong();
        if (l != null && start - l.doneNanos() < 100 * l.tookNanos()) {
            return l.value();
        }
        // Two scrapes at once may both read; the later publication wins, and both are right.
        T value = read.get();
        long done = nanoTime.getAsLong();
        last = new Taken<>(value, done, done - start);
        return value;
    }
}
