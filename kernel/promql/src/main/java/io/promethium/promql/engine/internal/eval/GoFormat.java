package io.promethium.promql.engine.internal.eval;

import io.promethium.goformat.GoFloat;

/** Number and string formatting the way Prometheus's Go code prints them in labels and messages. */
final class GoFormat {

    private GoFormat() {
    }

    /** Go's {@code %g} and {@code %v}: {@code 1}, {@code 1.5}, {@code 1e+06}, {@code 1e-05}, {@code NaN}, {@code +Inf}. */
    static String number(double v) {
        return GoFloat.formatG(v);
    }

    /** strconv.FormatFloat(v, 'f', -1, 64): never an exponent. */
    static String plain(double v) {
        return GoFloat.formatF(v);
    }

    /**
     * Go's {@code %q}: quotes, backslashes and control characters escaped; a byte that is not
     * valid UTF-8 (the parser keeps it as a lone surrogate U+DC80..U+DCFF) printed as {@code \xHH}.
     */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c >= 0xDC80 && c <= 0xDCFF && !(i > 0 && Character.isHighSurrogate(s.charAt(i - 1)))) {
                        appendHexByte(sb, c & 0xFF);
                    } else if (c < 0x20 || c == 0x7F) {
                        appendHexByte(sb, c);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private static void appendHexByte(StringBuilder sb, int b) {
        sb.append("\\x").append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xF, 16));
    }
}
