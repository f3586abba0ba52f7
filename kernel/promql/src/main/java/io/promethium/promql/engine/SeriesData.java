package io.promethium.promql.engine;

import io.promethium.api.model.Labels;

import static java.util.Objects.requireNonNull;

/**
 * One series of a range matrix: the first {@code length} entries of the arrays hold its samples
 * in time order. The arrays belong to this record; callers must not modify them.
 */
public record SeriesData(Labels labels, long[] timestamps, double[] values, int length) {
    public SeriesData {
        requireNonNull(labels, "labels is null");
        requireNonNull(timestamps, "timestamps is null");
        requireNonNull(values, "values is null");
        if (length < 0 || length > timestamps.length || length > values.length) {
            throw new IllegalArgumentException("length " + length + " out of bounds");
        }
    }
}
