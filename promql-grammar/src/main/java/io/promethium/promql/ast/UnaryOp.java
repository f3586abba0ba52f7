package io.promethium.promql.ast;

/** Unary operators. */
public enum UnaryOp {
    NEG("-"),
    POS("+");

    private final String symbol;

    UnaryOp(String symbol) {
        this.symbol = symbol;
    }

    /** The operator as written in PromQL. */
    public String symbol() {
        return symbol;
    }
}
