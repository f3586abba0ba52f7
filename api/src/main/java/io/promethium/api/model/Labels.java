package io.promethium.api.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * An immutable set of label pairs, sorted by name, with unique names. Empty values are dropped:
 * in Prometheus a label with an empty value is the same as no label.
 *
 * <p>Stored as one flat array {@code [name0, value0, name1, value1, ...]} so that a label set
 * costs one object plus its strings. Equality, hashing and ordering follow the pairs in order.
 */
public final class Labels implements Comparable<Labels> {

    /** The metric name label. */
    public static final String METRIC_NAME = "__name__";

    public static final Labels EMPTY = new Labels(new String[0]);

    private final String[] pairs;
    private int hash;

    private Labels(String[] pairs) {
        this.pairs = pairs;
    }

    /** Labels from alternating names and values, in any order; a later duplicate name wins. */
    public static Labels of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("odd number of label names and values: " + namesAndValues.length);
        }
        Builder builder = new Builder(Math.max(2, namesAndValues.length));
        for (int i = 0; i < namesAndValues.length; i += 2) {
            builder.set(namesAndValues[i], namesAndValues[i + 1]);
        }
        return builder.build();
    }

    public static Labels fromMap(Map<String, String> map) {
        Builder builder = new Builder(Math.max(2, 2 * map.size()));
        map.forEach(builder::set);
        return builder.build();
    }

    public static Builder builder() {
        return new Builder(16);
    }

    /**
     * A builder sized for {@code labels} labels, as a reader that knows the count up front (a
     * stored series) has it: a set of exactly that many labels, in order, is built without a copy.
     *
     * @since 1.5
     */
    public static Builder builder(int labels) {
        return new Builder(Math.max(2, 2 * labels));
    }

    /** A builder that starts with these labels, for changing a few of them. */
    public Builder toBuilder() {
        Builder builder = new Builder(Math.max(16, pairs.length));
        for (int i = 0; i < pairs.length; i += 2) {
            builder.set(pairs[i], pairs[i + 1]);
        }
        return builder;
    }

    /** Number of label pairs. */
    public int size() {
        return pairs.length / 2;
    }

    public boolean isEmpty() {
        return pairs.length == 0;
    }

    public String name(int index) {
        return pairs[index * 2];
    }

    public String value(int index) {
        return pairs[index * 2 + 1];
    }

    /** The value of the named label, or {@code ""} when absent (Prometheus's convention). */
    public String get(String name) {
        int index = indexOf(name);
        return index < 0 ? "" : pairs[index * 2 + 1];
    }

    public boolean has(String name) {
        return indexOf(name) >= 0;
    }

    /** The metric name, or {@code ""}. */
    public String metricName() {
        return get(METRIC_NAME);
    }

    private int indexOf(String name) {
        int low = 0;
        int high = size() - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int cmp = compareStrings(pairs[mid * 2], name);
            if (cmp < 0) {
                low = mid + 1;
            } else if (cmp > 0) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < pairs.length; i += 2) {
            action.accept(pairs[i], pairs[i + 1]);
        }
    }

    public List<String> names() {
        List<String> names = new ArrayList<>(size());
        for (int i = 0; i < pairs.length; i += 2) {
            names.add(pairs[i]);
        }
        return List.copyOf(names);
    }

    /** These labels without the named ones. */
    public Labels without(String... names) {
        Builder builder = toBuilder();
        for (String name : names) {
            builder.remove(name);
        }
        return builder.build();
    }

    /**
     * A 64-bit hash of the pairs, stable across processes and versions (FNV-1a over UTF-16 units
     * with separators); used for sharding and {@code hashmod}-like spreading, never for equality.
     */
    public long stableHash() {
        long h = 0xcbf29ce484222325L;
        for (String s : pairs) {
            for (int i = 0; i < s.length(); i++) {
                h ^= s.charAt(i);
                h *= 0x100000001b3L;
            }
            h ^= 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof Labels other && Arrays.equals(pairs, other.pairs));
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Arrays.hashCode(pairs);
            hash = h;
        }
        return h;
    }

    /**
     * Go's order of strings, which Prometheus sorts names and values in: by UTF-8 bytes, that is
     * by code point. Java's {@link String#compareTo} orders UTF-16 code units, which differs only
     * where one string has a character U+E000–U+FFFF and the other a surrogate pair (a character
     * above U+FFFF) at the first difference: the pair sorts last here. Equal strings, and strings
     * whose first differing chars are near each other (ASCII ones), cost the intrinsic
     * {@code compareTo} alone; others a scan to the first difference.
     *
     * @since 1.4
     */
    public static int compareStrings(String a, String b) {
        if (a == b) {
            // Names and the values a block's symbols or the head share: no compare at all.
            return 0;
        }
        int c = a.compareTo(b);
        if (c >= -0x400 && c <= 0x400) {
            // compareTo answers the difference of the first differing chars (or of the lengths). In
            // well-formed UTF-16 the orders part only for a high surrogate against U+E000-U+FFFF, at
            // least 0x401 apart, so nearer chars (every ASCII pair) need no scan.
            return c;
        }
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                if (x >= Character.MIN_SURROGATE && y >= Character.MIN_SURROGATE && Character.isSurrogate(x) != Character.isSurrogate(y)) {
                    return Character.isSurrogate(x) ? 1 : -1;
                }
                return c;
            }
        }
        return c;
    }

    /** {@link #compareStrings} as a comparator, for sorted sets and lists of names or values. @since 1.4 */
    public static final java.util.Comparator<String> STRING_ORDER = Labels::compareStrings;

    /**
     * The sorted union of two lists each sorted by {@code order} and distinct, in one pass: how the
     * answers of several sources (label names, label values in {@link #STRING_ORDER}, label sets)
     * are merged without sorting them again. Returns one of the lists itself when the other is empty.
     *
     * @since 1.5
     */
    public static <T> List<T> sortedUnion(List<T> a, List<T> b, java.util.Comparator<? super T> order) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        List<T> out = new ArrayList<>(a.size() + b.size());
        int i = 0;
        int j = 0;
        while (i < a.size() && j < b.size()) {
            T x = a.get(i);
            T y = b.get(j);
            int c = order.compare(x, y);
            if (c <= 0) {
                out.add(x);
                i++;
                j += c == 0 ? 1 : 0;
            } else {
                out.add(y);
                j++;
            }
        }
        out.addAll(a.subList(i, a.size()));
        out.addAll(b.subList(j, b.size()));
        return out;
    }

    /** Orders pair by pair, names first; a prefix sorts first (Prometheus's labels.Compare, in {@link #compareStrings Go's string order}). */
    @Override
    public int compareTo(Labels other) {
        if (this == other) {
            return 0; // a merge meeting one series' shared label set in several sources
        }
        int n = Math.min(pairs.length, other.pairs.length);
        for (int i = 0; i < n; i++) {
            int cmp = compareStrings(pairs[i], other.pairs[i]);
            if (cmp != 0) {
                return cmp;
            }
        }
        return Integer.compare(pairs.length, other.pairs.length);
    }

    /** Prometheus's notation: {@code {__name__="up", job="x"}}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < pairs.length; i += 2) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(pairs[i]).append("=\"");
            escapeValue(sb, pairs[i + 1]);
            sb.append('"');
        }
        return sb.append('}').toString();
    }

    private static void escapeValue(StringBuilder sb, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c);
            }
        }
    }

    /** Collects label pairs; not thread-safe. Setting an empty value removes the label. */
    public static final class Builder {
        private String[] pairs;
        private int size;
        /** Whether {@code pairs} went into a built set as it is: a further change copies it first. */
        private boolean handedOver;
        /**
         * Whether the names so far are strictly in order: then a name after the last one is new and
         * is appended without a scan, and {@link #build} has nothing to sort. Label sets read back
         * from storage come in order: setting and building them was a fifth of a small block select (profiled).
         */
        private boolean inOrder = true;

        private Builder(int capacity) {
            pairs = new String[capacity];
        }

        public Builder set(String name, String value) {
            Objects.requireNonNull(name, "name is null");
            Objects.requireNonNull(value, "value is null");
            if (inOrder && (size == 0 || compareStrings(pairs[size - 2], name) < 0)) {
                if (!value.isEmpty()) {
                    append(name, value);
                }
                return this;
            }
            for (int i = 0; i < size; i += 2) {
                if (pairs[i].equals(name)) {
                    if (value.isEmpty()) {
                        removeAt(i);
                    } else {
                        unshare();
                        pairs[i + 1] = value;
                    }
                    return this;
                }
            }
            if (value.isEmpty()) {
                return this;
            }
            // Not after the last name (else the fast path above took it): the names leave their order.
            inOrder = false;
            append(name, value);
            return this;
        }

        private void append(String name, String value) {
            if (size == pairs.length || handedOver) {
                pairs = Arrays.copyOf(pairs, size == pairs.length ? pairs.length * 2 : pairs.length);
                handedOver = false;
            }
            pairs[size++] = name;
            pairs[size++] = value;
        }

        public Builder remove(String name) {
            for (int i = 0; i < size; i += 2) {
                if (pairs[i].equals(name)) {
                    removeAt(i);
                    return this;
                }
            }
            return this;
        }

        public String get(String name) {
            for (int i = 0; i < size; i += 2) {
                if (pairs[i].equals(name)) {
                    return pairs[i + 1];
                }
            }
            return "";
        }

        private void unshare() {
            if (handedOver) {
                pairs = pairs.clone();
                handedOver = false;
            }
        }

        private void removeAt(int i) {
            unshare();
            System.arraycopy(pairs, i + 2, pairs, i, size - i - 2);
            size -= 2;
            pairs[size] = null;
            pairs[size + 1] = null;
        }

        public Labels build() {
            if (size == 0) {
                return EMPTY;
            }
            if (inOrder && size == pairs.length) {
                handedOver = true;
                return new Labels(pairs);
            }
            String[] sorted = Arrays.copyOf(pairs, size);
            // Insertion sort of pairs by name: label sets are small.
            for (int i = inOrder ? sorted.length : 2; i < sorted.length; i += 2) {
                String name = sorted[i];
                String value = sorted[i + 1];
                int j = i - 2;
                while (j >= 0 && compareStrings(sorted[j], name) > 0) {
                    sorted[j + 2] = sorted[j];
                    sorted[j + 3] = sorted[j + 1];
                    j -= 2;
                }
                sorted[j + 2] = name;
                sorted[j + 3] = value;
            }
            return new Labels(sorted);
        }
    }
}
