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

    /**
     * Scalar when both sides are scalars, else instant vector. Walks a left-nested chain
     * ({@code 1 + 2 + 3 + ...}) in a loop, so a long chain costs no stack.
     */
    @Override
    public ValueType type() {
        BinaryExpr current = this;
        while (true) {
            if (current.matching != null || current.rhs.type() != ValueType.SCALAR) {
                return ValueType.VECTOR;
            }
            if (current.lhs instanceof BinaryExpr left) {
                current = left;
            } else {
                return current.lhs.type() == ValueType.SCALAR ? ValueType.SCALAR : ValueType.VECTOR;
            }
        }
    }
}
