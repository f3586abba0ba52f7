package io.promethium.tsdb.internal.query;

import io.promethium.api.storage.SampleIterator;

/**
 * Merges sorted sample iterators (a series found in several blocks, or head chunks plus
 * out-of-order samples). On equal timestamps the earlier source wins and the others are skipped.
 */
public final class MergeSampleIterator implements SampleIterator {
    private final SampleIterator[] sources;
    private final boolean[] live;
    private boolean started;
    private long t;
    private double v;
    private Throwable error;

    public MergeSampleIterator(SampleIterator[] sources) {
        this.sources = sources;
        this.live = new boolean[sources.length];
    }

    private void start(long target) {
        started = true;
        for (int i = 0; i < sources.length; i++) {
            live[i] = target == Long.MIN_VALUE ? sources[i].next() : sources[i].seek(target);
            noteError(i);
        }
    }

    private void noteError(int i) {
        if (!live[i] && error == null && sources[i].error() != null) {
            error = sources[i].error();
        }
    }

    @Override
    public boolean next() {
        if (!started) {
            start(Long.MIN_VALUE);
        } else {
            // Move every source sitting on the sample we returned.
            for (int i = 0; i < sources.length; i++) {
                if (live[i] && sources[i].timestamp() == t) {
                    live[i] = sources[i].next();
                    noteError(i);
                }
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
        for (int i = 0; i < sources.length; i++) {
            if (live[i]) {
                live[i] = sources[i].seek(target);
                noteError(i);
            }
        }
        return pick();
    }

    private boolean pick() {
        int best = -1;
        long bestT = Long.MAX_VALUE;
        for (int i = 0; i < sources.length; i++) {
            if (live[i] && sources[i].timestamp() < bestT) {
                best = i;
                bestT = sources[i].timestamp();
            }
        }
        if (best < 0 || error != null) {
            return false;
        }
        t = bestT;
        v = sources[best].value();
        return true;
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
