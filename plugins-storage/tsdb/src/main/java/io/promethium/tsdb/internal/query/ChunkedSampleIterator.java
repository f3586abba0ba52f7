package io.promethium.tsdb.internal.query;

import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.ValueType;
import io.promethium.chunks.ChunkIterator;

/**
 * Walks a series' chunks in time order, keeping only samples inside {@code [mint, maxt]} and
 * outside deleted intervals. Seek skips whole chunks by their max time. Subclasses say where the
 * chunk bytes live (head memory or an mmapped block file).
 */
public abstract class ChunkedSampleIterator implements SampleIterator {
    private long mint;
    private long maxt;
    private long[] deleted;
    private int chunk;
    private ChunkIterator current;
    private long t;
    private double v;
    private ValueType type = ValueType.NONE;
    private boolean done;
    private Throwable error;

    protected void init(long mint, long maxt, long[] deleted) {
        this.mint = mint;
        this.maxt = maxt;
        this.deleted = deleted;
        this.chunk = -1;
        this.current = null;
        this.done = false;
        this.error = null;
        this.type = ValueType.NONE;
    }

    protected abstract int chunkCount();

    protected abstract long chunkMinTime(int index);

    protected abstract long chunkMaxTime(int index);

    /** Positions a (possibly reused) chunk iterator at the start of chunk {@code index}. */
    protected abstract ChunkIterator openChunk(int index, ChunkIterator reuse);

    @Override
    public boolean next() {
        return advance(Long.MIN_VALUE);
    }

    @Override
    public boolean seek(long target) {
        if (done) {
            return false;
        }
        if (current != null && t >= target) {
            return true;
        }
        return advance(target);
    }

    private boolean advance(long target) {
        if (done) {
            return false;
        }
        long lower = Math.max(target, mint);
        try {
            while (true) {
                if (current == null || !current.next()) {
                    if (!nextChunk(lower)) {
                        done = true;
                        type = ValueType.NONE;
                        return false;
                    }
                    continue;
                }
                long ts = current.t();
                if (ts < lower) {
                    continue;
                }
                if (ts > maxt) {
                    done = true;
                    return false;
                }
                if (isDeleted(ts)) {
                    continue;
                }
                t = ts;
                v = current.v();
                type = current.valueType();
                return true;
            }
        } catch (RuntimeException e) {
            error = e;
            done = true;
            return false;
        }
    }

    private boolean nextChunk(long lower) {
        int n = chunkCount();
        while (++chunk < n) {
            if (chunkMaxTime(chunk) < lower) {
                continue;
            }
            if (chunkMinTime(chunk) > maxt) {
                return false;
            }
            current = openChunk(chunk, current);
            return true;
        }
        return false;
    }

    private boolean isDeleted(long ts) {
        long[] d = deleted;
        if (d == null) {
            return false;
        }
        for (int i = 0; i < d.length; i += 2) {
            if (ts >= d[i] && ts <= d[i + 1]) {
                return true;
            }
        }
        return false;
    }

    @Override
    public long timestamp() {
        return t;
    }

    @Override
    public double value() {
        return v;
    }

    @Override
    public ValueType valueType() {
        return type;
    }

    // The chunk iterator has not moved since it produced the current sample.
    @Override
    public Histogram histogram() {
        if (type != ValueType.HISTOGRAM) {
            throw new IllegalStateException("the current sample is a " + type + ", not an integer histogram");
        }
        return current.histogram();
    }

    @Override
    public FloatHistogram floatHistogram() {
        if (!type.isHistogram()) {
            throw new IllegalStateException("the current sample is a " + type + ", not a histogram");
        }
        return current.floatHistogram();
    }

    @Override
    public Throwable error() {
        return error;
    }
}
