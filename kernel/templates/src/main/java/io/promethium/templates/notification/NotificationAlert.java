package io.promethium.templates.notification;

import io.promethium.templates.GoTime;
import io.promethium.templates.TemplateValue;
import java.util.Objects;

/**
 * One alert as a notification template sees it (Alertmanager's {@code template.Alert}):
 * {@code .Status}, {@code .Labels}, {@code .Annotations}, {@code .StartsAt}, {@code .EndsAt},
 * {@code .GeneratorURL}, {@code .Fingerprint}.
 */
public record NotificationAlert(String status, KV labels, KV annotations, GoTime startsAt, GoTime endsAt,
                                String generatorUrl, String fingerprint) implements TemplateValue {
    public NotificationAlert {
        Objects.requireNonNull(status, "status is null");
        Objects.requireNonNull(labels, "labels is null");
        Objects.requireNonNull(annotations, "annotations is null");
        Objects.requireNonNull(startsAt, "startsAt is null");
        Objects.requireNonNull(endsAt, "endsAt is null");
        generatorUrl = generatorUrl == null ? "" : generatorUrl;
        fingerprint = fingerprint == null ? "" : fingerprint;
    }

    @Override
    public Object field(String name) {
        return switch (name) {
            case "Status" -> status;
            case "Labels" -> labels;
            case "Annotations" -> annotations;
            case "StartsAt" -> startsAt;
            case "EndsAt" -> endsAt;
            case "GeneratorURL" -> generatorUrl;
            case "Fingerprint" -> fingerprint;
            default -> NO_FIELD;
        };
    }

    /** Alertmanager's {@code template.Alert} JSON tags. */
    @Override
    public Object json() {
        java.util.LinkedHashMap<String, Object> fields = new java.util.LinkedHashMap<>();
        fields.put("status", status);
        fields.put("labels", labels);
        fields.put("annotations", annotations);
        fields.put("startsAt", startsAt);
        fields.put("endsAt", endsAt);
        fields.put("generatorURL", generatorUrl);
        fields.put("fingerprint", fingerprint);
        return fields;
    }

    @Override
    public String typeName() {
        return "template.Alert";
    }
}
