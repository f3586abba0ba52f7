package io.promethium.web.internal.api;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;

/**
 * Escapes strings as Prometheus's JSON does (Go's {@code encoding/json} with HTML escaping, as
 * jsoniter's standard-library-compatible configuration writes them): {@code <}, {@code >} and
 * {@code &} as six-character {@code &#92;u} escapes ({@code &#92;u003c}); control characters
 * other than newline, carriage return and tab also so (backspace and form feed too); the line and
 * paragraph separators U+2028 and U+2029 as {@code &#92;u2028} and {@code &#92;u2029}; every
 * other character of the BMP as is, in UTF-8. The hexadecimal digits are lower case, as Go's (the
 * generator's {@code WRITE_HEX_UPPER_CASE} is off). One difference is left: a character beyond
 * the BMP (an emoji) goes out as its escaped UTF-16 pair ({@code &#92;ud83d&#92;ude00}), where Go
 * writes its four UTF-8 bytes; the JSON means the same, and Jackson 2.18 combines surrogates only
 * without custom escapes.
 */
final class GoJsonEscapes extends CharacterEscapes {

    private static final SerializedString LINE_SEPARATOR = new SerializedString("\\u2028");
    private static final SerializedString PARAGRAPH_SEPARATOR = new SerializedString("\\u2029");

    private final int[] ascii;

    GoJsonEscapes() {
        ascii = standardAsciiEscapesForJSON();
        ascii['\b'] = ESCAPE_STANDARD;
        ascii['\f'] = ESCAPE_STANDARD;
        ascii['<'] = ESCAPE_STANDARD;
        ascii['>'] = ESCAPE_STANDARD;
        ascii['&'] = ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
        return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
        return switch (ch) {
            case 0x2028 -> LINE_SEPARATOR;
            case 0x2029 -> PARAGRAPH_SEPARATOR;
            default -> null;
        };
    }
}
