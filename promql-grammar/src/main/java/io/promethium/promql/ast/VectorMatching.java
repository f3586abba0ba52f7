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
 */
public record VectorMatching(Cardinality card, List<String> matchingLabels, boolean on, List<String> include) {

    public VectorMatching {
        requireNonNull(card, "card is null");
        matchingLabels = List.copyOf(requireNonNull(matchingLabels, "matchingLabels is null"));
        include = List.copyOf(requireNonNull(include, "include is null"));
    }
}
