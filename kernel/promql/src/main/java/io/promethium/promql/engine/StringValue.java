package io.promethium.promql.engine;

import static java.util.Objects.requireNonNull;

/** A string at a time (milliseconds). */
public record StringValue(long t, String s) implements Value {
    public StringValue {
        requireNonNull(s, "s is null");
    }

    @Override
    public String typeName() {
        return "string";
    }
}
