package io.promethium.remote.read;

import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.ValueType;

/**
 * A remote series with native histograms: floats in {@code vs}, and at the indexes where
 * {@code hs} is not null a {@link Histogram} or {@link FloatHistogram} the iterator hands out
 * as is (copies made when the response was decoded, never refilled).
 */
final class MixedSampleIterator implements SampleIterator {
    private final long[] ts;
    private final double[] vs;
    private final Object[] hs;
    private int i = -1;

    MixedSampleIterator(long[] ts, double[] vs, Object[] hs) {
        this.ts = ts;
        this.vs = vs;
        this.hs = hs;
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

    @Override
    public ValueType valueType() {
        if (i < 0 || i >= ts.length) {
            return ValueType.NONE;
        }
        Object h = hs[i];
        return h == null ? ValueType.FLOAT : h instanceof Histogram ? ValueType.HISTOGRAM : ValueType.FLOAT_HISTOGRAM;
    }

    @Override
    public Histogram histogram() {
        if (hs[i] instanceof Histogram h) {
            return h;
        }
        throw new IllegalStateException("the current sample is a " + valueType() + ", not a histogram");
    }

    @Override
    public FloatHistogram floatHistogram() {
        Object h = hs[i];
        if (h instanceof FloatHistogram f) {
            return f;
        }
        if (h instanceof Histogram ih) {
            return ih.toFloat();
        }
        throw new IllegalStateException("the current sample is a float, not a histogram");
    }
}
