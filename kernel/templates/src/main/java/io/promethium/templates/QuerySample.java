package io.promethium.templates;

import io.promethium.api.model.Labels;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** One element of a {@code query} result in a template: {@code .Labels} and {@code .Value}. */
public record QuerySample(Labels labels, double value) {
    public QuerySample {
        Objects.requireNonNull(labels, "labels is null");
    }

    /** The labels as the map templates index ({@code .Labels.job}). */
    public Map<String, String> labelMap() {
        Map<String, String> map = new LinkedHashMap<>();
        labels.forEach(map::put);
        return map;
    }
}
