package io.promethium.promql.parser.internal;

import io.promethium.api.config.Durations;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * Reads the text of number, duration and string tokens as Prometheus does. A string's escaped
 * bytes that are not valid UTF-8 ({@code "\xff"}) become lone surrogates U+DC80..U+DCFF, one per
 * byte (as Python's "surrogateescape"), so the engine can still tell that the value is not
 * valid UTF-8 and the printer can write the same escapes back.
 */
public final class Literals {

    private Literals() {
    }

    /**
     * A number token: decimal or hex, {@code Inf}/{@code NaN} in any case. As in Prometheus (whose
     * parser tries an integer in base 0 first), a leading zero means octal: {@code 010} is 8.
     */
    public static double number(String text) {
        if (text.equalsIgnoreCase("inf")) {
            return Double.POSITIVE_INFINITY;
        }
        if (text.equalsIgnoreCase("nan")) {
            return Double.NaN;
        }
        if (text.length() > 2 && text.charAt(0) == '0' && (text.charAt(1) == 'x' || text.charAt(1) == 'X')) {
            return new BigInteger(text.substring(2), 16).doubleValue();
        }
        if (text.length() > 1 && text.charAt(0) == '0' && isOctal(text)) {
            return new BigInteger(text.substring(1), 8).doubleValue();
        }
        return Double.parseDouble(text);
    }

    private static boolean isOctal(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '7') {
                return false;
            }
        }
        return true;
    }

    /** A duration such as {@code 1h30m}, in ms; throws IllegalArgumentException with Prometheus's message. */
    public static long durationMillis(String text) {
        return Durations.parse(text).toMillis();
    }

    /**
     * The value of a quoted string token ({@code "..."}, {@code '...'} or {@code `...`}); throws
     * {@link IllegalArgumentException} naming a bad escape.
     */
    public static String unquote(String token) {
        char quote = token.charAt(0);
        String body = token.substring(1, token.length() - 1);
        checkWellFormed(body);
        if (quote == '`' || body.indexOf('\\') < 0) {
            return body;
        }
        StringBuilder out = new StringBuilder(body.length());
        ByteArrayOutputStream bytes = null; // pending raw bytes from \x and octal escapes
        int i = 0;
        while (i < body.length()) {
            char c = body.charAt(i);
            if (c != '\\') {
                bytes = flush(bytes, out);
                out.append(c);
                i++;
                continue;
            }
            if (i + 1 >= body.length()) {
                throw new IllegalArgumentException("escape sequence not terminated");
            }
            char e = body.charAt(i + 1);
            i += 2;
            if (e == 'x' || (e >= '0' && e <= '7')) {
                int value;
                if (e == 'x') {
                    value = hex(body, i, 2);
                    i += 2;
                } else {
                    value = octal(body, i - 1);
                    i += 2;
                }
                if (bytes == null) {
                    bytes = new ByteArrayOutputStream();
                }
                bytes.write(value);
                continue;
            }
            bytes = flush(bytes, out);
            switch (e) {
                case 'a' -> out.append('\u0007');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'v' -> out.append('\u000b');
                case '\\' -> out.append('\\');
                case 'u', 'U' -> {
                    int digits = e == 'u' ? 4 : 8;
                    int cp = hex(body, i, digits);
                    i += digits;
                    if (cp > Character.MAX_CODE_POINT || (cp >= 0xD800 && cp <= 0xDFFF)) {
                        throw new IllegalArgumentException("escape sequence is an invalid Unicode code point");
                    }
                    out.appendCodePoint(cp);
                }
                default -> {
                    if (e != quote) {
                        throw new IllegalArgumentException(String.format("unknown escape sequence U+%04X '%s'", (int) e, e));
                    }
                    out.append(e);
                }
            }
        }
        flush(bytes, out);
        return out.toString();
    }

    /** A lone surrogate in the query text is what invalid UTF-8 decodes to: refused, as Prometheus does. */
    private static void checkWellFormed(String body) {
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < body.length() && Character.isLowSurrogate(body.charAt(i + 1))) {
                    i++;
                } else {
                    throw new IllegalArgumentException("invalid UTF-8 rune");
                }
            }
        }
    }

    private static int hex(String s, int from, int digits) {
        long value = 0;
        for (int k = from; k < from + digits; k++) {
            if (k >= s.length()) {
                throw new IllegalArgumentException("escape sequence not terminated");
            }
            char c = s.charAt(k);
            int d = c < 128 ? Character.digit(c, 16) : -1;
            if (d < 0) {
                throw new IllegalArgumentException(String.format("illegal character U+%04X '%s' in escape sequence", (int) c, c));
            }
            value = value * 16 + d;
        }
        return value > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) value;
    }

    private static int octal(String s, int from) {
        int value = 0;
        for (int k = from; k < from + 3; k++) {
            if (k >= s.length()) {
                throw new IllegalArgumentException("escape sequence not terminated");
            }
            char c = s.charAt(k);
            if (c < '0' || c > '7') {
                throw new IllegalArgumentException(String.format("illegal character U+%04X '%s' in escape sequence", (int) c, c));
            }
            value = value * 8 + (c - '0');
        }
        if (value > 255) {
            throw new IllegalArgumentException("octal escape value > 255: " + value);
        }
        return value;
    }

    /** Appends pending raw bytes as UTF-8, each invalid byte as a lone surrogate; returns null. */
    private static ByteArrayOutputStream flush(ByteArrayOutputStream bytes, StringBuilder out) {
        if (bytes == null || bytes.size() == 0) {
            return null;
        }
        byte[] b = bytes.toByteArray();
        int i = 0;
        while (i < b.length) {
            int len = validSequenceLength(b, i);
            if (len == 0) {
                out.append((char) (0xDC00 | (b[i] & 0xFF)));
                i++;
            } else {
                out.append(new String(b, i, len, StandardCharsets.UTF_8));
                i += len;
            }
        }
        return null;
    }

    /** The length of the well-formed UTF-8 sequence at {@code i}, or 0 if there is none. */
    private static int validSequenceLength(byte[] b, int i) {
        int b0 = b[i] & 0xFF;
        if (b0 < 0x80) {
            return 1;
        }
        int len;
        int min;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            len = 2;
            min = 0x80;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            len = 3;
            min = 0x800;
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            len = 4;
            min = 0x10000;
        } else {
            return 0;
        }
        if (i + len > b.length) {
            return 0;
        }
        int cp = b0 & (0x7F >> len);
        for (int k = 1; k < len; k++) {
            int bk = b[i + k] & 0xFF;
            if ((bk & 0xC0) != 0x80) {
                return 0;
            }
            cp = (cp << 6) | (bk & 0x3F);
        }
        if (cp < min || cp > Character.MAX_CODE_POINT || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return 0;
        }
        return len;
    }
}
