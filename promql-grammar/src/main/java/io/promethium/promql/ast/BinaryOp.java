package io.promethium.promql.ast;

/**
 * Binary operators with Prometheus's precedence (higher binds tighter). Only {@link #POW} is
 * right-associative.
 */
public enum BinaryOp {
    OR("or", 1),
    AND("and", 2),
    UNLESS("unless", 2),
    EQL("==", 3),
    NEQ("!=", 3),
    GTR(">", 3),
    LSS("<", 3),
    GTE(">=", 3),
    LTE("<=", 3),
    ADD("+", 4),
    SUB("-", 4),
    MUL("*", 5),
    DIV("/", 5),
    MOD("%", 5),
    ATAN2("atan2", 5),
    /** {@code </}: a native histogram with only its observations below the right operand. */
    TRIM_UPPER("</", 5),
    /** {@code >/}: a native histogram with only its observations above the right operand. */
    TRIM_LOWER(">/", 5),
    POW("^", 6);

    private final String symbol;
    private final int precedence;

    BinaryOp(String symbol, int precedence) {
        this.symbol = symbol;
        this.precedence = precedence;
    }

    /** The operator as written in PromQL (keywords in lower case). */
    public String symbol() {
        return symbol;
    }

    /** Binding strength: 1 ({@code or}) to 6 ({@code ^}). */
    public int precedence() {
        return precedence;
    }

    public boolean isRightAssociative() {
        return this == POW;
    }

    /** {@code == != > < >= <=}: filters unless {@code bool} is given. */
    public boolean isComparison() {
        return precedence == 3;
    }

    /** {@code </ >/}: trim the native histograms on the left at the float on the right. */
    public boolean isTrim() {
        return this == TRIM_UPPER || this == TRIM_LOWER;
    }

    /** {@code and or unless}: only between instant vectors, always many-to-many. */
    public boolean isSetOperator() {
        return this == AND || this == OR || this == UNLESS;
    }

    /** The operator for a symbol or keyword (case-insensitive for keywords), or null. */
    public static BinaryOp fromSymbol(String symbol) {
        for (BinaryOp op : values()) {
            if (op.symbol.equalsIgnoreCase(symbol)) {
                return op;
            }
        }
        return null;
    }
}
