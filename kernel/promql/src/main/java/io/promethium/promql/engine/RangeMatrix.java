package io.promethium.promql.engine;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** Series with samples over a time range: a range query's result, or a range selector's value. */
public record RangeMatrix(List<SeriesData> series) implements Value {
    public RangeMatrix {
        requireNonNull(series, "series is null");
        series = List.copyOf(series);
    }

    @Override
    public String typeName() {
        return "matrix";
    }
}
