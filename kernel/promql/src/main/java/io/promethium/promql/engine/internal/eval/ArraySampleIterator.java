package io.promethium.promql.engine.internal.eval;

import io.promethium.api.storage.SampleIterator;

/** A {@link SampleIterator} over the first {@code length} entries of primitive arrays (subquery results). */
final class ArraySampleIterator implements SampleIterator {
    private final long[] ts;
    private final double[] vs;
    private final int length;
    private int pos = -1;

    ArraySampleIterator(long[] ts, double[] vs, int length) {
        this.ts = ts;
        this.vs = vs;
        this.length = length;
    }

    @Override
    public boolean next() {
        if (pos < length) {
            pos++;
        }
        return pos < length;
    }

    @Override
    public boolean seek(long t) {
        if (pos < 0) {
            pos = 0;
        }
        while (pos < length && ts[pos] < t) {
            pos++;
        }
        return pos < length;
    }

    @Override
    public long timestamp() {
        return ts[pos];
    }

    @Override
    public double value() {
        return vs[pos];
    }
}
