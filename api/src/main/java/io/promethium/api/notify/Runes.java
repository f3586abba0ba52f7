package io.promethium.api.notify;

/**
 * Strings as Go sees them, as runes (Unicode code points) rather than UTF-16 chars: Alertmanager's
 * length limits, which count runes (a cut never splits a surrogate pair, and a cut text ends with
 * an ellipsis as Alertmanager's {@code TruncateInRunes} does), and Go's string order
 * ({@link #compare}).
 *
 * @since 1.4
 */
public final class Runes {

    private Runes() {
    }

    /**
     * {@code s} when it has at most {@code max} code points; else its first {@code max - 1}
     * followed by {@code …} (or its first {@code max} with no ellipsis when {@code max <= 3}).
     */
    public static String truncate(String s, int max) {
        if (s.codePointCount(0, s.length()) <= max) {
            return s;
        }
        if (max <= 3) {
            return s.substring(0, s.offsetByCodePoints(0, max));
        }
        return s.substring(0, s.offsetByCodePoints(0, max - 1)) + "…";
    }

    /** Whether {@code s} has more than {@code max} code points, i.e. {@link #truncate} cuts it (to log it). */
    public static boolean longerThan(String s, int max) {
        return s.codePointCount(0, s.length()) > max;
    }

    /**
     * Go's order of strings: by their UTF-8 bytes, which is code point order. It is the order of
     * Go's sorted map keys ({@code encoding/json}, {@code text/template}'s {@code range}, a
     * {@code LabelSet}'s {@code String()}). {@link String#compareTo} differs from it where a
     * character outside the Basic Multilingual Plane (a surrogate pair, such as an emoji) meets
     * one from U+E000 to U+FFFF: Java puts the pair first, Go last.
     *
     * @return negative, zero or positive as {@code a} sorts before, with or after {@code b}
     * @since 1.9
     */
    public static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
