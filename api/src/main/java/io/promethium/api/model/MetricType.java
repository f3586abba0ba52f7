package io.promethium.api.model;

import java.util.Locale;

/** Metric family types of the text and OpenMetrics formats. */
public enum MetricType {
    COUNTER,
    GAUGE,
    HISTOGRAM,
    GAUGE_HISTOGRAM,
    SUMMARY,
    INFO,
    STATESET,
    UNKNOWN;

    // Computed once: writers call text() for every family they write.
    private final String text = name().equals("GAUGE_HISTOGRAM") ? "gaugehistogram" : name().toLowerCase(Locale.ROOT);

    /** The spelling in {@code # TYPE} lines and the metadata API ({@code gaugehistogram}, {@code unknown}). */
    public String text() {
        return text;
    }

    /** Parses a {@code # TYPE} word; {@code untyped} (text format 0.0.4) means {@link #UNKNOWN}. */
    public static MetricType parse(String text) {
        return switch (text) {
            case "counter" -> COUNTER;
            case "gauge" -> GAUGE;
            case "histogram" -> HISTOGRAM;
            case "gaugehistogram" -> GAUGE_HISTOGRAM;
            case "summary" -> SUMMARY;
            case "info" -> INFO;
            case "stateset" -> STATESET;
            case "unknown", "untyped" -> UNKNOWN;
            default -> throw new IllegalArgumentException("unknown metric type \"" + text + "\"");
        };
    }
}
