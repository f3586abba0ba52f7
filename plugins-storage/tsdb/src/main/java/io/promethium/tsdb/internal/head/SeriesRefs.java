package io.promethium.tsdb.internal.head;

import java.util.Arrays;

/**
 * Series by ref in pages of a plain array: refs are dense, so a lookup is two array reads and no
 * boxed key. Readers find refs through the postings lock or their own appender, which orders
 * the write before the read.
 */
final class SeriesRefs {
    private static final int PAGE_BITS = 12;
    private static final int PAGE_SIZE = 1 << PAGE_BITS;

    private volatile MemSeries[][] pages = new MemSeries[16][];

    MemSeries get(long ref) {
        if (ref <= 0) {
            return null;
        }
        long page = ref >>> PAGE_BITS;
        MemSeries[][] p = pages;
        if (page >= p.length) {
            return null;
        }
        MemSeries[] slots = p[(int) page];
        return slots == null ? null : slots[(int) (ref & (PAGE_SIZE - 1))];
    }

    synchronized void set(long ref, MemSeries series) {
        int page = (int) (ref >>> PAGE_BITS);
        MemSeries[][] p = pages;
        if (page >= p.length) {
            p = Arrays.copyOf(p, Math.max(page + 1, p.length * 2));
        }
        if (p[page] == null) {
            p[page] = new MemSeries[PAGE_SIZE];
        }
        p[page][(int) (ref & (PAGE_SIZE - 1))] = series;
        pages = p;
    }
}
