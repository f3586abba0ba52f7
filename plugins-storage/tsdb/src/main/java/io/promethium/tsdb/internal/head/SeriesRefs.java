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
 *
 * <p>It also holds a bound on each series' oldest sample time, never below the true one, so a
 * querier whose range ends before a series' newest sample can tell it holds a sample in range
 * without locking the series: under ingestion, with the range's end fixed while scrapes go on,
 * every live series takes that path, and fetching and locking each series object (while the
 * appender on the other core writes it) was the largest share of a series request's CPU. The
 * page is one array: newest times first, oldest-time bounds in its second half. A series keeps no
 * reference to its page: its writes find it by ref ({@link SeriesWrites}).
 */
final class SeriesRefs {
    private static final int PAGE_BITS = 12;
    private static final int PAGE_SIZE = 1 << PAGE_BITS;
    private static final VarHandle TIMES = MethodHandles.arrayElementVarHandle(long[].class);
    /** The newest time of a ref that must always take the checked path (an alias of another ref). */
    static final long ALWAYS_CHECK = Long.MAX_VALUE;
    /** The newest time of a ref whose series has no committed sample (or that is unknown). */
    static final long NONE = Long.MIN_VALUE;
    /** The oldest-time bound of a ref whose series' oldest sample is not recorded: ask the series. */
    static final long UNKNOWN_MIN = Long.MAX_VALUE;

    /** One page: series, and their newest sample times followed by their oldest-time bounds ({@link #minTime}). */
    private record Page(MemSeries[] series, long[] times) {
    }

    private volatile Page[] pages = new Page[16];

    /** The pages' heap: each page's series and newest-time arrays (the series themselves are counted by the head). */
    long ramBytesUsed() {
        Page[] p = pages;
        long bytes = org.apache.lucene.util.RamUsageEstimator.shallowSizeOf(p);
        for (Page page : p) {
            if (page != null) {
                bytes += org.apache.lucene.util.RamUsageEstimator.shallowSizeOf(page.series())
                        + org.apache.lucene.util.RamUsageEstimator.sizeOf(page.times());
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
        return page == null ? NONE : (long) TIMES.getOpaque(page.times, slot(ref));
    }

    /**
     * A time no earlier than the oldest sample the series under {@code ref} holds (in order or
     * not), or {@link #UNKNOWN_MIN}: lowered to a chunk's start when the series opens one, left
     * by out-of-order appends (they only lower the oldest), and set to what remains by
     * truncation. A querier may read it without the series' lock.
     */
    long minTime(long ref) {
        Page page = page(ref);
        return page == null ? UNKNOWN_MIN : (long) TIMES.getOpaque(page.times, PAGE_SIZE + slot(ref));
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
     * Puts {@code series} under {@code ref} with newest time {@code maxTime}; the series then
     * publishes its times here ({@link #setMaxTime}) as it appends.
     */
    synchronized void set(long ref, MemSeries series, long maxTime) {
        int index = (int) (ref >>> PAGE_BITS);
        Page[] p = pages;
        if (index >= p.length) {
            p = Arrays.copyOf(p, Math.max(index + 1, p.length * 2));
        }
        if (p[index] == null) {
            long[] times = new long[2 * PAGE_SIZE];
            Arrays.fill(times, 0, PAGE_SIZE, NONE);
            Arrays.fill(times, PAGE_SIZE, 2 * PAGE_SIZE, UNKNOWN_MIN);
            p[index] = new Page(new MemSeries[PAGE_SIZE], times);
        }
        Page page = p[index];
        int slot = slot(ref);
        TIMES.setOpaque(page.times, slot, maxTime);
        TIMES.setOpaque(page.times, PAGE_SIZE + slot, UNKNOWN_MIN);
        page.series[slot] = series;
        pages = p;
    }

    private static int slot(long ref) {
        return (int) (ref & (PAGE_SIZE - 1));
    }

    /**
     * Records a series' newest sample time (called under the series' lock, once the series was
     * {@link #set}; a ref without a page is not filed and records nothing).
     */
    void setMaxTime(long ref, long t) {
        Page page = page(ref);
        if (page != null) {
            TIMES.setOpaque(page.times, slot(ref), t);
        }
    }

    /** Records a series' oldest-time bound (called under the series' lock, as {@link #setMaxTime}). */
    void setMinTime(long ref, long t) {
        Page page = page(ref);
        if (page != null) {
            TIMES.setOpaque(page.times, PAGE_SIZE + slot(ref), t);
        }
    }

    /**
     * Lowers a series' oldest-time bound to {@code t}, the start of a chunk it just opened, if it
     * is above (under the series' lock): any time the series holds is no earlier than its oldest,
     * so the bound stays sound. Once per chunk.
     */
    void lowerMinTime(long ref, long t) {
        if (minTime(ref) > t) {
            setMinTime(ref, t);
        }
    }
}
