package io.promethium.promql.ast;

import static java.util.Objects.requireNonNull;

/**
 * A subquery, {@code expr[range:step] offset o @ t}.
 *
 * @param stepMillis the resolution, or 0 when omitted ({@code [5m:]}: the default evaluation interval)
 * @param atMillis the {@code @} timestamp in ms when {@code atKind} is {@link AtModifier#TIMESTAMP}, else null
 * @param rangeExpr, stepExpr, offsetExpr those durations when written as arithmetic (then their
 *     milliseconds are 0 until the engine resolves them), else null (since 1.2)
 */
public record SubqueryExpr(
        Expr expr,
        long rangeMillis,
        long stepMillis,
        long offsetMillis,
        Long atMillis,
        AtModifier atKind,
        PositionRange position,
        DurationExpr rangeExpr,
        DurationExpr stepExpr,
        DurationExpr offsetExpr) implements Expr {

    /** A subquery whose durations are plain. */
    public SubqueryExpr(Expr expr, long rangeMillis, long stepMillis, long offsetMillis, Long atMillis, AtModifier atKind,
            PositionRange position) {
        this(expr, rangeMillis, stepMillis, offsetMillis, atMillis, atKind, position, null, null, null);
    }

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
        return new SubqueryExpr(expr, rangeMillis, stepMillis, offset, at, kind, pos, rangeExpr, stepExpr, offsetExpr);
    }

    /** This subquery with an offset written as arithmetic (since 1.2). */
    public SubqueryExpr withOffsetExpr(DurationExpr value, PositionRange pos) {
        return new SubqueryExpr(expr, rangeMillis, stepMillis, 0, atMillis, atKind, pos, rangeExpr, stepExpr, value);
    }

    /** This subquery with its inner expression and durations resolved (since 1.2). */
    public SubqueryExpr resolved(Expr inner, long range, long step, long offset) {
        return new SubqueryExpr(inner, range, step, offset, atMillis, atKind, position, null, null, null);
    }
}
