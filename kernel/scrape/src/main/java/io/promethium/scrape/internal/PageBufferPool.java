package io.promethium.scrape.internal;

/**
 * Page arrays shared by the loops of one scrape pool. A loop needs its page only while it parses
 * it, and a pool's scrapes are spread over the interval, so a few arrays serve a thousand
 * targets: with one kept per loop, a node_exporter page (85 KB, in a 128 KB array) cost 250 B of
 * heap per series. Arrays come back grown to the pages they held, so a pool of like targets stops
 * growing them after the first scrapes. Bounded: an array given back to a full pool is dropped.
 * Thread-safe.
 */
final class PageBufferPool {

    private final byte[][] free;
    private int count;
    /** The arrays' lengths while they are free, kept as they come and go; arrays in use are their scrape's. */
    private volatile long freeBytes;

    PageBufferPool(int capacity) {
        this.free = new byte[capacity][];
    }

    /** Arrays enough for the scrapes that overlap on this machine's carriers, with room for bursts. */
    static PageBufferPool forScrapes() {
        return new PageBufferPool(Math.max(8, 4 * Runtime.getRuntime().availableProcessors()));
    }

    /** The most recently given back array (the likeliest to be in the CPU cache), or null when none is free. */
    synchronized byte[] take() {
        if (count == 0) {
            return null;
        }
        byte[] b = free[--count];
        free[count] = null;
        freeBytes -= HeapLayout.bytes(b.length);
        return b;
    }

    /** Gives an array back; its contents are garbage to the next taker. */
    synchronized void give(byte[] array) {
        if (count < free.length) {
            free[count++] = array;
            freeBytes += HeapLayout.bytes(array.length);
        }
    }

    /** The heap of the free arrays and the pool's slots. */
    long ramBytesUsed() {
        return HeapLayout.refs(free.length) + freeBytes;
    }

    /** Arrays free now (for tests). */
    synchronized int free() {
        return count;
    }
}
