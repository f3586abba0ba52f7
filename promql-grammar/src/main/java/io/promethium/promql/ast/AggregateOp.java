package io.promethium.promql.ast;

import java.util.Locale;

/** Aggregation operators. Some take a parameter before the vector, e.g. {@code topk(5, x)}. */
public enum AggregateOp {
    SUM(null, false),
    AVG(null, false),
    COUNT(null, false),
    MIN(null, false),
    MAX(null, false),
    GROUP(null, false),
    STDDEV(null, false),
    STDVAR(null, false),
    TOPK(ValueType.SCALAR, false),
    BOTTOMK(ValueType.SCALAR, false),
    COUNT_VALUES(ValueType.STRING, false),
    QUANTILE(ValueType.SCALAR, false),
    LIMITK(ValueType.SCALAR, true),
    LIMIT_RATIO(ValueType.SCALAR, true);

    private final ValueType paramType;
    private final boolean experimental;

    AggregateOp(ValueType paramType, boolean experimental) {
        this.paramType = paramType;
        this.experimental = experimental;
    }

    /** The keyword as written in PromQL, lower case (e.g. {@code count_values}). */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean hasParam() {
        return paramType != null;
    }

    /** The type of the parameter, or null when the operator takes none. */
    public ValueType paramType() {
        return paramType;
    }

    /** Experimental in Prometheus (behind {@code promql-experimental-functions}). */
    public boolean experimental() {
        return experimental;
    }

    /** The operator for a keyword, case-insensitive, or null. */
    public static AggregateOp fromKeyword(String keyword) {
        String upper = keyword.toUpperCase(Locale.ROOT);
        for (AggregateOp op : values()) {
            if (op.name().equals(upper)) {
                return op;
            }
        }
        return null;
    }
}
