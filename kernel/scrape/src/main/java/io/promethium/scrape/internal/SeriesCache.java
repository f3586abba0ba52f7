package io.promethium.scrape.internal;

import io.promethium.api.model.Labels;
import java.util.Arrays;

/**
 * A target's series, keyed by the raw series bytes of its page (name and label block as
 * written). A steady-state scrape finds every series here and builds no labels: the entry holds
 * the final labels (after target labels and {@code metric_relabel_configs}) and the storage
 * reference. Its page order is the series the last successful scrape saw, for staleness.
 *
 * <p>The series bytes are kept once, front-coded in page order ({@link FrontCodedKeys}), each
 * entry knowing its position. A scrape whose page has the previous page's series in the same
 * order (the steady state) allocates nothing; one that differs builds the next order beside it,
 * which replaces the old at commit.
 *
 * <p>Chained hash table. Not thread-safe: owned by one scrape loop, except {@link #ramBytesUsed},
 * which any thread may read.
 */
final class SeriesCache {

    private static final long SHALLOW_BYTES = HeapLayout.shallow(SeriesCache.class);
    static final long ENTRY_BYTES = HeapLayout.shallow(Entry.class);

    /**
     * One series of the page: 32 bytes with compact object headers (40 with classic ones), one
     * kept per scraped series. It keeps no scrape iteration: whether the last successful scrape
     * saw it (it is in {@link #order}) and whether the scrape in progress has read it follow from
     * {@link #position}, so a steady scrape writes nothing here but the ref and the timestamp
     * bit. The hash is computed again from the key bytes when the table grows.
     */
    static final class Entry {
        /** Final labels, or null when metric relabeling drops the series. */
        final Labels labels;
        long ref;
        /**
         * Its place in {@link #order} and {@link #keys}: set by the commit of a scrape that had it.
         * While a scrape that left the previous order is read, an entry it reads past the prefix
         * the two orders share is at {@code -2 - p}: its place {@code p} in the next order and
         * {@link #nextKeys}. -1: just made, not yet read.
         */
        int position = -1;
        /** The key's length, and in the sign bit whether the series came with its own timestamp. */
        private int lengthAndTimestamp;
        Entry next;

        Entry(int keyLength, Labels labels) {
            this.lengthAndTimestamp = keyLength;
            this.labels = labels;
        }

        int keyLength() {
            return lengthAndTimestamp & Integer.MAX_VALUE;
        }

        /** Whether the series came with its own timestamp (no staleness then, as in Prometheus). */
        boolean explicitTimestamp() {
            return lengthAndTimestamp < 0;
        }

        void explicitTimestamp(boolean explicit) {
            lengthAndTimestamp = explicit ? lengthAndTimestamp | Integer.MIN_VALUE : lengthAndTimestamp & Integer.MAX_VALUE;
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
    /**
     * The series of the last successful scrape in page order. Pages keep their order from scrape
     * to scrape, so the n-th series is usually the previous n-th: checking it first skips the
     * hash and the table probe (measured: the probe's cache misses were a quarter of the scrape
     * CPU with 1,000 targets of 1,000 series).
     */
    private Entry[] order = new Entry[0];
    private int orderCount;
    /**
     * The series bytes of {@link #order}: the only copy of each series' bytes the cache keeps, read
     * in page order from one array instead of chasing one key array per series.
     */
    private FrontCodedKeys keys = new FrontCodedKeys(0, 0);

    /** Whether a scrape began and has neither committed nor failed (an exception ended it, if another begins). */
    private boolean open;
    /** Series touched so far; while {@link #diverged} is false they are exactly {@code order[0, seen)}. */
    private int seen;
    /** Whether this page left the previous order; the next order is then built in the arrays below. */
    private boolean diverged;
    /** Once {@link #diverged}: the length of the prefix the two orders share, touched in place. */
    private int prefix;
    private Entry[] nextOrder;
    private FrontCodedKeys nextKeys;
    /** {@link #ramBytesUsed}, set at each commit and failure (a few multiplications, no walk). */
    private volatile long ramBytes = estimate();

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

    /**
     * The heap the cache holds, as of the last commit or failure: the entries (each
     * {@link #ENTRY_BYTES}), the hash table, and the page order with its series bytes. The entries'
     * label sets are not counted: they are the objects the TSDB head keeps for the same series.
     */
    long ramBytesUsed() {
        return ramBytes;
    }

    private long estimate() {
        long bytes = SHALLOW_BYTES + size * ENTRY_BYTES + HeapLayout.refs(table.length) + HeapLayout.refs(order.length)
                + keys.ramBytesUsed();
        if (nextOrder != null) {
            bytes += HeapLayout.refs(nextOrder.length) + nextKeys.ramBytesUsed();
        }
        return bytes;
    }

    /**
     * The entry at {@code position} of the previous page if it has these bytes, else null.
     * {@code inPage}: the bytes lie in the page itself, unchanged until the scrape ends.
     */
    Entry predicted(int position, byte[] buf, int off, int len, boolean inPage) {
        // Kept small (the checks and the look-ahead in methods of their own) so that the JIT
        // inlines it into the page's loop.
        if (position < orderCount && keys.walkMatches(position, buf, off, len, inPage)) {
            assert placed(position, len);
            prefetch(position + PREFETCH_DISTANCE);
            return order[position];
        }
        return null;
    }

    /**
     * Whether the entry at {@code position} records that place (or, read already by this scrape
     * past the shared prefix, its place in the next order): lookups by hash compare against it,
     * and a stale one would hand a series another's storage ref.
     */
    private boolean placed(int position, int len) {
        Entry e = order[position];
        boolean moved = diverged && e.position <= -2 && nextOrder[-2 - e.position] == e;
        if (!(e.position == position || moved) || e.keyLength() != len) {
            throw new AssertionError("entry at " + position + " points at " + e.position);
        }
        return true;
    }

    /**
     * Reads the entry at {@code ahead}: entries lie scattered in the heap, and reading one a few
     * series ahead lets its cache miss overlap the parsing in between instead of stalling when its
     * turn comes.
     */
    private void prefetch(int ahead) {
        if (ahead < orderCount) {
            prefetchSink += order[ahead].ref;
        }
    }

    Entry get(byte[] buf, int off, int len, int hash) {
        for (Entry e = table[hash & (table.length - 1)]; e != null; e = e.next) {
            if (e.keyLength() == len && keyEquals(e, buf, off, len)) {
                return e;
            }
        }
        return null;
    }

    private boolean keyEquals(Entry e, byte[] buf, int off, int len) {
        int p = e.position;
        if (p >= 0) {
            return keys.probeMatches(p, buf, off, len);
        }
        // Read by this scrape past the shared prefix: its bytes are in the next order.
        return p <= -2 && nextKeys != null && nextKeys.probeMatches(-2 - p, buf, off, len);
    }

    /** Adds a series; the caller touches it next, which records its bytes. */
    Entry put(int len, int hash, Labels labels) {
        if (size + 1 > table.length * 3 / 4) {
            // Before linking the new entry: every entry in the table has its bytes somewhere.
            grow();
        }
        Entry e = new Entry(len, labels);
        int index = hash & (table.length - 1);
        e.next = table[index];
        table[index] = e;
        size++;
        return e;
    }

    /**
     * Starts a scrape, before its page's first lookup. One that an exception ended without
     * commit or fail is undone first: its touches and new entries would pass for this one's.
     */
    void begin() {
        if (open) {
            abandon();
        }
        open = true;
    }

    /** Back to the last commit or failure: the order's entries at their places, the scrape's new ones gone. */
    private void abandon() {
        keys.endWalk();
        for (int i = 0; i < orderCount; i++) {
            order[i].position = i;
        }
        if (size != orderCount) {
            evict(e -> e.position < 0, null);
        }
        reset();
    }

    private void reset() {
        seen = 0;
        diverged = false;
        nextOrder = null;
        nextKeys = null;
    }

    /**
     * Marks an entry as seen by the scrape in progress, whose page has its bytes at
     * {@code buf[off, off+len)}; true when the page already had it.
     */
    boolean touch(Entry e, byte[] buf, int off, int len) {
        if (!diverged && seen < orderCount && order[seen] == e) {
            // The steady state: the previous page's next series. Nothing is written to the entry.
            seen++;
            return false;
        }
        if (touched(e)) {
            return true;
        }
        if (!diverged) {
            diverge();
        }
        if (seen == nextOrder.length) {
            nextOrder = Arrays.copyOf(nextOrder, seen * 2);
        }
        nextKeys.append(buf, off, len);
        // New or not, its bytes are now found in the next order: its old place would not tell it read.
        e.position = -2 - seen;
        nextOrder[seen++] = e;
        return false;
    }

    /**
     * Whether the scrape in progress has read the entry: it is in the prefix of the previous order
     * read so far, or the page left that order and placed it in the next one.
     */
    private boolean touched(Entry e) {
        int p = e.position;
        return p <= -2 || p >= 0 && p < (diverged ? prefix : seen);
    }

    /** The page left the previous order: the next order starts as the prefix that matched. */
    private void diverge() {
        diverged = true;
        prefix = seen;
        nextOrder = new Entry[Math.max(64, orderCount + orderCount / 8)];
        // The prefix keeps its positions: its entries need no change.
        nextKeys = keys.prefix(seen, Math.max(1024, keys.byteLength() + keys.byteLength() / 8), nextOrder.length);
        System.arraycopy(order, 0, nextOrder, 0, seen);
    }

    /**
     * Ends a successful scrape: its series become the order, the ones the previous success saw
     * (the previous order) but this one did not are passed to {@code vanished}, and untouched
     * entries are evicted.
     */
    void commit(Vanished vanished) {
        keys.endWalk();
        open = false;
        if (seen != size) {
            // Some cached series were not on this page: they go, marked stale if the previous order had them.
            evict(e -> !touched(e), vanished);
        }
        if (diverged) {
            Entry[] entries = nextOrder;
            for (int i = prefix; i < seen; i++) {
                entries[i].position = i;
            }
            // The new order replaces the old, trimmed to fit: it is kept until the page changes again.
            order = entries.length > seen + seen / 4 + 16 ? Arrays.copyOf(entries, seen) : entries;
            keys = nextKeys.trimmed();
        } else {
            // The page was the previous one's first series (all of them, in the steady state).
            Arrays.fill(order, seen, orderCount, null);
            keys.truncate(seen);
        }
        orderCount = seen;
        reset();
        // The table holds exactly the page's series: more means an entry no scrape can reach
        // (its staleness marker would never be written), fewer means the order names evicted entries.
        assert size == orderCount : size + " cached series, " + orderCount + " on the page";
        ramBytes = estimate();
    }

    /** Ends a failed scrape, its page read or not: everything the previous success saw has vanished; the cache empties. */
    void fail(Vanished vanished) {
        forEachLive(vanished);
        open = false;
        reset();
        order = new Entry[0];
        orderCount = 0;
        keys = new FrontCodedKeys(0, 0);
        // The table keeps its length: the next page is likely the same size.
        Arrays.fill(table, null);
        size = 0;
        ramBytes = estimate();
    }

    /**
     * Every series the last successful scrape saw (its order: a scrape since, failed or not, does
     * not change it before its commit), for the end-of-run staleness markers.
     */
    void forEachLive(Vanished action) {
        for (int i = 0; i < orderCount; i++) {
            action.vanished(order[i]);
        }
    }

    private interface Condition {
        boolean test(Entry e);
    }

    /**
     * Unlinks the entries {@code remove} picks; those the previous order had (at a place of their
     * own: read by no scrape since) go to {@code vanished}, when there is one.
     */
    private void evict(Condition remove, Vanished vanished) {
        for (int b = 0; b < table.length; b++) {
            Entry prev = null;
            Entry e = table[b];
            while (e != null) {
                Entry next = e.next;
                if (remove.test(e)) {
                    if (vanished != null && e.position >= 0) {
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

    /**
     * Doubles the table, rehashing from the keys in page order (a walk, not a rebuild of each key
     * from its restart point): the previous page's series still at their places, then those the
     * scrape in progress placed in the next order.
     */
    private void grow() {
        table = new Entry[table.length * 2];
        int kept = 0;
        for (int i = 0; i < orderCount; i++) {
            if (order[i].position == i) {
                link(order[i], keys.hash(i));
                kept++;
            }
        }
        if (diverged) {
            for (int i = prefix; i < seen; i++) {
                link(nextOrder[i], nextKeys.hash(i));
                kept++;
            }
        }
        // begin() left no entry of an earlier scrape outside the two orders.
        assert kept == size : kept + " entries relinked of " + size;
    }

    private void link(Entry e, int hash) {
        int index = hash & (table.length - 1);
        e.next = table[index];
        table[index] = e;
    }
}
