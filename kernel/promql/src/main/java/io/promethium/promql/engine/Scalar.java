package io.promethium.promql.engine;

/** A number at a time (milliseconds). */
public record Scalar(long t, double v) implements Value {
    @Override
    public String typeName() {
        return "scalar";
    }
}
