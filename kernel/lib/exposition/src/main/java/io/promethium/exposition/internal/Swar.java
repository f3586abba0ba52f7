package io.promethium.exposition.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * SIMD-within-a-register helpers: test eight bytes of a page at once with long arithmetic, so
 * the scanners of quoted values, line ends and value tokens handle a word per step, not a byte.
 * Words are read little-endian, so the lowest flagged byte is the first in the buffer.
 */
final class Swar {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    static final long ONES = 0x0101010101010101L;
    static final long HIGHS = 0x8080808080808080L;
    static final long QUOTES = ONES * '"';
    static final long BACKSLASHES = ONES * '\\';
    static final long NEWLINES = ONES * '\n';
    static final long SPACES = ONES * ' ';
    static final long TABS = ONES * '\t';

    private Swar() {
    }

    /** The eight bytes at {@code p}, first byte lowest. */
    static long word(byte[] b, int p) {
        return (long) LONGS.get(b, p);
    }

    /**
     * High bit set in the bytes of {@code word} equal to the byte repeated in {@code pattern}.
     * Bytes above a match may be flagged falsely, never the lowest one, so the lowest flag is exact.
     */
    static long byteMask(long word, long pattern) {
        long x = word ^ pattern;
        return (x - ONES) & ~x & HIGHS;
    }
}
