package io.promethium.api.model;

import java.util.Objects;

/**
 * An OpenMetrics exemplar attached to a sample.
 *
 * @param timestamp milliseconds since the epoch; meaningful only when {@code hasTimestamp}
 */
public record Exemplar(Labels labels, double value, long timestamp, boolean hasTimestamp) {
    public Exemplar {
        Objects.requireNonNull(labels, "labels is null");
    }
}
