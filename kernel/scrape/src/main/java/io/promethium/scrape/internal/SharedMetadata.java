package io.promethium.scrape.internal;

import io.promethium.api.model.Metadata;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The page metadata of a pool's targets, one map per distinct set of comment lines: the targets
 * of a job mostly run the same exporter build, so they hold one map (node_exporter: 280
 * families) instead of a copy each. A loop adopts a map only after comparing it with what it
 * parsed from its own page, so a fingerprint that collides costs a copy, never wrong metadata.
 * Thread-safe: the loops of a pool run on their own threads.
 */
final class SharedMetadata {

    /** Distinct pages kept; beyond this (targets changing build on end) the table starts over. */
    private static final int MAX_PAGES = 64;

    private final Map<Long, Map<String, Metadata>> byFingerprint = new ConcurrentHashMap<>();
    /** The estimated heap of the maps in {@link #byFingerprint}, by map, kept as they are added. */
    private final Map<Long, Long> bytesByFingerprint = new ConcurrentHashMap<>();

    /**
     * The map to keep for a page whose comment lines have {@code fingerprint} (0: unknown) and
     * whose metadata is {@code page}: a shared one with the same content, else a new one of
     * canonical strings, shared from now on.
     */
    Map<String, Metadata> share(long fingerprint, Map<String, Metadata> page) {
        if (fingerprint != 0) {
            Map<String, Metadata> known = byFingerprint.get(fingerprint);
            if (known != null && sameContent(page, known)) {
                return known;
            }
        }
        Map<String, Metadata> made = canonical(page);
        if (fingerprint != 0) {
            synchronized (this) {
                if (byFingerprint.size() >= MAX_PAGES) {
                    byFingerprint.clear();
                    bytesByFingerprint.clear();
                }
                byFingerprint.put(fingerprint, made);
                bytesByFingerprint.put(fingerprint, ramBytesUsed(made));
            }
        }
        return made;
    }

    /**
     * The heap of the kept maps: what the pool's targets hold, since each adopts one of them (a
     * target whose page has no fingerprint, protobuf, holds a map of its own, not counted). Sums
     * one figure per distinct page, at most {@value #MAX_PAGES}.
     */
    long ramBytesUsed() {
        long total = 0;
        for (long b : bytesByFingerprint.values()) {
            total += b;
        }
        return total;
    }

    private static final long METADATA_BYTES = HeapLayout.shallow(Metadata.class);

    /**
     * One map's heap: {@code Map.copyOf}'s table (4 references per entry), the records and their
     * strings. The strings are canonical and may be shared with other pools; each map counts them
     * as its own, so the figure is an upper bound when jobs scrape the same exporter.
     */
    /** An empty text is the JVM's one empty string, held by no map in particular. */
    private static long text(String s) {
        return s.isEmpty() ? 0 : HeapLayout.string(s);
    }

    static long ramBytesUsed(Map<String, Metadata> map) {
        long bytes = HeapLayout.shallow(map.getClass()) + HeapLayout.refs(4 * map.size());
        for (Map.Entry<String, Metadata> e : map.entrySet()) {
            Metadata m = e.getValue();
            bytes += METADATA_BYTES + HeapLayout.string(e.getKey()) + text(m.help()) + text(m.unit());
        }
        return bytes;
    }

    /** Whether {@code page} (as parsed) says what {@code kept} (as shared) says, family names aside. */
    static boolean sameContent(Map<String, Metadata> page, Map<String, Metadata> kept) {
        if (page.size() != kept.size()) {
            return false;
        }
        for (Map.Entry<String, Metadata> e : page.entrySet()) {
            Metadata k = kept.get(e.getKey());
            Metadata m = e.getValue();
            if (k == null || k.type() != m.type() || !k.help().equals(m.help()) || !k.unit().equals(m.unit())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Family names and texts as the JVM's canonical strings, since targets of other jobs send the
     * same help texts too (node_exporter: 34 KB of text per target otherwise).
     */
    private static Map<String, Metadata> canonical(Map<String, Metadata> page) {
        Map<String, Metadata> shared = new HashMap<>(page.size() * 2);
        // Each carries its family's name, which the storage keeps with the series' metadata.
        page.forEach((family, m) -> shared.put(family.intern(),
                new Metadata(m.type(), m.help().intern(), m.unit().intern(), family.intern())));
        return Map.copyOf(shared);
    }
}
