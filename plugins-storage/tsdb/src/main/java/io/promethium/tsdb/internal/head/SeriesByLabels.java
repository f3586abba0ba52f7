package io.promethium.tsdb.internal.head;

import io.promethium.api.model.Labels;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * The head's series by label set: open addressing (linear probing) over one {@code long[]} whose
 * slots hold a label set's hash and its series' ref, the series itself found in the ref table
 * ({@link SeriesRefs}). A {@code ConcurrentHashMap<Labels, MemSeries>} spent a 24-byte node per
 * series beside its table; here a series costs one slot (8 bytes) at a load of 3/8 to 3/4, and
 * a lookup compares the label set only where the hash matches.
 *
 * <p>Lookups take no lock: the slots array is published through a volatile field and each slot
 * is written with release semantics after its series is in the ref table, so a reader that sees
 * a slot sees its series. Inserts, removals and rehashes hold the monitor; a rehash fills a new
 * array and then publishes it, never changing the old one, so a reader still probing the old
 * array sees a consistent (if slightly stale) table. A stale miss is harmless: creation looks
 * again under the monitor ({@link #putIfAbsent}).
 */
final class SeriesByLabels {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);
    private static final long EMPTY = 0;
    /** A removed entry: ref 0 (refs start at 1), kept so probes pass over it until a rehash. */
    private static final long DELETED = 1L << 32;
    private static final int MIN_CAPACITY = 1024;

    private final SeriesRefs refs;
    private volatile long[] slots = new long[MIN_CAPACITY];

    /** The slots array's heap (the series themselves are counted by the head). */
    long ramBytesUsed() {
        return org.apache.lucene.util.RamUsageEstimator.sizeOf(slots);
    }
    private volatile int size;
    /** Slots not empty: entries and {@link #DELETED} markers (guarded by the monitor). */
    private int used;

    SeriesByLabels(SeriesRefs refs) {
        this.refs = refs;
    }

    private static int index(int hash, int mask) {
        return (hash * 0x9E3779B9 >>> 7) & mask;
    }

    private static long entry(int hash, long ref) {
        return (long) hash << 32 | ref;
    }

    /** The series filed under {@code labels}, or null. */
    MemSeries get(Labels labels) {
        int h = labels.hashCode();
        long[] t = slots;
        int mask = t.length - 1;
        for (int i = index(h, mask);; i = (i + 1) & mask) {
            long e = (long) SLOT.getAcquire(t, i);
            if (e == EMPTY) {
                return null;
            }
            int ref = (int) e;
            if (ref != 0 && (int) (e >>> 32) == h) {
                MemSeries s = refs.get(ref);
                if (s != null && s.ref() == ref && s.labels().equals(labels)) {
                    return s;
                }
            }
        }
    }

    /**
     * Files {@code fresh} under its labels and, first, in the ref table under its ref (bound to
     * its newest-time slot there), unless a series with equal labels is filed: then returns that
     * one and files nothing; null when {@code fresh} was filed.
     */
    synchronized MemSeries putIfAbsent(MemSeries fresh) {
        Labels labels = fresh.labels();
        MemSeries prior = get(labels);
        if (prior != null) {
            return prior;
        }
        refs.set(fresh.ref(), fresh, Long.MIN_VALUE);
        fresh.publishTimes(refs);
        if ((used + 1) * 4L > slots.length * 3L) {
            rehash();
        }
        long[] t = slots;
        int mask = t.length - 1;
        int h = labels.hashCode();
        for (int i = index(h, mask);; i = (i + 1) & mask) {
            long e = t[i];
            if (e == EMPTY || e == DELETED) {
                if (e == EMPTY) {
                    used++;
                }
                SLOT.setRelease(t, i, entry(h, fresh.ref()));
                size++;
                return null;
            }
        }
    }

    /** Removes {@code s} if it is the series filed under its labels. */
    synchronized void remove(MemSeries s) {
        long[] t = slots;
        int mask = t.length - 1;
        int h = s.labels().hashCode();
        long want = entry(h, s.ref());
        for (int i = index(h, mask);; i = (i + 1) & mask) {
            long e = t[i];
            if (e == EMPTY) {
                return;
            }
            if (e == want) {
                SLOT.setRelease(t, i, DELETED);
                size--;
                return;
            }
        }
    }

    /**
     * A new array holding the entries (not the removed) at a load of at most 1/2: growing at 3/4
     * doubles the table, so a series costs 8 bytes over 1.33 to 2.67 slots (11 to 21 bytes).
     */
    private void rehash() {
        long[] old = slots;
        int capacity = MIN_CAPACITY;
        while (capacity < (size + 1) * 2L) {
            capacity <<= 1;
        }
        long[] t = new long[capacity];
        int mask = t.length - 1;
        for (long e : old) {
            if (e != EMPTY && e != DELETED) {
                int i = index((int) (e >>> 32), mask);
                while (t[i] != EMPTY) {
                    i = (i + 1) & mask;
                }
                t[i] = e;
            }
        }
        used = size;
        slots = t;
    }

    int size() {
        return size;
    }

    /** Slots (8 bytes each): the table's memory. */
    int capacity() {
        return slots.length;
    }

    /** The refs of the filed series that {@code which} accepts, in table order (as {@link #forEach}). */
    int[] refsWhere(java.util.function.Predicate<MemSeries> which) {
        var found = new Object() {
            int[] refs = new int[64];
            int n;
        };
        forEach(s -> {
            if (which.test(s)) {
                found.refs = org.apache.lucene.util.ArrayUtil.grow(found.refs, found.n + 1);
                found.refs[found.n++] = (int) s.ref();
            }
        });
        return java.util.Arrays.copyOf(found.refs, found.n);
    }

    /** Each filed series; one filed or removed meanwhile may be met or not. */
    void forEach(Consumer<MemSeries> action) {
        long[] t = slots;
        for (int i = 0; i < t.length; i++) {
            long e = (long) SLOT.getAcquire(t, i);
            int ref = (int) e;
            if (ref != 0) {
                MemSeries s = refs.get(ref);
                if (s != null && s.ref() == ref) {
                    action.accept(s);
                }
            }
        }
    }
}
