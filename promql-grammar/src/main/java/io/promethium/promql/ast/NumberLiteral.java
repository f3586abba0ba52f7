package io.promethium.promql.ast;

import static java.util.Objects.requireNonNull;

/**
 * A number: decimal, hex, {@code Inf}, {@code NaN}, or a duration read as seconds ({@code 1h}).
 * Two NaN literals are equal (records compare doubles with {@link Double#compare}).
 */
public record NumberLiteral(double value, PositionRange position) implements Expr {

    public NumberLiteral {
        requireNonNull(position, "position is null");
    }

    @Override
    public ValueType type() {
        return ValueType.SCALAR;
    }

}
