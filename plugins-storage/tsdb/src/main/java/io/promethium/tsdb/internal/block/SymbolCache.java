package io.promethium.tsdb.internal.block;

import io.promethium.tsdb.internal.util.ByteReader;

/**
 * The symbols decoded during one pass over a block's series, so that a string met again (every
 * series' label names, a metric name, a job) is decoded once and shared. Over many of the block's
 * series (a merge, a large select) it holds the whole table, a slot per symbol. Over a few it is a
 * direct-mapped table of 16 slots per series: a whole-table array would cost more than the decoding
 * it spares, and without any cache a select of a few hundred series from a large block decoded every
 * label string of each, names included.
 */
final class SymbolCache {
    private static final int SLOTS_PER_SERIES = 16;
    private static final int MIN_SLOTS = 16;

    private final String[] strings;
    /** Each slot's symbol id plus one (0: empty); null when {@code strings} is indexed by id. */
    private final int[] ids;
    private final int shift;
    /** What a symbol's bytes are read into before they become its string; longer ones get their own. */
    private final byte[] scratch = new byte[256];
    /** The pass's reader of series entries, reset for each (the cache lives for one pass on one thread). */
    private final ByteReader reader = new ByteReader();

    private SymbolCache(String[] strings, int[] ids, int shift) {
        this.strings = strings;
        this.ids = ids;
        this.shift = shift;
    }

    /**
     * A cache for a query reading {@code series} series of {@code table}: through the table's kept
     * strings when it keeps them ({@link SymbolTable#keeps}), else as {@link #forSeries}.
     */
    static SymbolCache forQuery(long series, SymbolTable table) {
        return table.keeps() ? new SymbolCache(null, null, 0) : forSeries(series, table.size());
    }

    /** A slot for each of a table's {@code symbols}. */
    static SymbolCache whole(int symbols) {
        return new SymbolCache(new String[symbols], null, 0);
    }

    /**
     * A cache for reading {@code series} series of a table of {@code symbols}: the whole table from a
     * 64th of its size on (a series reads ~10 symbols, a reference per symbol then pays), else
     * direct-mapped slots, fewer than the whole table's.
     */
    static SymbolCache forSeries(long series, int symbols) {
        if (series * 64 >= symbols) {
            return whole(symbols);
        }
        int slots = Integer.highestOneBit((int) Math.max(MIN_SLOTS, series * SLOTS_PER_SERIES) - 1) << 1;
        return new SymbolCache(new String[slots], new int[slots], 32 - Integer.numberOfTrailingZeros(slots));
    }

    ByteReader reader() {
        return reader;
    }

    /** The symbol {@code id} of {@code table}, decoded at most once while it stays in its slot. */
    String get(long id, SymbolTable table) {
        if (id < 0 || id >= Integer.MAX_VALUE) {
            return table.get(id, scratch); // out of range: its error names the table
        }
        int i = (int) id;
        if (strings == null) {
            return table.kept(id, scratch);
        }
        if (ids == null) {
            if (i >= strings.length) {
                return table.get(id, scratch);
            }
            String s = strings[i];
            if (s == null) {
                s = strings[i] = table.get(id, scratch);
            }
            return s;
        }
        // Fibonacci hashing: ids of neighbouring symbols spread over the slots.
        int slot = (i * 0x9E3779B9) >>> shift;
        if (ids[slot] == i + 1) {
            return strings[slot];
        }
        String s = table.get(id, scratch);
        ids[slot] = i + 1;
        strings[slot] = s;
        return s;
    }
}
