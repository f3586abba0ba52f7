package io.promethium.config.internal;

import java.util.regex.Pattern;

/**
 * {@code rule_files} and {@code scrape_config_files} patterns as Prometheus accepts them: a
 * {@code *} only in the last path element, and valid Go glob syntax ({@code [} closed, no
 * trailing {@code \}, no empty class).
 */
public final class PathPatterns {

    // Prometheus's patRulePath: wildcards only in the file name.
    private static final Pattern RULE_PATH = Pattern.compile("^[^*]*(\\*[^/]*)?$");

    private PathPatterns() {
    }

    /** Whether Prometheus accepts the pattern in {@code rule_files} / {@code scrape_config_files}. */
    static boolean isValidConfigPattern(String pattern) {
        return RULE_PATH.matcher(pattern).matches() && globSyntaxError(pattern) == null;
    }

    /** Go's {@code filepath.Match} syntax error for the pattern, or null when it is well formed. */
    public static String globSyntaxError(String pattern) {
        int i = 0;
        int n = pattern.length();
        while (i < n) {
            char c = pattern.charAt(i);
            if (c == '\\') {
                if (i + 1 >= n) {
                    return "syntax error in pattern";
                }
                i += 2;
            } else if (c == '[') {
                i++;
                if (i < n && pattern.charAt(i) == '^') {
                    i++;
                }
                int ranges = 0;
                boolean closed = false;
                while (i < n) {
                    if (pattern.charAt(i) == ']' && ranges > 0) {
                        closed = true;
                        i++;
                        break;
                    }
                    int lo = classChar(pattern, i);
                    if (lo < 0) {
                        return "syntax error in pattern";
                    }
                    i += pattern.charAt(i) == '\\' ? 2 : 1;
                    if (i < n && pattern.charAt(i) == '-') {
                        i++;
                        int hi = classChar(pattern, i);
                        if (hi < 0) {
                            return "syntax error in pattern";
                        }
                        i += pattern.charAt(i) == '\\' ? 2 : 1;
                    }
                    ranges++;
                }
                if (!closed) {
                    return "syntax error in pattern";
                }
            } else {
                i++;
            }
        }
        return null;
    }

    /** The character at {@code i} inside a class (after an escape), or -1 when the class ends badly there. */
    private static int classChar(String pattern, int i) {
        if (i >= pattern.length()) {
            return -1;
        }
        char c = pattern.charAt(i);
        if (c == '-' || c == ']') {
            return -1;
        }
        if (c == '\\') {
            return i + 1 < pattern.length() ? pattern.charAt(i + 1) : -1;
        }
        return c;
    }
}
