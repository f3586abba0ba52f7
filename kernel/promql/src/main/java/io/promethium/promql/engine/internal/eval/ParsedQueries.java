package io.promethium.promql.engine.internal.eval;

import io.promethium.promql.ast.Expr;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parsed trees of the last {@value #ENTRIES} distinct query texts, least recently used
 * dropped first. Texts longer than {@value #MAX_LENGTH} characters are not kept, which bounds
 * the memory to a few megabytes; {@link #ramBytesUsed} estimates it, each entry's bytes computed
 * once when it is put.
 */
final class ParsedQueries {

    static final int ENTRIES = 1_024;
    static final int MAX_LENGTH = 4_096;

    /** A tree and the heap its entry holds (key, tree, map entry). */
    private record Cached(Expr tree, long bytes) {
    }

    private final TreeBytes sizes;
    /** The map's node and the {@link Cached} per entry, and its share of the table (at most 0.75 full, so at least 1.33 slots). */
    private final long entryOverhead;
    private long bytes;

    private final Map<String, Cached> trees = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            if (size() > ENTRIES) {
                bytes -= eldest.getValue().bytes();
                return true;
            }
            return false;
        }
    };

    ParsedQueries() {
        this(ObjectLayout.ofThisJvm());
    }

    ParsedQueries(ObjectLayout layout) {
        this.sizes = new TreeBytes(layout);
        long node;
        try {
            node = layout.shallow(Class.forName("java.util.LinkedHashMap$Entry"));
        } catch (ClassNotFoundException e) {
            // Another class library: a hash node with two more links, as in OpenJDK.
            node = ObjectLayout.align(layout.header + 4 + 5L * layout.ref);
        }
        this.entryOverhead = node + layout.shallow(Cached.class) + 2L * layout.ref;
    }

    /** The tree of {@code text}, or null when it was not parsed lately. */
    Expr get(String text) {
        if (text.length() > MAX_LENGTH) {
            return null;
        }
        synchronized (trees) {
            Cached c = trees.get(text);
            return c == null ? null : c.tree();
        }
    }

    void put(String text, Expr tree) {
        if (text.length() > MAX_LENGTH) {
            return;
        }
        // Walked outside the lock: concurrent queries only wait for the map.
        Cached entry = new Cached(tree, entryBytes(text, tree));
        synchronized (trees) {
            Cached old = trees.put(text, entry);
            bytes += entry.bytes() - (old == null ? 0 : old.bytes());
        }
    }

    /** The estimate {@link #put} adds for one entry. */
    long entryBytes(String text, Expr tree) {
        return entryOverhead + sizes.key(text) + sizes.of(tree);
    }

    /** The heap the entries hold: keys, trees and map nodes (not the empty map's fixed few hundred bytes). */
    long ramBytesUsed() {
        synchronized (trees) {
            return bytes;
        }
    }

    int size() {
        synchronized (trees) {
            return trees.size();
        }
    }
}
