package io.promethium.promql.ast;

/** The type of the value an expression evaluates to. */
public enum ValueType {
    SCALAR("scalar"),
    VECTOR("instant vector"),
    MATRIX("range vector"),
    STRING("string");

    private final String documentedName;

    ValueType(String documentedName) {
        this.documentedName = documentedName;
    }

    /** The name Prometheus uses in messages, e.g. {@code "instant vector"}. */
    public String documentedName() {
        return documentedName;
    }

    @Override
    public String toString() {
        return documentedName;
    }
}
