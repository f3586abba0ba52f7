package io.promethium.promql.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * How a binary operation between two instant vectors pairs up series.
 *
 * @param card the cardinality ({@code group_left}/{@code group_right}, or many-to-many for set operators)
 * @param matchingLabels the labels of {@code on(...)} or {@code ignoring(...)}
 * @param on true for {@code on}, false for {@code ignoring} (or no clause: ignoring nothing)
 * @param include the extra labels of {@code group_left(...)} / {@code group_right(...)}
 * @param fillLeft the value a missing left-hand side takes ({@code fill(v)}/{@code fill_left(v)},
 *     Prometheus's experimental {@code promql-binop-fill-modifiers}), or null: unmatched
 *     right-hand series give no result. With {@code group_left}/{@code group_right} "left" is the
 *     "many" side, as Prometheus applies it (since 1.2)
 * @param fillRight the same for a missing right-hand ("one") side, or null (since 1.2)
 */
public record VectorMatching(Cardinality card, List<String> matchingLabels, boolean on, List<String> include,
        Double fillLeft, Double fillRight) {

    /** Matching without fill modifiers. */
    public VectorMatching(Cardinality card, List<String> matchingLabels, boolean on, List<String> include) {
        this(card, matchingLabels, on, include, null, null);
    }

    public VectorMatching {
        requireNonNull(card, "card is null");
        matchingLabels = List.copyOf(requireNonNull(matchingLabels, "matchingLabels is null"));
        include = List.copyOf(requireNonNull(include, "include is null"));
    }
}
