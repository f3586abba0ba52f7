package io.promethium.tsdb.internal.query;

import io.promethium.api.storage.ForwardingSampleIterator;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.ValueType;

/**
 * Merges sorted sample iterators (a series found in several blocks, or head chunks plus
 * out-of-order samples). On equal timestamps the earlier source wins and the others are skipped.
 * Sources usually follow one another in time, so while the current source stays ahead of every
 * other one it is read without comparing against them.
 */
public final class MergeSampleIterator extends ForwardingSampleIterator {
    private final SampleIterator[] sources;
    private final boolean[] live;
    /**
     * Each live source's current timestamp, kept here so that a seek or a pick reads an array
     * instead of calling every source: blocks follow one another in time, so a seek moves only the
     * source it is in (an instant selector over a week of 11 blocks seeks once per step).
     */
    private final long[] heads;
    private boolean started;
    private int best = -1;
    /** Smallest current timestamp among live sources other than {@code best}. */
    private long otherMin;
    private long t;
    private double v;
    private Throwable error;

    public MergeSampleIterator(SampleIterator[] sources) {
        this.sources = sources;
        this.live = new boolean[sources.length];
        this.heads = new long[sources.length];
    }

    /**
     * An iterator over the merged samples of {@code parts} (one series found in several blocks),
     * made of {@code reuse} and its sources when it is a merge of as many: a query walks hundreds
     * of series merged from a dozen blocks, and a new iterator per block and series, each with its
     * decoded chunk's arrays, was a fifth of the bytes a week-long range query allocated (JFR).
     */
    public static SampleIterator over(Series[] parts, SampleIterator reuse) {
        MergeSampleIterator merge = reuse instanceof MergeSampleIterator m && m.sources.length == parts.length ? m : null;
        SampleIterator[] its = merge != null ? merge.sources : new SampleIterator[parts.length];
        for (int i = 0; i < parts.length; i++) {
            its[i] = parts[i].iterator(its[i]);
        }
        if (merge == null) {
            return new MergeSampleIterator(its);
        }
        merge.started = false;
        merge.best = -1;
        merge.error = null;
        return merge;
    }

    private void start(long target) {
        started = true;
        for (int i = 0; i < sources.length; i++) {
            live[i] = target == Long.MIN_VALUE ? sources[i].next() : sources[i].seek(target);
            noteHead(i);
        }
    }

    /** Notes where source {@code i} stands after it moved: its timestamp, or its error when it stopped. */
    private void noteHead(int i) {
        if (live[i]) {
            heads[i] = sources[i].timestamp();
        } else if (error == null && sources[i].error() != null) {
            error = sources[i].error();
        }
    }

    @Override
    public boolean next() {
        if (!started) {
            start(Long.MIN_VALUE);
            return pick();
        }
        if (best < 0) {
            return false;
        }
        live[best] = sources[best].next();
        noteHead(best);
        if (otherMin == t) {
            // Duplicates of the sample just returned sit in other sources: skip them.
            for (int i = 0; i < sources.length; i++) {
                if (i != best && live[i] && heads[i] == t) {
                    live[i] = sources[i].next();
                    noteHead(i);
                }
            }
            return pick();
        }
        return frontOrPick();
    }

    /**
     * After the source in front moved: it stays in front while it is before every other live
     * source (blocks follow one another in time, so it usually does), else the front is picked again.
     */
    private boolean frontOrPick() {
        if (live[best] && error == null) {
            long ts = heads[best];
            if (ts < otherMin) {
                t = ts;
                v = sources[best].value();
                return true;
            }
        }
        return pick();
    }

    @Override
    public boolean seek(long target) {
        if (!started) {
            start(target);
            return pick();
        }
        if (best >= 0 && t >= target) {
            return true;
        }
        if (best >= 0 && target <= otherMin) {
            // Every other live source stands at or past the target: only the one in front moves.
            live[best] = sources[best].seek(target);
            noteHead(best);
            return frontOrPick();
        }
        for (int i = 0; i < sources.length; i++) {
            // A source at or past the target stays where it is.
            if (live[i] && heads[i] < target) {
                live[i] = sources[i].seek(target);
                noteHead(i);
            }
        }
        return pick();
    }

    /**
     * Hands the run of the source in front to that source's own {@link SampleIterator#readFloats},
     * up to the next sample another source holds; where sources meet it goes a sample at a time.
     */
    @Override
    public int readFloats(long maxT, long[] ts, double[] vs, int off, int max) {
        int n = 0;
        while (n < max) {
            if (best < 0 || t > maxT || sources[best].valueType() != ValueType.FLOAT) {
                return n;
            }
            long limit = Math.min(maxT, otherMin - 1);
            int r = t > limit ? 0 : sources[best].readFloats(limit, ts, vs, off + n, max - n);
            if (r == 0) {
                // Another source holds this timestamp too: next() drops its duplicate.
                ts[off + n] = t;
                vs[off + n] = v;
                n++;
                if (!next()) {
                    return ~n;
                }
                continue;
            }
            n += r < 0 ? ~r : r;
            live[best] = r >= 0;
            noteHead(best);
            if (!frontOrPick()) {
                return ~n;
            }
        }
        return n;
    }

    private boolean pick() {
        best = -1;
        long bestT = Long.MAX_VALUE;
        long second = Long.MAX_VALUE;
        for (int i = 0; i < sources.length; i++) {
            if (!live[i]) {
                continue;
            }
            long ts = heads[i];
            if (ts < bestT) {
                second = bestT;
                best = i;
                bestT = ts;
            } else if (ts < second) {
                second = ts;
            }
        }
        if (best < 0 || error != null) {
            best = -1;
            return false;
        }
        otherMin = second;
        t = bestT;
        v = sources[best].value();
        return true;
    }

    // The chosen source stays on the sample returned until the next advance: its value type,
    // histograms and start timestamp are the current ones.
    @Override
    protected SampleIterator delegate() {
        return best < 0 ? SampleIterator.empty() : sources[best];
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
    public Throwable error() {
        return error;
    }
}
