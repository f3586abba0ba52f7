package io.promethium.goformat;

/**
 * Strings quoted as Go quotes them: {@code encoding/json}'s string encoding (the HTTP API's error
 * texts, templates' JSON, block metadata, promtool's JSON output) and {@code strconv.Quote}/{@code %q}
 * (PromQL and API error messages). Both were written once per module before; the rules are Go's
 * and belong in one place.
 */
public final class GoStrings {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private GoStrings() {
    }

    /** {@code s} as a JSON string with its quotes, as {@link #appendJson}. */
    public static String json(CharSequence s, boolean escapeHtml) {
        return appendJson(new StringBuilder(s.length() + 2), s, escapeHtml).toString();
    }

    /**
     * Appends {@code s} as Go's {@code encoding/json} writes a string, quotes included: {@code "},
     * {@code \}, newline, carriage return, tab, backspace and form feed as short escapes (Go 1.22+), other control characters and
     * U+2028/U+2029 as {@code \}{@code u00XX}, a lone surrogate (Go: an invalid UTF-8 byte) as
     * U+FFFD; with {@code escapeHtml} (Go's default, {@code json.Marshal}) also {@code <}, {@code >}
     * and {@code &} ({@code Encoder.SetEscapeHTML(false)} leaves them).
     */
    public static StringBuilder appendJson(StringBuilder sb, CharSequence s, boolean escapeHtml) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b"); // Go 1.22 on; older Go wrote a six-character escape
                case '\f' -> sb.append("\\f");
                case '\u2028', '\u2029' -> unicodeEscape(sb, c);
                case '<', '>', '&' -> {
                    if (escapeHtml) {
                        unicodeEscape(sb, c);
                    } else {
                        sb.append(c);
                    }
                }
                default -> {
                    if (c < 0x20) {
                        unicodeEscape(sb, c);
                    } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        sb.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        sb.append('\uFFFD');
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }

    /**
     * Go's {@code strconv.Quote} (also {@code %q}) for the texts error messages quote: quotes,
     * backslashes and the control characters Go has letters for ({@code \a \b \f \n \r \t \v})
     * escaped; other control characters and DEL as {@code \xHH}; a byte that is not valid UTF-8
     * (kept by the parsers as a lone surrogate U+DC80..U+DCFF) as {@code \xHH}. Characters above
     * U+007F are kept as they are (Go escapes the few it does not deem printable).
     */
    public static String quote(CharSequence s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                case '\u0007' -> sb.append("\\a");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\u000B' -> sb.append("\\v");
                default -> {
                    if (c >= 0xDC80 && c <= 0xDCFF && !(i > 0 && Character.isHighSurrogate(s.charAt(i - 1)))) {
                        hexByte(sb, c & 0xFF);
                    } else if (c < 0x20 || c == 0x7F) {
                        hexByte(sb, c);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private static void unicodeEscape(StringBuilder sb, char c) {
        sb.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF]).append(HEX[c >> 4 & 0xF]).append(HEX[c & 0xF]);
    }

    private static void hexByte(StringBuilder sb, int b) {
        sb.append("\\x").append(HEX[b >> 4 & 0xF]).append(HEX[b & 0xF]);
    }
}
