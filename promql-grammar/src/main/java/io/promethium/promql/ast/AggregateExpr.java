package io.promethium.promql.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * An aggregation such as {@code topk by (job) (5, x)}.
 *
 * @param param the parameter for {@code topk}, {@code quantile}, {@code count_values}, ...; null otherwise
 * @param grouping the labels of {@code by (...)} or {@code without (...)}, empty if none
 * @param without true for {@code without}, false for {@code by} or no grouping
 */
public record AggregateExpr(
        AggregateOp op,
        Expr expr,
        Expr param,
        List<String> grouping,
        boolean without,
        PositionRange position) implements Expr {

    public AggregateExpr {
        requireNonNull(op, "op is null");
        requireNonNull(expr, "expr is null");
        grouping = List.copyOf(requireNonNull(grouping, "grouping is null"));
        requireNonNull(position, "position is null");
    }

    @Override
    public ValueType type() {
        return ValueType.VECTOR;
    }
}
