package io.promethium.api.notify;

/**
 * Alertmanager's length limits, which count runes (Unicode code points), not UTF-16 chars: a
 * cut never splits a surrogate pair, and a cut text ends with an ellipsis as Alertmanager's
 * {@code TruncateInRunes} does.
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
}
