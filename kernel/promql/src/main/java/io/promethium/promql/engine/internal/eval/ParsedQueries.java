package io.promethium.promql.engine.internal.eval;

import io.promethium.promql.ast.Expr;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parsed trees of the last {@value #ENTRIES} distinct query texts, least recently used
 * dropped first. Texts longer than {@value #MAX_LENGTH} characters are not kept, which bounds
 * the memory to a few megabytes.
 */
final class ParsedQueries {

    static final int ENTRIES = 1_024;
    static final int MAX_LENGTH = 4_096;

    private final Map<String, Expr> trees = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Expr> eldest) {
            return size() > ENTRIES;
        }
    };

    /** The tree of {@code text}, or null when it was not parsed lately. */
    Expr get(String text) {
        if (text.length() > MAX_LENGTH) {
            return null;
        }
        synchronized (trees) {
            return trees.get(text);
        }
    }

    void put(String text, Expr tree) {
        if (text.length() > MAX_LENGTH) {
            return;
        }
        synchronized (trees) {
            trees.put(text, tree);
        }
    }
}
