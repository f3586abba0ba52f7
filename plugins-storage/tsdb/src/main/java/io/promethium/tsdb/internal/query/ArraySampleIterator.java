package io.promethium.tsdb.internal.query;

import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.ValueType;

/** Samples held in sorted primitive arrays (out-of-order buffers), bounded to {@code [mint, maxt]}. */
public final class ArraySampleIterator implements SampleIterator {
    private final long[] ts;
    private final double[] vs;
    /** Histogram samples (kept copies: a {@link Histogram} or {@link FloatHistogram}), null where the sample is a float; or null for none. */
    private final Object[] hs;
    private final int n;
    private final long maxt;
    private final long[] deleted;
    private int i;

    public ArraySampleIterator(long[] ts, double[] vs, int n, long mint, long maxt, long[] deleted) {
        this(ts, vs, null, n, mint, maxt, deleted);
    }

    /** Over floats and histograms: {@code hs[i]} is the i-th sample's histogram, or null when it is the float {@code vs[i]}. */
    public ArraySampleIterator(long[] ts, double[] vs, Object[] hs, int n, long mint, long maxt, long[] deleted) {
        this.ts = ts;
        this.vs = vs;
        this.hs = hs;
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

    @Override
    public ValueType valueType() {
        if (i < 0 || i >= n) {
            return ValueType.NONE;
        }
        Object h = hs == null ? null : hs[i];
        return h == null ? ValueType.FLOAT : h instanceof Histogram ? ValueType.HISTOGRAM : ValueType.FLOAT_HISTOGRAM;
    }

    @Override
    public Histogram histogram() {
        if (hs != null && hs[i] instanceof Histogram h) {
            return h;
        }
        throw new IllegalStateException("the current sample is not an integer histogram");
    }

    @Override
    public FloatHistogram floatHistogram() {
        Object h = hs == null ? null : hs[i];
        if (h instanceof FloatHistogram f) {
            return f;
        }
        if (h instanceof Histogram ih) {
            return ih.toFloat();
        }
        throw new IllegalStateException("the current sample is not a histogram");
    }
}
