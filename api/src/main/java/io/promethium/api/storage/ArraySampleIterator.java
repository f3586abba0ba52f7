package io.promethium.api.storage;

import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;

/**
 * Samples held in parallel arrays (timestamps ascending), for storages that answer from memory: a
 * remote read response, rule-test data. Floats in {@code values}; since storage 1.7 also native
 * histograms: where {@code histograms[i]} or {@code floatHistograms[i]} is not null, sample
 * {@code i} is that histogram, handed out as is (nobody refills it). The arrays are not copied;
 * seek only moves forward, as the {@link SampleIterator} contract allows.
 *
 * @since storage 1.4
 */
public final class ArraySampleIterator implements SampleIterator {
    private final long[] ts;
    private final double[] vs;
    private final Histogram[] hs;
    private final FloatHistogram[] fhs;
    private int i = -1;

    public ArraySampleIterator(long[] ts, double[] vs) {
        this(ts, vs, null, null);
    }

    /**
     * Floats and histograms; either histogram array may be null (no histograms of that kind),
     * else it is as long as {@code ts}.
     *
     * @since storage 1.7
     */
    public ArraySampleIterator(long[] ts, double[] vs, Histogram[] histograms, FloatHistogram[] floatHistograms) {
        if (histograms != null && histograms.length < ts.length || floatHistograms != null && floatHistograms.length < ts.length) {
            throw new IllegalArgumentException("histogram arrays shorter than the " + ts.length + " timestamps");
        }
        this.ts = ts;
        this.vs = vs;
        this.hs = histograms;
        this.fhs = floatHistograms;
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
        if (hs != null && hs[i] != null) {
            return ValueType.HISTOGRAM;
        }
        return fhs != null && fhs[i] != null ? ValueType.FLOAT_HISTOGRAM : ValueType.FLOAT;
    }

    @Override
    public Histogram histogram() {
        if (valueType() != ValueType.HISTOGRAM) {
            throw new IllegalStateException("the current sample is a " + valueType() + ", not a histogram");
        }
        return hs[i];
    }

    @Override
    public FloatHistogram floatHistogram() {
        return switch (valueType()) {
            case FLOAT_HISTOGRAM -> fhs[i];
            case HISTOGRAM -> hs[i].toFloat();
            default -> throw new IllegalStateException("the current sample is a " + valueType() + ", not a histogram");
        };
    }
}
