package io.promethium.promql.engine;

import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Labels;

import static java.util.Objects.requireNonNull;

/**
 * One sample of an instant vector: a float {@code v}, or a native histogram {@code h} (then
 * {@code v} is meaningless).
 *
 * @param h the native histogram sample, or null for a float sample (since 1.1)
 */
public record Sample(Labels labels, long t, double v, FloatHistogram h) {
    public Sample {
        requireNonNull(labels, "labels is null");
    }

    /** A float sample. */
    public Sample(Labels labels, long t, double v) {
        this(labels, t, v, null);
    }

    /** Whether this sample is a native histogram. */
    public boolean isHistogram() {
        return h != null;
    }
}
