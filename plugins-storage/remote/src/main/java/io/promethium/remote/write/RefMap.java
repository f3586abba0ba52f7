package io.promethium.remote.write;

import java.util.Arrays;

/**
 * Series reference to value, open addressing over primitive keys: the WAL follower looks one up
 * per sample, so no boxing. Single-threaded.
 */
final class RefMap<V> {
    private long[] keys = new long[1024];
    private Object[] values = new Object[1024];
    private int size;

    @SuppressWarnings("unchecked")
    V get(long key) {
        int mask = keys.length - 1;
        for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
            Object v = values[i];
            if (v == null) {
                return null;
            }
            if (keys[i] == key) {
                return (V) v;
            }
        }
    }

    void put(long key, V value) {
        if ((size + 1) * 4 > keys.length * 3) {
            grow();
        }
        int mask = keys.length - 1;
        for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
            if (values[i] == null) {
                keys[i] = key;
                values[i] = value;
                size++;
                return;
            }
            if (keys[i] == key) {
                values[i] = value;
                return;
            }
        }
    }

    int size() {
        return size;
    }

    private void grow() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new Object[oldKeys.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != null) {
                @SuppressWarnings("unchecked")
                V v = (V) oldValues[i];
                put(oldKeys[i], v);
            }
        }
    }

    /** A copy holding only the entries whose key {@code keep} accepts. */
    RefMap<V> retain(java.util.function.LongPredicate keep) {
        RefMap<V> kept = new RefMap<>();
        for (int i = 0; i < keys.length; i++) {
            if (values[i] != null && keep.test(keys[i])) {
                @SuppressWarnings("unchecked")
                V v = (V) values[i];
                kept.put(keys[i], v);
            }
        }
        return kept;
    }

    boolean contains(long key) {
        return get(key) != null;
    }

    void clear() {
        Arrays.fill(values, null);
        size = 0;
    }

    private static int mix(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
