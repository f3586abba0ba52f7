package io.promethium.promql.engine;

import io.promethium.api.model.Labels;

import static java.util.Objects.requireNonNull;

/** One sample of an instant vector. */
public record Sample(Labels labels, long t, double v) {
    public Sample {
        requireNonNull(labels, "labels is null");
    }
}
