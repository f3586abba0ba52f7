package io.promethium.exposition;

import io.promethium.exposition.internal.Names;

/**
 * How a writer presents names outside the legacy character set, as the {@code escaping=}
 * parameter of the {@code Accept}/{@code Content-Type} headers names it (client_golang's
 * {@code model.EscapingScheme}). Legacy-valid names are always written as they are.
 */
public enum NameEscaping {
    /** {@code allow-utf-8}: quoted ({@code {"a.b"}}). */
    ALLOW_UTF8("allow-utf-8"),
    /** {@code underscores}: each character outside the legacy set becomes {@code _} ({@code a_b}). */
    UNDERSCORES("underscores"),
    /** {@code dots}: {@code .} becomes {@code _dot_}, {@code _} and other characters {@code __} ({@code a_dot_b}). */
    DOTS("dots"),
    /** {@code values}: {@code U__} then {@code _} doubled and other characters as {@code _<hex>_} ({@code U__a_2e_b}). */
    VALUES("values");

    private final String headerValue;

    NameEscaping(String headerValue) {
        this.headerValue = headerValue;
    }

    /** The {@code escaping=} parameter value. */
    public String headerValue() {
        return headerValue;
    }

    /**
     * The name a writer using this scheme escaped as {@code name}, as client_golang's
     * {@code model.UnescapeName} gives it: {@code underscores} cannot be undone and
     * {@code allow-utf-8} escapes nothing, so both give {@code name} back; for {@code values}, a name
     * without the {@code U__} prefix or with a malformed escape is given back unchanged.
     *
     * @since 1.7
     */
    public String unescape(String name) {
        return Names.unescape(name, this);
    }

    /** The scheme an {@code escaping=} value names, or null when unknown. */
    public static NameEscaping fromHeaderValue(String value) {
        for (NameEscaping e : values()) {
            if (e.headerValue.equals(value)) {
                return e;
            }
        }
        return null;
    }
}
