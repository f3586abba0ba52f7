package io.promethium.tsdb.internal.head;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * Series by ref in pages of a plain array: refs are dense, so a lookup is two array reads and no
 * boxed key. Readers find refs through the postings lock or their own appender, which orders
 * the write before the read.
 *
 * <p>Beside each series the page holds its newest sample time (see {@link MemSeries#append}), so
 * an appender can accept the usual in-order sample without touching the series object: a
 * target's series have neighbouring refs, so a scrape reads these times as one stream instead
 * of fetching a thousand scattered objects from memory.
 */
final class SeriesRefs {
    private static final int PAGE_BITS = 12;
    private static final int PAGE_SIZE = 1 << PAGE_BITS;
    private static final VarHandle TIMES = MethodHandles.arrayElementVarHandle(long[].class);
    /** The newest time of a ref that must always take the checked path (an alias of another ref). */
    static final long ALWAYS_CHECK = Long.MAX_VALUE;
    /** The newest time of a ref whose series has no committed sample (or that is unknown). */
    static final long NONE = Long.MIN_VALUE;

    /** One page: series and their newest sample times. */
    private record Page(MemSeries[] series, long[] maxTimes) {
    }

    private volatile Page[] pages = new Page[16];

    /** The pages' heap: each page's series and newest-time arrays (the series themselves are counted by the head). */
    long ramBytesUsed() {
        Page[] p = pages;
        long bytes = org.apache.lucene.util.RamUsageEstimator.shallowSizeOf(p);
        for (Page page : p) {
            if (page != null) {
                bytes += org.apache.lucene.util.RamUsageEstimator.shallowSizeOf(page.series())
                        + org.apache.lucene.util.RamUsageEstimator.sizeOf(page.maxTimes());
            }
        }
        return bytes;
    }

    MemSeries get(long ref) {
        Page page = page(ref);
        return page == null ? null : page.series[(int) (ref & (PAGE_SIZE - 1))];
    }

    /**
     * The newest sample time of the series under {@code ref} as of its last append, or
     * {@link #NONE} when it has none (or the ref is unknown). May lag a concurrent append.
     */
    long maxTime(long ref) {
        Page page = page(ref);
        return page == null ? NONE : (long) TIMES.getOpaque(page.maxTimes, (int) (ref & (PAGE_SIZE - 1)));
    }

    private Page page(long ref) {
        if (ref <= 0) {
            return null;
        }
        long index = ref >>> PAGE_BITS;
        Page[] p = pages;
        return index >= p.length ? null : p[(int) index];
    }

    /**
     * Puts {@code series} under {@code ref} with newest time {@code maxTime}; returns the page's
     * time array, which the series updates on append ({@link #slot}).
     */
    synchronized long[] set(long ref, MemSeries series, long maxTime) {
        int index = (int) (ref >>> PAGE_BITS);
        Page[] p = pages;
        if (index >= p.length) {
            p = Arrays.copyOf(p, Math.max(index + 1, p.length * 2));
        }
        if (p[index] == null) {
            long[] times = new long[PAGE_SIZE];
            Arrays.fill(times, NONE);
            p[index] = new Page(new MemSeries[PAGE_SIZE], times);
        }
        Page page = p[index];
        int slot = slot(ref);
        TIMES.setOpaque(page.maxTimes, slot, maxTime);
        page.series[slot] = series;
        pages = p;
        return page.maxTimes;
    }

    static int slot(long ref) {
        return (int) (ref & (PAGE_SIZE - 1));
    }

    /** Records a series' newest sample time in its page (called under the series' lock). */
    static void setMaxTime(long[] times, long ref, long t) {
        TIMES.setOpaque(times, slot(ref), t);
    }
}
