package io.promethium.scrape;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import java.util.Objects;

/**
 * The metadata of one metric family as one target exposes it.
 *
 * @param target the target's labels ({@code job}, {@code instance}, ...)
 * @param metric the family name
 */
public record TargetMetadata(Labels target, String metric, Metadata metadata) {
    public TargetMetadata {
        Objects.requireNonNull(target, "target is null");
        Objects.requireNonNull(metric, "metric is null");
        Objects.requireNonNull(metadata, "metadata is null");
    }
}
