package io.promethium.rules.internal.template;

import java.util.Map;
import java.util.Objects;

/**
 * What an alert template sees as dot, as in Prometheus: {@code .Labels}, {@code .ExternalLabels},
 * {@code .ExternalURL} and {@code .Value}.
 */
public record TemplateData(Map<String, String> labels, Map<String, String> externalLabels, String externalUrl,
                           Object value) {
    public TemplateData {
        Objects.requireNonNull(labels, "labels is null");
        Objects.requireNonNull(externalLabels, "externalLabels is null");
        externalUrl = externalUrl == null ? "" : externalUrl;
    }

    /** The value of a field of dot, or null when there is no such field. */
    Object field(String name) {
        return switch (name) {
            case "Labels" -> labels;
            case "ExternalLabels" -> externalLabels;
            case "ExternalURL" -> externalUrl;
            case "Value" -> value;
            default -> NO_FIELD;
        };
    }

    static final Object NO_FIELD = new Object();
}
