package io.promethium.promql.ast;

import static java.util.Objects.requireNonNull;

/** A string, with escapes already resolved. */
public record StringLiteral(String value, PositionRange position) implements Expr {

    public StringLiteral {
        requireNonNull(value, "value is null");
        requireNonNull(position, "position is null");
    }

    @Override
    public ValueType type() {
        return ValueType.STRING;
    }
}
