package io.promethium.promql.engine;

import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Labels;

import static java.util.Objects.requireNonNull;

/**
 * One series of a range matrix: the first {@code length} entries of the arrays hold its samples
 * in time order. Callers must not modify the arrays: the series of one answer may share them (a
 * range answer's series with a sample at every step share one array of the steps' times).
 *
 * @param histograms null when the series holds only floats; else a native histogram where entry
 *     {@code i} is not null (then {@code values[i]} is meaningless) (since 1.1)
 */
public record SeriesData(Labels labels, long[] timestamps, double[] values, int length, FloatHistogram[] histograms) {
    public SeriesData {
        requireNonNull(labels, "labels is null");
        requireNonNull(timestamps, "timestamps is null");
        requireNonNull(values, "values is null");
        if (length < 0 || length > timestamps.length || length > values.length || histograms != null && length > histograms.length) {
            throw new IllegalArgumentException("length " + length + " out of bounds");
        }
    }

    /** A series of float samples. */
    public SeriesData(Labels labels, long[] timestamps, double[] values, int length) {
        this(labels, timestamps, values, length, null);
    }

    /** The native histogram at {@code i}, or null when that sample is a float. */
    public FloatHistogram histogram(int i) {
        return histograms == null ? null : histograms[i];
    }
}
