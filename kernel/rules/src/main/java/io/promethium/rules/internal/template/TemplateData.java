package io.promethium.rules.internal.template;

import io.promethium.templates.TemplateValue;
import java.util.Map;
import java.util.Objects;

/**
 * What an alert template sees as dot, as in Prometheus: {@code .Labels}, {@code .ExternalLabels},
 * {@code .ExternalURL} and {@code .Value}.
 */
public record TemplateData(Map<String, String> labels, Map<String, String> externalLabels, String externalUrl,
                           Object value) implements TemplateValue {
    public TemplateData {
        Objects.requireNonNull(labels, "labels is null");
        Objects.requireNonNull(externalLabels, "externalLabels is null");
        externalUrl = externalUrl == null ? "" : externalUrl;
    }

    @Override
    public Object field(String name) {
        return switch (name) {
            case "Labels" -> labels;
            case "ExternalLabels" -> externalLabels;
            case "ExternalURL" -> externalUrl;
            case "Value" -> value;
            default -> NO_FIELD;
        };
    }

    @Override
    public String typeName() {
        return "*template.tmplData";
    }
}
