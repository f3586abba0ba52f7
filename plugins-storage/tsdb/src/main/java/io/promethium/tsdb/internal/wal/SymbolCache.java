package io.promethium.tsdb.internal.wal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * Label strings of WAL records by their UTF-8 bytes: a series record repeats a few hundred
 * names and values (metric names, {@code job}, {@code instance}, {@code mode}) across thousands
 * of entries, so decoding looks the bytes up here and meets a string already decoded (and made
 * canonical once by {@code canonical}) instead of allocating and hashing a new one per entry.
 * Open addressing, bounded: when full it is cleared (label values unique per series would
 * otherwise fill it with strings met once). Not thread-safe: one per decoding thread.
 */
final class SymbolCache {
    private static final int CAPACITY = 1 << 15;
    /** Longer strings are rarely repeated label values: decoded directly. */
    private static final int MAX_LENGTH = 128;

    private final UnaryOperator<String> canonical;
    private final byte[][] keys = new byte[CAPACITY][];
    private final String[] values = new String[CAPACITY];
    private int size;

    SymbolCache(UnaryOperator<String> canonical) {
        this.canonical = canonical;
    }

    /** The string of {@code buf[offset, offset + length)} (UTF-8). */
    String get(byte[] buf, int offset, int length) {
        if (length > MAX_LENGTH) {
            return canonical.apply(new String(buf, offset, length, StandardCharsets.UTF_8));
        }
        int h = length;
        for (int i = offset, end = offset + length; i < end; i++) {
            h = 31 * h + buf[i];
        }
        h ^= h >>> 15;
        int mask = CAPACITY - 1;
        for (int slot = h & mask;; slot = (slot + 1) & mask) {
            byte[] key = keys[slot];
            if (key == null) {
                String s = canonical.apply(new String(buf, offset, length, StandardCharsets.UTF_8));
                if (size >= CAPACITY / 2) {
                    clear();
                    slot = h & mask;
                }
                keys[slot] = Arrays.copyOfRange(buf, offset, offset + length);
                values[slot] = s;
                size++;
                return s;
            }
            if (key.length == length && Arrays.equals(key, 0, length, buf, offset, offset + length)) {
                return values[slot];
            }
        }
    }

    private void clear() {
        Arrays.fill(keys, null);
        Arrays.fill(values, null);
        size = 0;
    }
}
