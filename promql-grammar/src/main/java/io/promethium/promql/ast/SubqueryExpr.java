package io.promethium.promql.ast;

import static java.util.Objects.requireNonNull;

/**
 * A subquery, {@code expr[range:step] offset o @ t}.
 *
 * @param stepMillis the resolution, or 0 when omitted ({@code [5m:]}: the default evaluation interval)
 * @param atMillis the {@code @} timestamp in ms when {@code atKind} is {@link AtModifier#TIMESTAMP}, else null
 */
public record SubqueryExpr(
        Expr expr,
        long rangeMillis,
        long stepMillis,
        long offsetMillis,
        Long atMillis,
        AtModifier atKind,
        PositionRange position) implements Expr {

    public SubqueryExpr {
        requireNonNull(expr, "expr is null");
        requireNonNull(atKind, "atKind is null");
        requireNonNull(position, "position is null");
        if ((atKind == AtModifier.TIMESTAMP) != (atMillis != null)) {
            throw new IllegalArgumentException("atMillis must be set exactly when atKind is TIMESTAMP");
        }
    }

    @Override
    public ValueType type() {
        return ValueType.MATRIX;
    }

    /** This subquery with other offset/@ modifiers and position. */
    public SubqueryExpr withModifiers(long offset, Long at, AtModifier kind, PositionRange pos) {
        return new SubqueryExpr(expr, rangeMillis, stepMillis, offset, at, kind, pos);
    }
}
