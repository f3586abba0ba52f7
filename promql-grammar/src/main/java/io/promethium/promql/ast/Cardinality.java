package io.promethium.promql.ast;

/** How samples of the two sides of a binary operation between vectors are matched. */
public enum Cardinality {
    ONE_TO_ONE,
    /** {@code group_left}: many series on the left match one on the right. */
    MANY_TO_ONE,
    /** {@code group_right}: one series on the left matches many on the right. */
    ONE_TO_MANY,
    /** Set operators ({@code and}, {@code or}, {@code unless}). */
    MANY_TO_MANY
}
