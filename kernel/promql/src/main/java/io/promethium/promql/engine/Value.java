package io.promethium.promql.engine;

/** The result of evaluating a PromQL expression. */
public sealed interface Value permits Scalar, StringValue, InstantVector, RangeMatrix {

    /** The type name as the Prometheus HTTP API spells it in {@code resultType}. */
    String typeName();
}
