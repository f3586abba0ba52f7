package io.promethium.tsdb.internal.head;

import io.promethium.api.model.Labels;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.IntFunction;

/**
 * The head's series in label order as of its last ranking, kept as their refs, so that the next
 * ranking sorts only the series created since and merges them in: a ranking costs the new
 * series' sort plus a galloping search per new series, not a sort of every series.
 *
 * <p>Refs, not series references, for the garbage collector: an array of every series is tens
 * of megabytes at tens of millions of series, so G1 allocates it in the old generation, and a
 * ranking that filled and sorted it wrote references to young (new) series all over it. Each young
 * pause then scanned every card holding one: at 19M series a ranking kept 0.9M cards dirty, 616 ms
 * of scanning per pause against 21 ms of copying, a 340 ms pause every half second (the capacity
 * ramp in docs/performance.md). An {@code int[]} holds no reference, so G1 never scans it.
 *
 * <p>An order, once published, is never written again: a cut may still be reading it. Callers
 * hold the head's label order lock, which series removal takes too: a series cannot go while a
 * ranking compares its labels.
 */
final class LabelOrder {
    private final SeriesRefs refs;
    /**
     * Refs in label order; the refs of series removed since stay until the next ranking drops
     * them (4 bytes each, no reference), and a cut's iterator skips them: dropping them at each
     * truncation would walk every series under the label order lock for nothing.
     */
    private volatile int[] order = new int[0];

    LabelOrder(SeriesRefs refs) {
        this.refs = refs;
    }

    /** The series filed under {@code ref}, or null when it was removed. */
    private MemSeries live(int ref) {
        MemSeries s = refs.get(ref);
        return s != null && s.ref() == ref && !s.removed() ? s : null;
    }

    private Labels labels(int ref) {
        return refs.get(ref).labels();
    }

    /**
     * Places the series {@code fresh} (refs not in the kept order, sorted here in place) among
     * the kept ones still live and keeps the result as the new order, which it returns.
     */
    int[] merge(int[] fresh) {
        int count = fresh.length;
        int[] kept = withoutRemoved(order);
        // In creation order first: a target's series are created together, mostly in label order
        // (its page's order), so the sort below meets runs instead of the hash table's order.
        java.util.Arrays.sort(fresh);
        new RefsByLabels(fresh, count).sort(0, count);
        int[] out = new int[kept.length + count];
        IntFunction<Labels> keptAt = i -> labels(kept[i]);
        int a = 0;
        int k = 0;
        for (int i = 0; i < count; i++) {
            int next = fresh[i];
            int place = firstNotBelow(keptAt, a, kept.length, labels(next));
            System.arraycopy(kept, a, out, k, place - a);
            k += place - a;
            a = place;
            out[k++] = next;
        }
        System.arraycopy(kept, a, out, k, kept.length - a);
        order = out;
        return out;
    }

    /** {@code order} without the refs of removed series; {@code order} itself when none was removed. */
    private int[] withoutRemoved(int[] order) {
        int[] out = null;
        int n = 0;
        for (int i = 0; i < order.length; i++) {
            if (live(order[i]) == null) {
                if (out == null) {
                    out = new int[order.length - 1];
                    System.arraycopy(order, 0, out, 0, i);
                    n = i;
                }
            } else if (out != null) {
                out[n++] = order[i];
            }
        }
        return out == null ? order : java.util.Arrays.copyOf(out, n);
    }

    /** The live series of an order {@link #merge} returned, in that order, skipping those removed since. */
    Iterable<MemSeries> series(int[] order) {
        return () -> new Iterator<>() {
            private int i;
            private MemSeries next = advance();

            private MemSeries advance() {
                while (i < order.length) {
                    MemSeries s = live(order[i++]);
                    if (s != null) {
                        return s;
                    }
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public MemSeries next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                MemSeries s = next;
                next = advance();
                return s;
            }
        };
    }

    long ramBytesUsed() {
        return org.apache.lucene.util.RamUsageEstimator.sizeOf(order);
    }

    /**
     * The first index in {@code [from, to)} whose labels are not below {@code key} (labels ascending
     * there), found by galloping from {@code from} and then a binary search: ~2 log(gap) compares,
     * so placing a few new series among many ranked ones costs little more than the new ones.
     */
    static int firstNotBelow(IntFunction<Labels> at, int from, int to, Labels key) {
        int lo = from;
        int hi = from;
        for (int step = 1; hi < to && at.apply(hi).compareTo(key) < 0; step <<= 1) {
            lo = hi + 1;
            hi = Math.min(to, hi + step);
        }
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (at.apply(mid).compareTo(key) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * Sorts refs by their series' labels: Lucene's TimSort on the {@code int[]} itself, so that
     * the new series' own runs (a target's page is mostly in label order) cost one compare each.
     */
    private final class RefsByLabels extends org.apache.lucene.util.TimSorter {
        private final int[] refs;
        private int[] saved = new int[0];

        RefsByLabels(int[] refs, int count) {
            super(count / 2 + 1);
            this.refs = refs;
        }

        @Override
        protected int compare(int i, int j) {
            return labels(refs[i]).compareTo(labels(refs[j]));
        }

        @Override
        protected void swap(int i, int j) {
            int t = refs[i];
            refs[i] = refs[j];
            refs[j] = t;
        }

        @Override
        protected void copy(int src, int dest) {
            refs[dest] = refs[src];
        }

        @Override
        protected void save(int i, int len) {
            if (saved.length < len) {
                saved = new int[org.apache.lucene.util.ArrayUtil.oversize(len, Integer.BYTES)];
            }
            System.arraycopy(refs, i, saved, 0, len);
        }

        @Override
        protected void restore(int i, int j) {
            refs[j] = saved[i];
        }

        @Override
        protected int compareSaved(int i, int j) {
            return labels(saved[i]).compareTo(labels(refs[j]));
        }
    }
}
