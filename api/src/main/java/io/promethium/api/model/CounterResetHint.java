package io.promethium.api.model;

/**
 * What a histogram sample says about counter resets, as Prometheus's {@code CounterResetHint}
 * (same order, so the ordinal is the wire and chunk value).
 */
public enum CounterResetHint {
    /** Nothing known: a reader detects resets by comparing with the previous sample. */
    UNKNOWN,
    /** A counter reset happened right before this sample. */
    COUNTER_RESET,
    /** No counter reset since the previous sample. */
    NOT_COUNTER_RESET,
    /** A gauge histogram: counts go up and down, there are no resets. */
    GAUGE;

    private static final CounterResetHint[] VALUES = values();

    /** The hint of an ordinal (0..3); anything else is {@link #UNKNOWN}. */
    public static CounterResetHint of(int ordinal) {
        return ordinal >= 0 && ordinal < VALUES.length ? VALUES[ordinal] : UNKNOWN;
    }
}
