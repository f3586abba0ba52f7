package io.promethium.templates;

import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Go's order of strings ({@code <} on strings, which printing a map, ranging over one, encoding
 * it to JSON and {@code sortByLabel} all use): by UTF-8 bytes, that is by code point. Java's
 * {@code String.compareTo} compares UTF-16 units, which puts characters beyond U+FFFF (emoji)
 * before U+E000 to U+FFFF; with UTF-8 label names both can be map keys.
 */
final class GoOrder {

    /** Map keys: strings in Go's order, other keys (numbers) in their natural order. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static final Comparator<Object> KEYS = (a, b) -> a instanceof String x && b instanceof String y ? compare(x, y)
            : ((Comparable) a).compareTo(b);

    private GoOrder() {
    }

    static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }

    /** A copy of {@code m} in Go's key order. */
    static <V> TreeMap<Object, V> sorted(Map<?, V> m) {
        TreeMap<Object, V> out = new TreeMap<>(KEYS);
        out.putAll(m);
        return out;
    }
}
