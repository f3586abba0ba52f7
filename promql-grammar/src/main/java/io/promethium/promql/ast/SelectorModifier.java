package io.promethium.promql.ast;

/**
 * The experimental modifiers of Prometheus's {@code promql-extended-range-selectors} feature,
 * written after a selector: {@code x[5m] anchored} (the window starts from the last sample at or
 * before its start), {@code x[5m] smoothed} (values at the window's boundaries interpolated from
 * the samples around them), {@code x smoothed} (an instant value interpolated at the time).
 */
public enum SelectorModifier {
    NONE, ANCHORED, SMOOTHED;

    /** The keyword as written, or "" for none. */
    public String keyword() {
        return this == NONE ? "" : name().toLowerCase(java.util.Locale.ROOT);
    }
}
