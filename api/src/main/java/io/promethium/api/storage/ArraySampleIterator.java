package io.promethium.api.storage;

/**
 * Float samples held in two parallel arrays (timestamps ascending), for storages that answer
 * from memory: a remote read response, rule-test data. The arrays are not copied; seek only
 * moves forward, as the {@link SampleIterator} contract allows.
 *
 * @since storage 1.4
 */
public final class ArraySampleIterator implements SampleIterator {
    private final long[] ts;
    private final double[] vs;
    private int i = -1;

    public ArraySampleIterator(long[] ts, double[] vs) {
        this.ts = ts;
        this.vs = vs;
    }

    @Override
    public boolean next() {
        return ++i < ts.length;
    }

    @Override
    public boolean seek(long t) {
        if (i < 0) {
            i = 0;
        }
        while (i < ts.length && ts[i] < t) {
            i++;
        }
        return i < ts.length;
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
