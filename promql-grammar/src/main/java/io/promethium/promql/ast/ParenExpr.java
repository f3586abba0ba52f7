package io.promethium.promql.ast;

import static java.util.Objects.requireNonNull;

/** An expression in parentheses, kept so the printer reproduces them. */
public record ParenExpr(Expr expr, PositionRange position) implements Expr {

    public ParenExpr {
        requireNonNull(expr, "expr is null");
        requireNonNull(position, "position is null");
    }

    @Override
    public ValueType type() {
        return expr.type();
    }
}
