package io.promethium.promql.ast;

import static java.util.Objects.requireNonNull;

/**
 * A binary operation.
 *
 * @param matching set exactly when both sides are instant vectors (one-to-one ignoring nothing
 *     when no clause was written; many-to-many for set operators); null otherwise
 * @param returnBool the {@code bool} modifier of a comparison
 */
public record BinaryExpr(
        BinaryOp op,
        Expr lhs,
        Expr rhs,
        VectorMatching matching,
        boolean returnBool,
        PositionRange position) implements Expr {

    public BinaryExpr {
        requireNonNull(op, "op is null");
        requireNonNull(lhs, "lhs is null");
        requireNonNull(rhs, "rhs is null");
        requireNonNull(position, "position is null");
    }

    /** Scalar when both sides are scalars, else instant vector. */
    @Override
    public ValueType type() {
        return lhs.type() == ValueType.SCALAR && rhs.type() == ValueType.SCALAR ? ValueType.SCALAR : ValueType.VECTOR;
    }
}
