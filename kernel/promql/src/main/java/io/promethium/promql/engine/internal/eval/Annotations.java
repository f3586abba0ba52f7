package io.promethium.promql.engine.internal.eval;

import io.promethium.promql.ast.PositionRange;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Warnings and infos of one query, formatted as the Prometheus HTTP API returns them:
 * {@code "PromQL warning: <text> (line:col)"}; duplicates are kept once.
 */
final class Annotations {
    private final String query;
    private final Set<String> warnings = new LinkedHashSet<>();
    private final Set<String> infos = new LinkedHashSet<>();

    Annotations(String query) {
        this.query = query;
    }

    void warn(String text, PositionRange position) {
        warnings.add("PromQL warning: " + text + suffix(position));
    }

    void info(String text, PositionRange position) {
        infos.add("PromQL info: " + text + suffix(position));
    }

    /** A storage warning, passed through as is. */
    void storageWarning(String text) {
        warnings.add(text);
    }

    private String suffix(PositionRange position) {
        if (query == null || position == null) {
            return "";
        }
        return " (" + position.line(query) + ":" + position.column(query) + ")";
    }

    /** An empty set for the same query: where one chunk of a parallel read collects its own (see {@link SeriesParallel}). */
    Annotations fresh() {
        return new Annotations(query);
    }

    /** Adds another set's warnings and infos after this one's. */
    void addAll(Annotations other) {
        warnings.addAll(other.warnings);
        infos.addAll(other.infos);
    }

    List<String> warnings() {
        return new ArrayList<>(warnings);
    }

    List<String> infos() {
        return new ArrayList<>(infos);
    }
}
