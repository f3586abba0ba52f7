package io.promethium.rules;

import io.promethium.api.model.Labels;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One rule as last evaluated.
 *
 * @param type alerting or recording
 * @param name the {@code alert} or {@code record} name
 * @param query the PromQL expression as written
 * @param labels the rule's labels (templates unexpanded)
 * @param annotations the rule's annotations (templates unexpanded); empty for recording rules
 * @param duration the {@code for} duration; zero for recording rules
 * @param keepFiringFor the {@code keep_firing_for} duration; zero for recording rules
 * @param health health after the last evaluation
 * @param lastError the last evaluation's error, or {@code ""}
 * @param evaluationTime how long the last evaluation took
 * @param lastEvaluation when the last evaluation ran, or {@code null} before the first
 * @param state for alerting rules the most severe state of its alerts; {@code null} for recording rules
 * @param alerts for alerting rules its pending and firing alerts; empty for recording rules
 */
public record RuleStatus(RuleType type, String name, String query, Labels labels, Labels annotations,
                         Duration duration, Duration keepFiringFor, RuleHealth health, String lastError,
                         Duration evaluationTime, Instant lastEvaluation, AlertState state,
                         List<ActiveAlert> alerts) {
    public RuleStatus {
        Objects.requireNonNull(type, "type is null");
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(query, "query is null");
        Objects.requireNonNull(labels, "labels is null");
        Objects.requireNonNull(annotations, "annotations is null");
        Objects.requireNonNull(duration, "duration is null");
        Objects.requireNonNull(keepFiringFor, "keepFiringFor is null");
        Objects.requireNonNull(health, "health is null");
        lastError = lastError == null ? "" : lastError;
        Objects.requireNonNull(evaluationTime, "evaluationTime is null");
        alerts = List.copyOf(alerts);
    }
}
