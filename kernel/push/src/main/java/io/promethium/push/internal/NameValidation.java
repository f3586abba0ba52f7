package io.promethium.push.internal;

import io.promethium.exposition.NameEscaping;

/**
 * Which metric and label names a push may carry, as the Pushgateway's
 * {@code --push.enable-utf8-names} chooses: the legacy charsets by default, any UTF-8 name with the
 * flag, a label name in the push URL's path then written escaped as Prometheus's value encoding
 * ({@code U__} then {@code _2e_} for a dot, {@code __} for an underscore).
 */
enum NameValidation {
    /** {@code [a-zA-Z_:][a-zA-Z0-9_:]*} metric names, {@code [a-zA-Z_][a-zA-Z0-9_]*} label names, path names as written. */
    LEGACY,
    /** Any non-empty name; a path label name starting {@code U__} is unescaped. */
    UTF8;

    boolean validMetricName(String name) {
        return this == UTF8 ? !name.isEmpty() : legacy(name, true);
    }

    boolean validLabelName(String name) {
        return this == UTF8 ? !name.isEmpty() : legacy(name, false);
    }

    /** A label name as the push URL's path writes it, unescaped where names may be UTF-8. */
    String pathLabelName(String name) {
        return this == UTF8 ? NameEscaping.VALUES.unescape(name) : name;
    }

    private static boolean legacy(String name, boolean colon) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c == '_' || colon && c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
