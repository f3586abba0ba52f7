package io.promethium.tsdb.internal.query;

import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.ValueType;
import io.promethium.chunks.ChunkIterator;
import java.util.Arrays;

/**
 * Walks a series' chunks in time order, keeping only samples inside {@code [mint, maxt]} and
 * outside deleted intervals. Seek skips whole chunks by their max time. Subclasses say where the
 * chunk bytes live (head memory or an mmapped block file).
 *
 * <p>A float chunk is decoded whole when opened, into two reused arrays: the walk is then an index
 * over them, and {@link #readFloats} copies runs with {@code System.arraycopy}. Reading a week
 * of samples per sample through the chunk iterator's calls was most of a long range query's time
 * (a JFR profile of {@code rate} over 7 days); a chunk holds 120 samples by default, so decoding
 * the rest of one at a range's edge costs little. Histogram chunks are read one sample at a time.
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
    /** The current chunk's samples when it holds floats ({@code buffered}), and the next one to read. */
    private long[] bts = new long[128];
    private double[] bvs = new double[128];
    private int bpos;
    private int blen;
    private boolean buffered;

    protected void init(long mint, long maxt, long[] deleted) {
        this.mint = mint;
        this.maxt = maxt;
        this.deleted = deleted;
        this.chunk = -1;
        this.current = null;
        this.buffered = false;
        this.bpos = 0;
        this.blen = 0;
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
                if (buffered) {
                    if (deleted == null && bpos < blen && bts[bpos] < lower) {
                        // A seek inside the decoded chunk (an instant selector's every step): a
                        // binary search, not a walk over the samples it passes.
                        int at = Arrays.binarySearch(bts, bpos, blen, lower);
                        bpos = at >= 0 ? at : ~at;
                    }
                    while (bpos < blen) {
                        long ts = bts[bpos++];
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
                        v = bvs[bpos - 1];
                        type = ValueType.FLOAT;
                        return true;
                    }
                } else if (current != null && current.next()) {
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
                if (!nextChunk(lower)) {
                    done = true;
                    type = ValueType.NONE;
                    return false;
                }
            }
        } catch (RuntimeException e) {
            error = e;
            done = true;
            return false;
        }
    }

    /**
     * Copies the current sample and the decoded chunk's run after it in one go; between chunks
     * (or around deleted intervals and histograms) it advances as {@link #next()} does.
     */
    @Override
    public int readFloats(long maxT, long[] ts, double[] vs, int off, int max) {
        int n = 0;
        long limit = Math.min(maxT, maxt);
        while (n < max) {
            if (done || type != ValueType.FLOAT || t > maxT) {
                return n;
            }
            ts[off + n] = t;
            vs[off + n] = v;
            n++;
            if (buffered && deleted == null) {
                int from = bpos;
                int end = Math.min(blen, from + (max - n));
                int i = from;
                if (end > from && bts[end - 1] <= limit) {
                    // The whole rest fits before the limit (a read ahead to the query's end): no walk.
                    i = end;
                } else {
                    while (i < end && bts[i] <= limit) {
                        i++;
                    }
                }
                int k = i - from;
                if (k > 0) {
                    System.arraycopy(bts, from, ts, off + n, k);
                    System.arraycopy(bvs, from, vs, off + n, k);
                    n += k;
                    bpos = i;
                }
            }
            if (!advance(Long.MIN_VALUE)) {
                return ~n;
            }
        }
        return n;
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
            buffered = current.floatSamples();
            if (buffered) {
                int r = current.remaining();
                if (bts.length < r) {
                    bts = new long[r];
                    bvs = new double[r];
                }
                blen = current.drainFloats(bts, bvs);
                bpos = 0;
            }
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
