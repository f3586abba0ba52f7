package io.promethium.tsdb.internal.query;

import io.promethium.api.storage.SampleIterator;

/** Samples held in sorted primitive arrays (out-of-order buffers), bounded to {@code [mint, maxt]}. */
public final class ArraySampleIterator implements SampleIterator {
    private final long[] ts;
    private final double[] vs;
    private final int n;
    private final long maxt;
    private final long[] deleted;
    private int i;

    public ArraySampleIterator(long[] ts, double[] vs, int n, long mint, long maxt, long[] deleted) {
        this.ts = ts;
        this.vs = vs;
        this.n = n;
        this.maxt = maxt;
        this.deleted = deleted;
        int start = 0;
        while (start < n && ts[start] < mint) {
            start++;
        }
        this.i = start - 1;
    }

    @Override
    public boolean next() {
        while (++i < n) {
            if (ts[i] > maxt) {
                i = n;
                return false;
            }
            if (!deleted(ts[i])) {
                return true;
            }
        }
        return false;
    }

    private boolean deleted(long t) {
        if (deleted == null) {
            return false;
        }
        for (int k = 0; k < deleted.length; k += 2) {
            if (t >= deleted[k] && t <= deleted[k + 1]) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean seek(long t) {
        if (i >= 0 && i < n && ts[i] >= t) {
            return true;
        }
        while (next()) {
            if (ts[i] >= t) {
                return true;
            }
        }
        return false;
    }

    @Override
    public long timestamp() {
        return ts[i];
    }

    @Override
    public double value() {
        return vs[i];
    }
}
