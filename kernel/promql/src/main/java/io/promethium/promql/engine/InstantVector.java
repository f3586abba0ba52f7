package io.promethium.promql.engine;

import io.promethium.promql.engine.internal.eval.StepSamples;
import java.util.List;

import static java.util.Objects.requireNonNull;

/** A set of samples, one per series, all at the evaluation time. */
public record InstantVector(List<Sample> samples) implements Value {
    public InstantVector {
        requireNonNull(samples, "samples is null");
        // The engine's own answer is already a read-only view (StepSamples) that makes each
        // sample when asked; copying it would hold one object per series again.
        if (!(samples instanceof StepSamples)) {
            samples = List.copyOf(samples);
        }
    }

    @Override
    public String typeName() {
        return "vector";
    }
}
