package io.promethium.scrape.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A growable byte array reused from scrape to scrape, so a steady page size allocates nothing.
 * Allocated on first use: a thousand loops each holding buffers they never use (the gzip one
 * for a target that does not compress) added up to hundreds of megabytes. With a
 * {@link PageBufferPool} the array is taken from the pool on first use and given back by
 * {@link #release}, so loops share arrays instead of each keeping one between scrapes.
 */
final class PageBuffer {

    private static final byte[] NONE = new byte[0];

    private final int initialCapacity;
    /** Where the array comes from and goes back to; null: kept by this buffer. */
    private final PageBufferPool pool;
    private byte[] data = NONE;
    private int length;

    PageBuffer(int initialCapacity) {
        this(initialCapacity, null);
    }

    PageBuffer(int initialCapacity, PageBufferPool pool) {
        this.initialCapacity = Math.max(1024, initialCapacity);
        this.pool = pool;
    }

    byte[] data() {
        return data;
    }

    int length() {
        return length;
    }

    void clear() {
        length = 0;
    }

    void append(ByteBuffer buffer) {
        int n = buffer.remaining();
        ensure(n);
        buffer.get(data, length, n);
        length += n;
    }

    void append(byte[] bytes, int off, int n) {
        ensure(n);
        System.arraycopy(bytes, off, data, length, n);
        length += n;
    }

    /** Room for {@code extra} more bytes; returns the array to write into at {@link #length()}. */
    byte[] ensure(int extra) {
        if (data == NONE && pool != null) {
            byte[] shared = pool.take();
            if (shared != null) {
                data = shared;
            }
        }
        if (data.length - length < extra) {
            long grown = data.length == 0 ? Math.max(initialCapacity, extra) : Math.max((long) data.length * 2, (long) length + extra);
            data = Arrays.copyOf(data, (int) Math.min(Integer.MAX_VALUE - 16, grown));
        }
        return data;
    }

    void advance(int n) {
        length += n;
    }

    /** Empties the buffer and gives its array back to the pool (if any); what it held is no longer valid. */
    void release() {
        length = 0;
        if (pool != null && data != NONE) {
            pool.give(data);
            data = NONE;
        }
    }
}
