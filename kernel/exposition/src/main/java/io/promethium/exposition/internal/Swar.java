package io.promethium.exposition.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * SIMD-within-a-register helpers: test eight bytes of a page at once with long arithmetic, so
 * the scanners touch each plain byte of names and values once per word instead of once per byte.
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

    /** Whether every byte of {@code w} is an ASCII letter, digit or underscore. */
    static boolean allWordChars(long w) {
        long ascii = ~w & HIGHS;
        long lower = inRange(w, 'a', 'z');
        long upper = inRange(w, 'A', 'Z');
        long digit = inRange(w, '0', '9');
        long x = w ^ (ONES * '_');
        long underscore = ~(((x & ~HIGHS) + ~HIGHS) | x | ~HIGHS);
        return ((lower | upper | digit | underscore) & ascii) == HIGHS;
    }

    /** High bit of each byte set when that byte's low seven bits lie in {@code [lo, hi]}. */
    private static long inRange(long w, int lo, int hi) {
        long v = w & ~HIGHS;
        long geLo = v + ONES * (0x80 - lo);
        long gtHi = v + ONES * (0x80 - (hi + 1));
        return geLo & ~gtHi & HIGHS;
    }
}
