package io.promethium.promql.ast;

/** What an {@code @} modifier pins evaluation to. */
public enum AtModifier {
    /** No {@code @} modifier. */
    NONE,
    /** {@code @ <timestamp>}: the fixed time in the node's {@code atMillis}. */
    TIMESTAMP,
    /** {@code @ start()}: the start of the query range. */
    START,
    /** {@code @ end()}: the end of the query range. */
    END
}
