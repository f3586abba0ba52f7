package io.promethium.rules;

import io.promethium.api.model.Labels;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One rule group as last evaluated.
 *
 * @param name the group's name, unique within its file
 * @param file the rule file it was loaded from
 * @param interval how often it is evaluated
 * @param limit the most alerts or series one rule may produce; 0 for no limit
 * @param queryOffset how far in the past the rules' queries are evaluated
 * @param labels labels the group adds to every rule's output
 * @param evaluationTime how long the last evaluation of all its rules took
 * @param lastEvaluation when the last evaluation started, or {@code null} before the first
 * @param rules its rules in file order
 */
public record RuleGroupStatus(String name, String file, Duration interval, int limit, Duration queryOffset,
                              Labels labels, Duration evaluationTime, Instant lastEvaluation,
                              List<RuleStatus> rules) {
    public RuleGroupStatus {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(file, "file is null");
        Objects.requireNonNull(interval, "interval is null");
        Objects.requireNonNull(queryOffset, "queryOffset is null");
        Objects.requireNonNull(labels, "labels is null");
        Objects.requireNonNull(evaluationTime, "evaluationTime is null");
        rules = List.copyOf(rules);
    }
}
