package io.promethium.api.storage;

import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;

/**
 * A {@link SampleIterator} that hands every call to another one, the base of iterators that wrap
 * one (to check a deadline, to add start timestamps) or pick among several (a merge): a subclass
 * overrides what it changes and inherits the rest, so a method {@code SampleIterator} gains later
 * (histograms in 1.3.0, start timestamps in 1.6.0) reaches the wrapped iterator instead of
 * falling back to the interface's default, which would silently drop it.
 *
 * <p>{@link #delegate()} is asked on every call, so it may change between samples (a merge's
 * current source); it must not change between an advance and the reads of that sample. Not
 * thread-safe, as no iterator is.
 *
 * <p>{@link #seekLast(long)} is an exception: it answers {@code false} (read forward), since a
 * merge's last sample need not be its current source's. {@link #readFloats} is the other: it reads
 * one sample at a time through this iterator's own methods, so a subclass that filters or picks
 * keeps its say over every sample; one that changes no sample may override it to forward.
 *
 * @since storage 1.8
 */
public abstract class ForwardingSampleIterator implements SampleIterator {

    /** For subclasses. */
    protected ForwardingSampleIterator() {
    }

    /** The iterator calls go to now. */
    protected abstract SampleIterator delegate();

    @Override
    public boolean next() {
        return delegate().next();
    }

    @Override
    public boolean seek(long t) {
        return delegate().seek(t);
    }

    /** One sample at a time through this iterator's {@code next()} (see the class comment), not the delegate's run. */
    @Override
    public int readFloats(long maxT, long[] ts, double[] vs, int off, int max) {
        return SampleIterator.super.readFloats(maxT, ts, vs, off, max);
    }

    @Override
    public long timestamp() {
        return delegate().timestamp();
    }

    @Override
    public double value() {
        return delegate().value();
    }

    @Override
    public ValueType valueType() {
        return delegate().valueType();
    }

    @Override
    public Histogram histogram() {
        return delegate().histogram();
    }

    @Override
    public FloatHistogram floatHistogram() {
        return delegate().floatHistogram();
    }

    @Override
    public long startTimestamp() {
        return delegate().startTimestamp();
    }

    @Override
    public long sampleCount() {
        return delegate().sampleCount();
    }

    /**
     * Not forwarded: answers {@code false}, so the caller reads forward (a merge's last sample need
     * not be its current source's). A wrapper that passes samples through unchanged overrides it
     * to forward.
     */
    @Override
    public boolean seekLast(long t) {
        return false;
    }

    @Override
    public Throwable error() {
        return delegate().error();
    }
}
