package io.promethium.tsdb.internal.head;

import io.promethium.api.storage.ForwardingSampleIterator;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.ValueType;

/**
 * A head series' samples, its chunks snapshotted at the first advance. {@link #seekLast} answers
 * the series' newest float ({@link MemSeries#newestFloat}) without that snapshot: an instant query
 * at "now" then reads neither the open chunk nor the closed ones' headers.
 */
final class HeadSeriesIterator extends ForwardingSampleIterator {
    private Head head;
    private MemSeries series;
    private long mint;
    private long maxt;
    private long inOrderMin;
    /** The chunk iterator once snapshotted (kept across resets for reuse), and whether it is this series'. */
    private SampleIterator chunks;
    private boolean snapshotted;
    /** Positioned by {@link #seekLast} on the newest sample; {@code done} once moved past it. */
    private boolean atLast;
    private boolean done;
    private long lastT;
    private double lastV;

    void reset(Head head, MemSeries series, long mint, long maxt, long inOrderMin) {
        this.head = head;
        this.series = series;
        this.mint = mint;
        this.maxt = maxt;
        this.inOrderMin = inOrderMin;
        snapshotted = false;
        atLast = false;
        done = false;
    }

    /** Called by {@link MemSeries#newestFloat} under the series' lock. */
    void newest(long t, double v) {
        lastT = t;
        lastV = v;
    }

    @Override
    protected SampleIterator delegate() {
        if (!snapshotted) {
            chunks = head.chunksIterator(series, mint, maxt, inOrderMin, chunks);
            snapshotted = true;
        }
        return chunks;
    }

    @Override
    public boolean seekLast(long t) {
        if (snapshotted || atLast || done || series.hasStarts()) {
            return false;
        }
        atLast = series.newestFloat(mint, maxt, inOrderMin, t, this);
        return atLast;
    }

    @Override
    public boolean next() {
        if (atLast || done) {
            return pastLast();
        }
        return delegate().next();
    }

    @Override
    public boolean seek(long t) {
        if (atLast || done) {
            return !done && t <= lastT || pastLast();
        }
        return delegate().seek(t);
    }

    /** The chunks' runs, unless {@link #seekLast} stands on the newest sample. */
    @Override
    public int readFloats(long maxT, long[] ts, double[] vs, int off, int max) {
        if (atLast || done) {
            return super.readFloats(maxT, ts, vs, off, max);
        }
        return delegate().readFloats(maxT, ts, vs, off, max);
    }

    private boolean pastLast() {
        atLast = false;
        done = true;
        return false;
    }

    @Override
    public long timestamp() {
        return atLast ? lastT : delegate().timestamp();
    }

    @Override
    public double value() {
        return atLast ? lastV : delegate().value();
    }

    @Override
    public ValueType valueType() {
        return atLast ? ValueType.FLOAT : done ? ValueType.NONE : delegate().valueType();
    }

    @Override
    public io.promethium.api.model.Histogram histogram() {
        if (atLast || done) {
            throw new IllegalStateException("the current sample is a " + valueType() + ", not a histogram");
        }
        return delegate().histogram();
    }

    @Override
    public io.promethium.api.model.FloatHistogram floatHistogram() {
        if (atLast || done) {
            throw new IllegalStateException("the current sample is a " + valueType() + ", not a histogram");
        }
        return delegate().floatHistogram();
    }

    @Override
    public long startTimestamp() {
        return atLast || done ? NO_START_TIMESTAMP : delegate().startTimestamp();
    }

    @Override
    public Throwable error() {
        return atLast || done ? null : delegate().error();
    }
}
