package io.promethium.scrape.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A fingerprint of a text page's comment lines (a line whose first non-blank byte is {@code #},
 * as the parsers read it): the only lines TYPE, HELP and UNIT come from. Equal fingerprints mean
 * the page's metadata has not changed since it was last read, so the periodic metadata pass
 * builds no strings for it. Eight bytes per step: the pass walks the whole page.
 */
final class CommentLines {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long NEWLINES = ONES * '\n';
    private static final long MIX = 0x9E3779B97F4A7C15L;

    private CommentLines() {
    }

    /**
     * The fingerprint of the comment lines in {@code b[from, to)}, their order and line ends
     * included; never 0 (0 stands for "none" to callers).
     */
    static long fingerprint(byte[] b, int from, int to) {
        long h = 0x6A09E667F3BCC909L;
        int p = from;
        while (p < to) {
            int q = p;
            while (q < to && (b[q] == ' ' || b[q] == '\t')) {
                q++;
            }
            if (q < to && b[q] == '#') {
                // A comment line: hashed word by word up to its newline (included).
                int i = p;
                while (true) {
                    if (i + 8 <= to) {
                        long w = (long) LONGS.get(b, i);
                        long nl = newlines(w);
                        if (nl == 0) {
                            h = mix(h, w);
                            i += 8;
                            continue;
                        }
                        int n = (Long.numberOfTrailingZeros(nl) >>> 3) + 1;
                        // The line's last bytes, newline included; the next line's bytes masked off.
                        h = mix(h, n == 8 ? w : w & ((1L << (n * 8)) - 1));
                        p = i + n;
                        break;
                    }
                    int e = i;
                    while (e < to && b[e] != '\n') {
                        e++;
                    }
                    long w = 0;
                    int last = e < to ? e + 1 : to;
                    for (int k = last - 1; k >= i; k--) {
                        w = w << 8 | (b[k] & 0xff);
                    }
                    h = mix(h, w ^ (last - i));
                    p = last;
                    break;
                }
            } else {
                p = nextLine(b, q, to);
            }
        }
        return h == 0 ? 1 : h;
    }

    /** The offset after the line that {@code p} is in (its newline included), or {@code to}. */
    static int nextLine(byte[] b, int p, int to) {
        while (p + 8 <= to) {
            long nl = newlines((long) LONGS.get(b, p));
            if (nl != 0) {
                return p + (Long.numberOfTrailingZeros(nl) >>> 3) + 1;
            }
            p += 8;
        }
        while (p < to && b[p] != '\n') {
            p++;
        }
        return p < to ? p + 1 : to;
    }

    /** High bit set in the newline bytes of {@code w}; exact for the lowest one. */
    private static long newlines(long w) {
        long x = w ^ NEWLINES;
        return (x - ONES) & ~x & HIGHS;
    }

    private static long mix(long h, long w) {
        h = (h ^ w) * MIX;
        return h ^ (h >>> 29);
    }
}
