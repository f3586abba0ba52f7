package io.promethium.api.storage;

/** The kind of the current sample of a {@link SampleIterator}, as Prometheus's {@code chunkenc.ValueType}. */
public enum ValueType {
    /** No sample (before the first advance or after the end). */
    NONE,
    /** A float: read {@link SampleIterator#value()}. */
    FLOAT,
    /** An integer native histogram: read {@link SampleIterator#histogram()} (or {@link SampleIterator#floatHistogram()}). */
    HISTOGRAM,
    /** A float native histogram: read {@link SampleIterator#floatHistogram()}. */
    FLOAT_HISTOGRAM;

    /** Whether this is one of the two histogram kinds. */
    public boolean isHistogram() {
        return this == HISTOGRAM || this == FLOAT_HISTOGRAM;
    }
}
