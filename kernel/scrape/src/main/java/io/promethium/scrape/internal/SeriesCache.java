package io.promethium.scrape.internal;

import io.promethium.api.model.Labels;
import java.util.Arrays;

/**
 * A target's series, keyed by the raw series bytes of its page (name and label block as
 * written). A steady-state scrape finds every series here and builds no labels: the entry holds
 * the final labels (after target labels and {@code metric_relabel_configs}) and the storage
 * reference. It also tracks which series the last successful scrape saw, for staleness.
 *
 * <p>Chained hash table; only a miss allocates. Not thread-safe: owned by one scrape loop.
 */
final class SeriesCache {

    /** One series of the page. */
    static final class Entry {
        final byte[] key;
        final int hash;
        /** Final labels, or null when metric relabeling drops the series. */
        final Labels labels;
        long ref;
        /** Iteration of the last successful scrape that had this series. */
        long lastSeen = -1;
        /** Iteration of the scrape that last touched it, to count repeats within a page. */
        long touched = -1;
        /** Whether the series came with its own timestamp (no staleness then, as in Prometheus). */
        boolean explicitTimestamp;
        Entry next;

        Entry(byte[] key, int hash, Labels labels) {
            this.key = key;
            this.hash = hash;
            this.labels = labels;
        }
    }

    /** Receives the series a successful scrape no longer has. */
    interface Vanished {
        void vanished(Entry entry);
    }

    /** How many series ahead {@link #predicted} touches the entry it will need. */
    private static final int PREFETCH_DISTANCE = 4;

    private Entry[] table = new Entry[64];
    /** Sink of the look-ahead reads, so the JIT keeps them. */
    private long prefetchSink;
    private int size;
    private Entry[] touched = new Entry[64];
    private int touchedCount;
    /**
     * The series of the last successful scrape in page order. Pages keep their order from scrape
     * to scrape, so the n-th series is usually the previous n-th: checking it first skips the
     * hash and the table probe (measured: the probe's cache misses were a quarter of the scrape
     * CPU with 1,000 targets of 1,000 series).
     */
    private Entry[] order = new Entry[0];
    private int orderCount;
    /**
     * The series bytes of {@link #order}, back to back, with their start offsets: comparing
     * against one contiguous array streams through memory instead of chasing one key array per
     * series. Filled while the page is parsed, from the page buffer that is hot in cache anyway.
     */
    private byte[] orderKeys = new byte[1024];
    private int[] orderOffsets = new int[1];
    private byte[] touchedKeys = new byte[1024];
    private int[] touchedOffsets = new int[65];

    static int hash(byte[] buf, int off, int len) {
        int h = 0x811c9dc5;
        int end = off + len;
        int i = off;
        // Four bytes per step: series keys are long and this is on every sample.
        for (; i + 3 < end; i += 4) {
            int word = (buf[i] & 0xff) | (buf[i + 1] & 0xff) << 8 | (buf[i + 2] & 0xff) << 16 | buf[i + 3] << 24;
            h = (h ^ word) * 0x01000193;
            h ^= h >>> 15;
        }
        for (; i < end; i++) {
            h = (h ^ buf[i]) * 0x01000193;
        }
        return h ^ (h >>> 16);
    }

    int size() {
        return size;
    }

    /** The entry at {@code position} of the previous page if it has these bytes, else null. */
    Entry predicted(int position, byte[] buf, int off, int len) {
        if (position >= orderCount) {
            return null;
        }
        int start = orderOffsets[position];
        if (orderOffsets[position + 1] - start == len && Arrays.equals(orderKeys, start, start + len, buf, off, off + len)) {
            int ahead = position + PREFETCH_DISTANCE;
            if (ahead < orderCount) {
                // Entries lie scattered in the heap: reading one a few series ahead lets its cache
                // miss overlap the parsing in between instead of stalling when its turn comes.
                prefetchSink += order[ahead].touched;
            }
            return order[position];
        }
        return null;
    }

    Entry get(byte[] buf, int off, int len, int hash) {
        for (Entry e = table[hash & (table.length - 1)]; e != null; e = e.next) {
            if (e.hash == hash && e.key.length == len && Arrays.equals(e.key, 0, len, buf, off, off + len)) {
                return e;
            }
        }
        return null;
    }

    Entry put(byte[] buf, int off, int len, int hash, Labels labels) {
        Entry e = new Entry(Arrays.copyOfRange(buf, off, off + len), hash, labels);
        int index = hash & (table.length - 1);
        e.next = table[index];
        table[index] = e;
        if (++size > table.length * 3 / 4) {
            grow();
        }
        return e;
    }

    /**
     * Marks an entry as seen by the scrape in progress, whose page has its bytes at
     * {@code buf[off, off+len)}; true when the page already had it.
     */
    boolean touch(Entry e, long iteration, byte[] buf, int off, int len) {
        if (e.touched == iteration) {
            return true;
        }
        e.touched = iteration;
        if (touchedCount == touched.length) {
            touched = Arrays.copyOf(touched, touched.length * 2);
        }
        if (touchedCount + 1 >= touchedOffsets.length) {
            touchedOffsets = Arrays.copyOf(touchedOffsets, touchedOffsets.length * 2);
        }
        int start = touchedOffsets[touchedCount];
        if (start + len > touchedKeys.length) {
            touchedKeys = Arrays.copyOf(touchedKeys, Math.max(touchedKeys.length * 2, start + len));
        }
        System.arraycopy(buf, off, touchedKeys, start, len);
        touched[touchedCount++] = e;
        touchedOffsets[touchedCount] = start + len;
        return false;
    }

    /**
     * Ends a successful scrape: the touched series become "seen", the ones the previous success
     * saw but this one did not are passed to {@code vanished}, and untouched entries are evicted.
     */
    void commit(long iteration, long previousSuccess, Vanished vanished) {
        for (int i = 0; i < touchedCount; i++) {
            touched[i].lastSeen = iteration;
        }
        // This page's order predicts the next; the old order array takes the next touches.
        Entry[] swap = order;
        Arrays.fill(swap, 0, orderCount, null);
        order = touched;
        orderCount = touchedCount;
        touched = swap.length >= 64 ? swap : new Entry[64];
        byte[] swapKeys = orderKeys;
        orderKeys = touchedKeys;
        touchedKeys = swapKeys;
        int[] swapOffsets = orderOffsets;
        orderOffsets = touchedOffsets;
        touchedOffsets = swapOffsets.length >= 65 ? swapOffsets : new int[65];
        touchedCount = 0;
        if (orderCount != size) {
            // Some cached series were not on this page: they go (marked stale if last seen just before).
            evict(e -> e.lastSeen != iteration, previousSuccess, vanished);
        }
    }

    /** Ends a failed scrape: everything the previous success saw has vanished; the cache empties. */
    void fail(long previousSuccess, Vanished vanished) {
        Arrays.fill(touched, 0, touchedCount, null);
        touchedCount = 0;
        Arrays.fill(order, 0, orderCount, null);
        orderCount = 0;
        orderOffsets[0] = 0;
        evict(e -> true, previousSuccess, vanished);
    }

    /** Every series the last successful scrape saw, for the end-of-run staleness markers. */
    void forEachLive(long lastSuccess, Vanished action) {
        for (Entry head : table) {
            for (Entry e = head; e != null; e = e.next) {
                if (e.lastSeen == lastSuccess && lastSuccess >= 0) {
                    action.vanished(e);
                }
            }
        }
    }

    private interface Condition {
        boolean test(Entry e);
    }

    private void evict(Condition remove, long previousSuccess, Vanished vanished) {
        for (int b = 0; b < table.length; b++) {
            Entry prev = null;
            Entry e = table[b];
            while (e != null) {
                Entry next = e.next;
                if (remove.test(e)) {
                    if (previousSuccess >= 0 && e.lastSeen == previousSuccess) {
                        vanished.vanished(e);
                    }
                    if (prev == null) {
                        table[b] = next;
                    } else {
                        prev.next = next;
                    }
                    size--;
                } else {
                    prev = e;
                }
                e = next;
            }
        }
    }

    private void grow() {
        Entry[] old = table;
        table = new Entry[old.length * 2];
        for (Entry head : old) {
            Entry e = head;
            while (e != null) {
                Entry next = e.next;
                int index = e.hash & (table.length - 1);
                e.next = table[index];
                table[index] = e;
                e = next;
            }
        }
    }
}
