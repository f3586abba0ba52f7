package io.promethium.promql.ast;

/**
 * A PromQL expression. Every implementation is an immutable record whose last component is its
 * {@link PositionRange} in the query text.
 */
public sealed interface Expr
        permits NumberLiteral, StringLiteral, VectorSelector, MatrixSelector, SubqueryExpr,
                AggregateExpr, BinaryExpr, Call, ParenExpr, UnaryExpr {

    /** The type of value this expression evaluates to. */
    ValueType type();

    /** Where this expression is written in the query. */
    PositionRange position();
}
