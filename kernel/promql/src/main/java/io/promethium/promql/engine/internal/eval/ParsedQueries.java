package io.promethium.promql.engine.internal.eval;

import io.promethium.promql.ast.Expr;
import java.util.HashMap;
import java.util.Map;

/**
 * The parsed trees of the last {@value #ENTRIES} distinct query texts, least recently used
 * dropped first. Texts longer than {@value #MAX_LENGTH} characters are not kept, which bounds
 * the memory to a few megabytes; {@link #ramBytesUsed} estimates it, each entry's bytes computed
 * once when it is put.
 *
 * <p>Recency is a stamp per entry rather than an access-ordered {@code LinkedHashMap}, whose hit
 * takes branches that depend on where the entry sat: a dashboard refreshing one range always hit
 * the eldest, C2 compiled only that branch, and the first query of another range took an uncommon
 * trap that discarded the compiled request path it was inlined into. Eviction, on a put over the
 * bound only, looks for the oldest stamp.
 */
final class ParsedQueries {

    static final int ENTRIES = 1_024;
    static final int MAX_LENGTH = 4_096;

    /** A tree, the heap its entry holds (key, tree, map entry) and when it was last used. */
    private static final class Cached {
        final Expr tree;
        final long bytes;
        long used;

        Cached(Expr tree, long bytes) {
            this.tree = tree;
            this.bytes = bytes;
        }
    }

    private final TreeBytes sizes;
    /** The map's node and the {@link Cached} per entry, and its share of the table (at most 0.75 full, so at least 1.33 slots). */
    private final long entryOverhead;
    private long bytes;
    private long clock;

    private final Map<String, Cached> trees = new HashMap<>(64);

    ParsedQueries() {
        this(ObjectLayout.ofThisJvm());
    }

    ParsedQueries(ObjectLayout layout) {
        this.sizes = new TreeBytes(layout);
        long node;
        try {
            node = layout.shallow(Class.forName("java.util.HashMap$Node"));
        } catch (ClassNotFoundException e) {
            // Another class library: a hash node as in OpenJDK (hash, key, value, next).
            node = ObjectLayout.align(layout.header + 4 + 3L * layout.ref);
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
            if (c == null) {
                return null;
            }
            c.used = ++clock;
            return c.tree;
        }
    }

    void put(String text, Expr tree) {
        if (text.length() > MAX_LENGTH) {
            return;
        }
        // Walked outside the lock: concurrent queries only wait for the map.
        Cached entry = new Cached(tree, entryBytes(text, tree));
        synchronized (trees) {
            entry.used = ++clock;
            Cached old = trees.put(text, entry);
            bytes += entry.bytes - (old == null ? 0 : old.bytes);
            if (trees.size() > ENTRIES) {
                evictLeastRecentlyUsed();
            }
        }
    }

    private void evictLeastRecentlyUsed() {
        Map.Entry<String, Cached> eldest = null;
        for (Map.Entry<String, Cached> e : trees.entrySet()) {
            if (eldest == null || e.getValue().used < eldest.getValue().used) {
                eldest = e;
            }
        }
        bytes -= eldest.getValue().bytes;
        trees.remove(eldest.getKey());
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
