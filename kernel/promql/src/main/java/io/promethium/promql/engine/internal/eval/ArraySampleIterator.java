package io.promethium.promql.engine.internal.eval;

import io.promethium.api.storage.SampleIterator;
import io.promethium.promql.engine.internal.kernel.NativeHistogram;

/** A {@link SampleIterator} over the first {@code length} entries of primitive arrays (subquery results). */
final class ArraySampleIterator implements SampleIterator {
    private final long[] ts;
    private final double[] vs;
    private final int length;
    /** Native histograms where set (null: floats only). */
    private final NativeHistogram[] hs;
    private int pos = -1;

    ArraySampleIterator(long[] ts, double[] vs, int length) {
        this(ts, vs, null, length);
    }

    ArraySampleIterator(long[] ts, double[] vs, NativeHistogram[] hs, int length) {
        this.ts = ts;
        this.vs = vs;
        this.hs = hs;
        this.length = length;
    }

    /** The current sample's histogram, or null for a float: no conversion through the stored form. */
    NativeHistogram nativeHistogram() {
        return hs == null ? null : hs[pos];
    }

    @Override
    public io.promethium.api.storage.ValueType valueType() {
        return hs != null && hs[pos] != null ? io.promethium.api.storage.ValueType.FLOAT_HISTOGRAM
                : io.promethium.api.storage.ValueType.FLOAT;
    }

    @Override
    public io.promethium.api.model.FloatHistogram floatHistogram() {
        return hs[pos].toFloatHistogram();
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
