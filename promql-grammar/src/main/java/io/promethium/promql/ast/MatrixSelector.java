package io.promethium.promql.ast;

import static java.util.Objects.requireNonNull;

/**
 * A range vector selector, {@code selector[range]}. The {@code offset} and {@code @} modifiers
 * live on the inner {@link VectorSelector}, whichever side of the brackets they were written.
 *
 * @param rangeExpr the range when written as arithmetic ({@code [2m*3]}, {@code [step()]}), then
 *     {@code rangeMillis} is 0 until the engine resolves it; null for a plain duration (since 1.2)
 */
public record MatrixSelector(VectorSelector selector, long rangeMillis, PositionRange position, DurationExpr rangeExpr)
        implements Expr {

    public MatrixSelector {
        requireNonNull(selector, "selector is null");
        requireNonNull(position, "position is null");
    }

    /** A range selector with a plain duration. */
    public MatrixSelector(VectorSelector selector, long rangeMillis, PositionRange position) {
        this(selector, rangeMillis, position, null);
    }

    /** This selector with another inner selector and position, the range kept (since 1.2). */
    public MatrixSelector withSelector(VectorSelector value, PositionRange pos) {
        return new MatrixSelector(value, rangeMillis, pos, rangeExpr);
    }

    @Override
    public ValueType type() {
        return ValueType.MATRIX;
    }
}
