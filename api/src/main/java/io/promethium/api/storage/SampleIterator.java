package io.promethium.api.storage;

import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;

/**
 * Walks a series' samples in increasing timestamp order without allocating per sample.
 *
 * <p>{@link #next()} advances and tells whether there is a sample; {@link #timestamp()} and
 * {@link #value()} read it and are undefined before the first successful advance.
 * {@link #seek(long)} moves forward only: to the first sample with a timestamp at or after
 * {@code t}, staying put when the current sample already qualifies.
 *
 * <p><b>Native histograms</b> (since 1.3.0): a series may hold floats, integer histograms and
 * float histograms, one kind per sample. {@link #valueType()} tells which the current sample is;
 * read a float with {@link #value()}, a histogram with {@link #histogram()} or
 * {@link #floatHistogram()}. The histogram objects returned belong to the iterator and <b>may be
 * refilled by its next {@link #next()} or {@link #seek(long)}</b>, so an iterator decodes a chunk
 * into one object instead of allocating per sample; call {@code copy()} on a sample you keep.
 * Iterators written before 1.3.0 only have floats, which the defaults describe.
 *
 * <p><b>Start timestamps</b> (since 1.6.0): a sample may carry the time its counter started
 * counting (Prometheus's created or start timestamp), read with {@link #startTimestamp()}.
 * {@link #NO_START_TIMESTAMP} means the sample has none, as the value 0 does in Prometheus;
 * iterators written before 1.6.0 have none.
 *
 * <p><b>The newest sample</b> (since 1.9.0): {@link #seekLast(long)} lets an iterator that holds
 * its last sample at hand answer it without a forward read.
 *
 * <p><b>Aggregated points</b> (since 1.13.0): {@link #sampleCount()} tells how many raw samples
 * the current point stands for, for a storage answering {@code count_over_time} and
 * {@code avg_over_time} from downsampled aggregates.
 *
 * <p><b>Runs of floats</b> (since 1.14.0): {@link #readFloats} copies the current sample and
 * those after it into arrays in one call, for a reader that walks many samples (a range function
 * over days): a storage copies a decoded chunk's samples in a loop instead of answering three
 * calls per sample.
 */
public interface SampleIterator {

    /** What {@link #startTimestamp()} answers for a sample without a start timestamp (0, as in Prometheus). */
    long NO_START_TIMESTAMP = 0L;

    boolean next();

    /** Advances to the first sample with timestamp >= t; returns whether there is one. Never moves back. */
    boolean seek(long t);

    /** Milliseconds since the epoch. */
    long timestamp();

    /** The current float sample's value; undefined when {@link #valueType()} is a histogram. */
    double value();

    /** The kind of the current sample ({@link ValueType#NONE} before the first advance or after the end). */
    default ValueType valueType() {
        return ValueType.FLOAT;
    }

    /**
     * The current integer histogram sample (when {@link #valueType()} is {@link ValueType#HISTOGRAM}).
     * The iterator may reuse the object on its next advance; copy it to keep it.
     *
     * @throws IllegalStateException when the current sample is not an integer histogram
     */
    default Histogram histogram() {
        throw new IllegalStateException("the current sample is a " + valueType() + ", not a histogram");
    }

    /**
     * The current histogram sample with float counts: a {@link ValueType#FLOAT_HISTOGRAM} as
     * stored, or a {@link ValueType#HISTOGRAM} converted. The iterator may reuse the object on
     * its next advance; copy it to keep it. (The default converts into a new object; iterators
     * override it to reuse one.)
     *
     * @throws IllegalStateException when the current sample is a float
     */
    default FloatHistogram floatHistogram() {
        if (valueType() == ValueType.HISTOGRAM) {
            return histogram().toFloat();
        }
        throw new IllegalStateException("the current sample is a " + valueType() + ", not a histogram");
    }

    /**
     * The current sample's start timestamp in milliseconds since the epoch (since 1.6.0), or
     * {@link #NO_START_TIMESTAMP}; undefined before the first successful advance.
     */
    default long startTimestamp() {
        return NO_START_TIMESTAMP;
    }

    /**
     * Moves straight to the iterator's last sample when that sample is at or before {@code t}
     * and the iterator can reach it without reading the samples before it (since 1.9.0): a
     * head's newest float sample, which an instant query at "now" wants and which a forward read
     * would decode the whole open chunk for. Returns {@code true} when it did: the current sample
     * is then the last one, as {@link #next()} would have left it, and the next advance answers
     * {@code false}. Returns {@code false} without moving when it cannot tell cheaply or the last
     * sample is after {@code t}; the caller then reads forward as usual. Call it only before the
     * first advance. The default always answers {@code false}; an iterator that wraps or picks
     * among others answers {@code false} unless the wrapped iterator's last sample is, unchanged,
     * its own last one ({@link ForwardingSampleIterator} does not forward it).
     */
    default boolean seekLast(long t) {
        return false;
    }

    /**
     * How many raw samples the current point stands for (since 1.13.0): 1 for a raw sample, which
     * is all iterators written before 1.13.0 have. A storage answering a select whose hints'
     * function is {@code count_over_time} or {@code avg_over_time} from downsampled aggregates
     * ({@link SeriesSet#resolution()} above 0) gives each window one point: this is the window's
     * sample count and {@link #value()} their sum, so the function over a range of whole windows
     * is the sum of counts, or the sum of sums over it. Undefined before the first successful advance.
     */
    default long sampleCount() {
        return 1;
    }

    /**
     * Copies samples into {@code ts} and {@code vs} from index {@code off}: the current sample and
     * those after it, while they are floats at or before {@code maxT}, at most {@code max} of them,
     * advancing past each one copied as {@link #next()} would (since 1.14.0). Stale markers are
     * floats and are copied; start timestamps and sample counts are not (read those one sample at
     * a time). Call it only when the iterator stands on a sample (its last advance answered true).
     *
     * @return how many were copied when the iterator then stands on a sample it did not copy (a
     *         histogram, one after {@code maxT}, or one past {@code max}), or {@code ~n} (a
     *         negative number) when it copied {@code n} and reached its end; 0 when the current
     *         sample is not one to copy, without moving
     */
    default int readFloats(long maxT, long[] ts, double[] vs, int off, int max) {
        int n = 0;
        while (n < max) {
            long t = timestamp();
            if (t > maxT || valueType() != ValueType.FLOAT) {
                return n;
            }
            ts[off + n] = t;
            vs[off + n] = value();
            n++;
            if (!next()) {
                return ~n;
            }
        }
        return n;
    }

    /** The error that ended iteration early, or {@code null}. */
    default Throwable error() {
        return null;
    }

    /** An iterator over no samples. */
    static SampleIterator empty() {
        return EmptySampleIterator.INSTANCE;
    }
}
