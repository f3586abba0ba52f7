package io.promethium.rules.internal.file;

import io.promethium.api.model.Labels;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One rule group as written in a rule file, validated.
 *
 * @param interval the group's {@code interval}, or {@code null} for the global evaluation interval
 * @param queryOffset the group's {@code query_offset}, or {@code null} for the global rule query offset
 * @param limit {@code limit}; 0 for none
 */
public record GroupDef(String file, String name, Duration interval, int limit, Duration queryOffset, Labels labels,
                       List<RuleDef> rules) {
    public GroupDef {
        Objects.requireNonNull(file, "file is null");
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(labels, "labels is null");
        rules = List.copyOf(rules);
    }
}
