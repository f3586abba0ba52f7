package io.promethium.promql.engine;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A query's value with its annotations. Warnings and infos are complete messages as the
 * Prometheus HTTP API returns them, ending with the position of the expression, e.g.
 * {@code "PromQL info: ... (1:6)"}.
 */
public record QueryResult(Value value, List<String> warnings, List<String> infos, QueryStats stats) {
    public QueryResult {
        requireNonNull(value, "value is null");
        warnings = List.copyOf(requireNonNull(warnings, "warnings is null"));
        infos = List.copyOf(requireNonNull(infos, "infos is null"));
        requireNonNull(stats, "stats is null");
    }
}
