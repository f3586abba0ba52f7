package io.promethium.templates.notification;

import io.promethium.templates.TemplateValue;
import java.util.Objects;

/** One label: {@code .Name} and {@code .Value}. */
public record Pair(String name, String value) implements TemplateValue {
    public Pair {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(value, "value is null");
    }

    @Override
    public Object field(String field) {
        return switch (field) {
            case "Name" -> name;
            case "Value" -> value;
            default -> NO_FIELD;
        };
    }

    /** Go's {@code Pair} has no JSON tags: its field names. */
    @Override
    public Object json() {
        java.util.LinkedHashMap<String, Object> fields = new java.util.LinkedHashMap<>();
        fields.put("Name", name);
        fields.put("Value", value);
        return fields;
    }

    @Override
    public String typeName() {
        return "template.Pair";
    }

    @Override
    public String toString() {
        return "{" + name + " " + value + "}";
    }
}
