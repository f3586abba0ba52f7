package io.promethium.promql.parser.internal;

/**
 * Go's {@code strconv.Quote}: a double-quoted string whose non-printable characters are escaped,
 * printable Unicode kept. Lone surrogates U+DC80..U+DCFF stand for raw bytes (see
 * {@link Literals}) and are written back as {@code \xHH}.
 */
public final class Quoting {

    private Quoting() {
    }

    public static String goQuote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2);
        b.append('"');
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            switch (cp) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case 0x07 -> b.append("\\a");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case 0x0B -> b.append("\\v");
                default -> {
                    if (cp >= 0xDC80 && cp <= 0xDCFF) {
                        b.append(String.format("\\x%02x", cp & 0xFF));
                    } else if (Character.isSurrogate((char) cp) && cp <= 0xFFFF) {
                        b.append(String.format("\\u%04x", cp));
                    } else if (isPrintable(cp)) {
                        b.appendCodePoint(cp);
                    } else if (cp < 0x80) {
                        b.append(String.format("\\x%02x", cp));
                    } else if (cp <= 0xFFFF) {
                        b.append(String.format("\\u%04x", cp));
                    } else {
                        b.append(String.format("\\U%08x", cp));
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** Roughly Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and ASCII space. */
    private static boolean isPrintable(int cp) {
        if (cp == ' ') {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.NON_SPACING_MARK,
                    Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK, Character.DECIMAL_DIGIT_NUMBER,
                    Character.LETTER_NUMBER, Character.OTHER_NUMBER, Character.CONNECTOR_PUNCTUATION,
                    Character.DASH_PUNCTUATION, Character.START_PUNCTUATION, Character.END_PUNCTUATION,
                    Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION, Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL,
                    Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL -> true;
            default -> false;
        };
    }

    /** Whether {@code name} is a label name that needs no quotes: {@code [a-zA-Z_][a-zA-Z0-9_]*}. */
    public static boolean isLegacyLabelName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code name} is a metric name that needs no quotes: {@code [a-zA-Z_:][a-zA-Z0-9_:]*}. */
    public static boolean isLegacyMetricName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
