package io.promethium.api.model;

import java.util.Objects;

/** The {@code # TYPE}, {@code # HELP} and {@code # UNIT} of a metric family. */
public record Metadata(MetricType type, String help, String unit) {
    public static final Metadata UNKNOWN = new Metadata(MetricType.UNKNOWN, "", "");

    public Metadata {
        Objects.requireNonNull(type, "type is null");
        help = help == null ? "" : help;
        unit = unit == null ? "" : unit;
    }
}
