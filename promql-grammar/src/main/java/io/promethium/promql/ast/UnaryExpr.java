package io.promethium.promql.ast;

import static java.util.Objects.requireNonNull;

/**
 * A unary minus or plus applied to a non-literal ({@code -2} is parsed as the literal -2, as in
 * Prometheus).
 */
public record UnaryExpr(UnaryOp op, Expr expr, PositionRange position) implements Expr {

    public UnaryExpr {
        requireNonNull(op, "op is null");
        requireNonNull(expr, "expr is null");
        requireNonNull(position, "position is null");
    }

    @Override
    public ValueType type() {
        return expr.type();
    }
}
