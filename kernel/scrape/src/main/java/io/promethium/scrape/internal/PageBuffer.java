package io.promethium.scrape.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** A growable byte array reused from scrape to scrape, so a steady page size allocates nothing. */
final class PageBuffer {

    private byte[] data;
    private int length;

    PageBuffer(int initialCapacity) {
        data = new byte[Math.max(1024, initialCapacity)];
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
        if (data.length - length < extra) {
            data = Arrays.copyOf(data, (int) Math.min(Integer.MAX_VALUE - 16, Math.max((long) data.length * 2, (long) length + extra)));
        }
        return data;
    }

    void advance(int n) {
        length += n;
    }
}
