package io.promethium.config.model;

import java.util.Locale;

/** Prometheus's relabel actions; {@link #yamlName()} is the spelling in config. */
public enum RelabelAction {
    REPLACE, KEEP, DROP, KEEPEQUAL, DROPEQUAL, HASHMOD, LABELMAP, LABELDROP, LABELKEEP, LOWERCASE, UPPERCASE;

    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a config spelling; case-insensitive like Prometheus. Returns null when unknown. */
    public static RelabelAction parse(String text) {
        for (RelabelAction action : values()) {
            if (action.yamlName().equalsIgnoreCase(text)) {
                return action;
            }
        }
        return null;
    }
}
