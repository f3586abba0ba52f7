package io.promethium.rules.tool;

import io.promethium.api.model.Labels;
import io.promethium.templates.GoFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The difference promtool's {@code test rules --diff} prints: {@code github.com/nsf/jsondiff}'s
 * {@code Compare} with its {@code DefaultConsoleOptions} (the whole document, pretty-printed, what
 * only the expected side has in red, what only the got side has in green, changed values in
 * yellow as {@code old => new}). Ported for the values promtool compares, JSON documents of
 * strings, objects and arrays; objects print their keys sorted by bytes, as Go's
 * {@code sort.Strings}.
 */
final class JsonDiff {

    /** An ANSI colour around a run of text; compared by identity, as jsondiff compares its tags. */
    private static final class Tag {
        final String begin;
        final String end;

        Tag(String begin, String end) {
            this.begin = begin;
            this.end = end;
        }
    }

    private final Tag normal = new Tag("", "");
    private final Tag added = new Tag("\033[0;32m", "\033[0m");
    private final Tag removed = new Tag("\033[0;31m", "\033[0m");
    private final Tag changed = new Tag("\033[0;33m", "\033[0m");
    private int level;
    private Tag lastTag;
    private boolean differs;

    private JsonDiff() {
    }

    /** An object of the document: keys in Go's order. */
    static Map<String, Object> object() {
        return new TreeMap<>(Labels.STRING_ORDER);
    }

    /**
     * The difference of {@code a} (expected) and {@code b} (got), each a {@code String}, a
     * {@code Map<String, ?>} made by {@link #object()} or a {@code List<?>}; null when they match
     * (jsondiff's {@code FullMatch}, after which promtool reports nothing).
     */
    static String compare(Object a, Object b) {
        JsonDiff ctx = new JsonDiff();
        String text = ctx.printDiff(a, b);
        return ctx.differs ? text : null;
    }
    private void terminateTag(StringBuilder buf) {
        if (lastTag != null) {
            buf.append(lastTag.end);
            lastTag = null;
        }
    }

    private void newline(StringBuilder buf, String s) {
        buf.append(s);
        if (lastTag != null) {
            buf.append(lastTag.end);
        }
        buf.append('\n');
        buf.append("    ".repeat(level));
        if (lastTag != null) {
            buf.append(lastTag.begin);
        }
    }

    private static void key(StringBuilder buf, String k) {
        buf.append(GoFormat.quote(k)).append(": ");
    }

    private void writeValue(StringBuilder buf, Object v, boolean full) {
        switch (v) {
            case String s -> buf.append(GoFormat.quote(s));
            case List<?> list -> {
                if (!full) {
                    buf.append("[]");
                    return;
                }
                if (list.isEmpty()) {
                    buf.append('[');
                } else {
                    level++;
                    newline(buf, "[");
                }
                for (int i = 0; i < list.size(); i++) {
                    writeValue(buf, list.get(i), true);
                    if (i != list.size() - 1) {
                        newline(buf, ",");
                    } else {
                        level--;
                        newline(buf, "");
                    }
                }
                buf.append(']');
            }
            case Map<?, ?> map -> {
                if (!full) {
                    buf.append("{}");
                    return;
                }
                if (map.isEmpty()) {
                    buf.append('{');
                } else {
                    level++;
                    newline(buf, "{");
                }
                int i = 0;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    key(buf, (String) e.getKey());
                    writeValue(buf, e.getValue(), true);
                    if (i != map.size() - 1) {
                        newline(buf, ",");
                    } else {
                        level--;
                        newline(buf, "");
                    }
                    i++;
                }
                buf.append('}');
            }
            default -> buf.append("null");
        }
    }

    private void tag(StringBuilder buf, Tag t) {
        if (lastTag == t) {
            return;
        }
        if (lastTag != null) {
            buf.append(lastTag.end);
        }
        buf.append(t.begin);
        lastTag = t;
    }

    private void printMismatch(StringBuilder buf, Object a, Object b) {
        tag(buf, changed);
        writeValue(buf, a, false);
        buf.append(" => ");
        writeValue(buf, b, false);
    }

    private String finish(StringBuilder buf) {
        terminateTag(buf);
        return buf.toString();
    }

    /** Both sides of a collection, walked together: by index for arrays, by the union of the keys for objects. */
    private record Pair(Object a, boolean aOk, Object b, boolean bOk, String key) {
    }

    private static List<Pair> pairs(Object a, Object b) {
        List<Pair> out = new ArrayList<>();
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            for (int i = 0; i < Math.max(la.size(), lb.size()); i++) {
                out.add(new Pair(i < la.size() ? la.get(i) : null, i < la.size(), i < lb.size() ? lb.get(i) : null, i < lb.size(), null));
            }
        } else {
            Map<?, ?> ma = (Map<?, ?>) a;
            Map<?, ?> mb = (Map<?, ?>) b;
            TreeMap<String, Boolean> keys = new TreeMap<>(Labels.STRING_ORDER);
            ma.keySet().forEach(k -> keys.put((String) k, true));
            mb.keySet().forEach(k -> keys.put((String) k, true));
            for (String k : keys.keySet()) {
                out.add(new Pair(ma.get(k), ma.containsKey(k), mb.get(k), mb.containsKey(k), k));
            }
        }
        return out;
    }

    private String printCollectionDiff(String open, String close, List<Pair> items) {
        StringBuilder buf = new StringBuilder();
        // jsondiff renders the children first (one level deeper), then the collection around them.
        level++;
        List<String> diffs = new ArrayList<>();
        for (Pair p : items) {
            diffs.add(p.aOk() && p.bOk() ? printDiff(p.a(), p.b()) : "");
        }
        level--;
        tag(buf, normal);
        if (items.isEmpty()) {
            buf.append(open).append(close);
            return finish(buf);
        }
        level++;
        newline(buf, open);
        for (int i = 0; i < items.size(); i++) {
            Pair p = items.get(i);
            if (p.aOk() && p.bOk()) {
                if (!diffs.get(i).isEmpty()) {
                    keyOf(buf, p);
                    buf.append(diffs.get(i));
                }
            } else if (p.aOk()) {
                tag(buf, removed);
                keyOf(buf, p);
                writeValue(buf, p.a(), true);
                differs = true;
            } else {
                tag(buf, added);
                keyOf(buf, p);
                writeValue(buf, p.b(), true);
                differs = true;
            }
            if (i < items.size() - 1) {
                tag(buf, normal);
                newline(buf, ",");
            } else {
                level--;
                tag(buf, normal);
                newline(buf, "");
            }
        }
        buf.append(close);
        return finish(buf);
    }

    private static void keyOf(StringBuilder buf, Pair p) {
        if (p.key() != null) {
            key(buf, p.key());
        }
    }

    private String printDiff(Object a, Object b) {
        StringBuilder buf = new StringBuilder();
        boolean sameKind = a instanceof String && b instanceof String || a instanceof List && b instanceof List
                || a instanceof Map && b instanceof Map;
        if (!sameKind || a instanceof String && !a.equals(b)) {
            printMismatch(buf, a, b);
            differs = true;
            return finish(buf);
        }
        if (a instanceof List) {
            return printCollectionDiff("[", "]", pairs(a, b));
        }
        if (a instanceof Map) {
            return printCollectionDiff("{", "}", pairs(a, b));
        }
        tag(buf, normal);
        writeValue(buf, a, true);
        return finish(buf);
    }
}
