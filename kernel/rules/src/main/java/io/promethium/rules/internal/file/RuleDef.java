package io.promethium.rules.internal.file;

import io.promethium.api.model.Labels;
import io.promethium.promql.ast.Expr;
import io.promethium.rules.RuleType;
import java.time.Duration;
import java.util.Objects;

/**
 * One rule as written in a rule file, validated.
 *
 * @param name the {@code record} or {@code alert} name
 * @param expr the PromQL as written
 * @param parsed the parsed expression
 * @param forDuration {@code for}; zero when absent
 * @param keepFiringFor {@code keep_firing_for}; zero when absent
 * @param labels label templates (alerting) or labels (recording)
 * @param annotations annotation templates; empty for recording rules
 * @param line the line of the rule in its file
 */
public record RuleDef(RuleType type, String name, String expr, Expr parsed, Duration forDuration,
                      Duration keepFiringFor, Labels labels, Labels annotations, int line) {
    public RuleDef {
        Objects.requireNonNull(type, "type is null");
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(expr, "expr is null");
        Objects.requireNonNull(parsed, "parsed is null");
        Objects.requireNonNull(forDuration, "forDuration is null");
        Objects.requireNonNull(keepFiringFor, "keepFiringFor is null");
        Objects.requireNonNull(labels, "labels is null");
        Objects.requireNonNull(annotations, "annotations is null");
    }
}
