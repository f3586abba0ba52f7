package io.promethium.promql.engine;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** A set of samples, one per series, all at the evaluation time. */
public record InstantVector(List<Sample> samples) implements Value {
    public InstantVector {
        requireNonNull(samples, "samples is null");
        samples = List.copyOf(samples);
    }

    @Override
    public String typeName() {
        return "vector";
    }
}
