package io.promethium.api.discovery;

import io.promethium.api.model.Labels;
import java.util.List;
import java.util.Objects;

/**
 * A set of targets sharing labels, identified by {@code source} within its discoverer. A group
 * with no targets replaces (removes) an earlier group of the same source.
 *
 * @param source stable identity of the group within one discoverer (a file path and index, a DNS name)
 * @param targets one label set per target, each with at least {@code __address__}
 * @param labels labels common to all targets of the group
 */
public record TargetGroup(String source, List<Labels> targets, Labels labels) {
    public TargetGroup {
        Objects.requireNonNull(source, "source is null");
        targets = List.copyOf(targets);
        labels = labels == null ? Labels.EMPTY : labels;
    }
}
