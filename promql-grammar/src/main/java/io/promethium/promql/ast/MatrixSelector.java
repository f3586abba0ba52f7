package io.promethium.promql.ast;

import static java.util.Objects.requireNonNull;

/**
 * A range vector selector, {@code selector[range]}. The {@code offset} and {@code @} modifiers
 * live on the inner {@link VectorSelector}, whichever side of the brackets they were written.
 */
public record MatrixSelector(VectorSelector selector, long rangeMillis, PositionRange position) implements Expr {

    public MatrixSelector {
        requireNonNull(selector, "selector is null");
        requireNonNull(position, "position is null");
    }

    @Override
    public ValueType type() {
        return ValueType.MATRIX;
    }
}
