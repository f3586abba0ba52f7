package io.promethium.config.model;

import java.util.Objects;

/**
 * Prometheus 3's {@code metric_name_validation_scheme} and {@code metric_name_escaping_scheme}
 * (global and per scrape config), with the defaults already applied: UTF-8 validation and
 * {@code allow-utf-8} unless {@code legacy} is written, whose default escaping is
 * {@code underscores}. The escaping scheme is only what a scrape asks for in its {@code Accept}
 * header ({@code escaping=}); the validation scheme decides which scraped names are refused.
 */
public record MetricNameScheme(Validation validation, Escaping escaping) {

    /** Prometheus 3's defaults. */
    public static final MetricNameScheme DEFAULT = new MetricNameScheme(Validation.UTF8, Escaping.ALLOW_UTF8);

    public MetricNameScheme {
        Objects.requireNonNull(validation, "validation is null");
        Objects.requireNonNull(escaping, "escaping is null");
        if (escaping == Escaping.ALLOW_UTF8 && validation != Validation.UTF8) {
            throw new IllegalArgumentException("utf8 metric names requested but validation scheme is not set to UTF8");
        }
    }

    /** {@code metric_name_validation_scheme}. */
    public enum Validation {
        /** Any non-empty valid UTF-8 name (Prometheus 3's default). */
        UTF8("utf8"),
        /** {@code [a-zA-Z_:][a-zA-Z0-9_:]*} for metric names, {@code [a-zA-Z_][a-zA-Z0-9_]*} for label names. */
        LEGACY("legacy");

        private final String yamlName;

        Validation(String yamlName) {
            this.yamlName = yamlName;
        }

        public String yamlName() {
            return yamlName;
        }

        /** The value as written in YAML, or null when unknown. */
        public static Validation parse(String text) {
            for (Validation v : values()) {
                if (v.yamlName.equals(text)) {
                    return v;
                }
            }
            return null;
        }

        public boolean isValidMetricName(String name) {
            return this == UTF8 ? isValidUtf8Name(name) : isLegacyName(name, true);
        }

        public boolean isValidLabelName(String name) {
            return this == UTF8 ? isValidUtf8Name(name) : isLegacyName(name, false);
        }
    }

    /** {@code metric_name_escaping_scheme}: the {@code escaping=} parameter a scrape asks for. */
    public enum Escaping {
        ALLOW_UTF8("allow-utf-8"),
        UNDERSCORES("underscores"),
        DOTS("dots"),
        VALUES("values");

        private final String yamlName;

        Escaping(String yamlName) {
            this.yamlName = yamlName;
        }

        /** The YAML value, also the {@code escaping=} parameter of the {@code Accept} header. */
        public String yamlName() {
            return yamlName;
        }

        /** The value as written in YAML, or null when unknown. */
        public static Escaping parse(String text) {
            for (Escaping e : values()) {
                if (e.yamlName.equals(text)) {
                    return e;
                }
            }
            return null;
        }

        /** Prometheus's default for a validation scheme: legacy names are escaped with underscores. */
        public static Escaping defaultFor(Validation validation) {
            return validation == Validation.LEGACY ? UNDERSCORES : ALLOW_UTF8;
        }
    }

    private static boolean isLegacyName(String name, boolean colons) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colons && c == ':')
                    || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Non-empty and valid Unicode: Java strings hold UTF-16, so no unpaired surrogate. */
    private static boolean isValidUtf8Name(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= name.length() || !Character.isLowSurrogate(name.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
