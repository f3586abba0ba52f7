package io.promethium.api.storage;

/**
 * Walks a series' float samples in increasing timestamp order without allocating per sample.
 *
 * <p>{@link #next()} advances and tells whether there is a sample; {@link #timestamp()} and
 * {@link #value()} read it and are undefined before the first successful advance.
 * {@link #seek(long)} moves forward only: to the first sample with a timestamp at or after
 * {@code t}, staying put when the current sample already qualifies.
 */
public interface SampleIterator {

    boolean next();

    /** Advances to the first sample with timestamp >= t; returns whether there is one. Never moves back. */
    boolean seek(long t);

    /** Milliseconds since the epoch. */
    long timestamp();

    double value();

    /** The error that ended iteration early, or {@code null}. */
    default Throwable error() {
        return null;
    }

    /** An iterator over no samples. */
    static SampleIterator empty() {
        return EmptySampleIterator.INSTANCE;
    }
}
