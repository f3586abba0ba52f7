package io.promethium.tsdb.internal.start;

import io.promethium.tsdb.internal.util.ByteReader;
import io.promethium.tsdb.internal.util.GrowableBytes;

import java.util.Arrays;

/**
 * One series' sample start timestamps as change points: from sample time {@code at[k]} on (until
 * the next change point) samples start at {@code st[k]} (0: none). A cumulative counter changes
 * start only when it resets, so it costs one point per reset; delta samples (each starting at the
 * previous one) cost one per sample. Exact for any append order: an out-of-order sample whose
 * start differs gets the range {@code [t, t + 1)} of its own. Guarded by {@code this}.
 */
public final class StartTimes {
    private long[] at = new long[4];
    private long[] st = new long[4];
    private int n;
    /** The newest sample time recorded, so in-order records (the usual case) just append. */
    private long maxT = Long.MIN_VALUE;

    /** Records that the sample at {@code t} starts at {@code start} (0: none). */
    public synchronized void record(long t, long start) {
        if (t > maxT) {
            maxT = t;
            if (valueAt(t) != start) {
                insert(n, t, start);
            }
            return;
        }
        long old = valueAt(t);
        if (old == start) {
            return;
        }
        int k = indexAfter(t);
        // k: first change point after t. Keep what held after t, then give t its own start.
        if (k == n || at[k] != t + 1) {
            insert(k, t + 1, old);
        }
        if (k > 0 && at[k - 1] == t) {
            st[k - 1] = start;
        } else {
            insert(k, t, start);
        }
    }

    /** The start of the sample at {@code t} (0: none). */
    public synchronized long valueAt(long t) {
        int k = indexAfter(t) - 1;
        return k < 0 ? 0 : st[k];
    }

    /** Index of the first change point after {@code t}. */
    private int indexAfter(long t) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (at[mid] <= t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private void insert(int k, long t, long start) {
        if (n == at.length) {
            at = Arrays.copyOf(at, n * 2);
            st = Arrays.copyOf(st, n * 2);
        }
        System.arraycopy(at, k, at, k + 1, n - k);
        System.arraycopy(st, k, st, k + 1, n - k);
        at[k] = t;
        st[k] = start;
        n++;
    }

    /** Drops change points no sample at or after {@code mint} needs; returns whether none is left that says anything. */
    public synchronized boolean truncateBefore(long mint) {
        int k = indexAfter(mint) - 1;
        if (k > 0) {
            System.arraycopy(at, k, at, 0, n - k);
            System.arraycopy(st, k, st, 0, n - k);
            n -= k;
        }
        for (int i = 0; i < n; i++) {
            if (st[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** A copy of the change points as they are now, for a reader. */
    public synchronized Points snapshot() {
        return new Points(Arrays.copyOf(at, n), Arrays.copyOf(st, n), n);
    }

    public synchronized int size() {
        return n;
    }

    /** Immutable change points (see {@link StartTimes}); what readers and blocks use. */
    public record Points(long[] at, long[] st, int n) {
        public static final Points NONE = new Points(new long[0], new long[0], 0);

        /**
         * Serialized (the block index's {@code #st} field): uvarint count, then per point the time
         * as a varint difference from the previous point's (the first from 0) and the start as a
         * varint difference from its time (0 for none, which as a difference would be -time).
         */
        public byte[] encode() {
            GrowableBytes out = new GrowableBytes(4 + n * 6);
            out.writeUvarint(n);
            long prev = 0;
            for (int i = 0; i < n; i++) {
                out.writeVarint(at[i] - prev);
                prev = at[i];
                out.writeByte(st[i] == 0 ? 0 : 1);
                if (st[i] != 0) {
                    out.writeVarint(st[i] - at[i]);
                }
            }
            return out.toByteArray();
        }

        /** Reads {@link #encode}'s form; throws IllegalArgumentException on malformed bytes. */
        public static Points decode(byte[] bytes, int offset, int length) {
            ByteReader in = new ByteReader(bytes, offset, length);
            try {
                long count = in.readUvarint();
                if (count < 0 || count > length) {
                    throw new IllegalArgumentException("start timestamps: bad count " + count);
                }
                int c = (int) count;
                long[] at = new long[c];
                long[] st = new long[c];
                long prev = 0;
                for (int i = 0; i < c; i++) {
                    at[i] = prev + in.readVarint();
                    if (i > 0 && at[i] <= prev) {
                        throw new IllegalArgumentException("start timestamps: change points out of order");
                    }
                    prev = at[i];
                    st[i] = in.readByte() == 0 ? 0 : at[i] + in.readVarint();
                }
                return new Points(at, st, c);
            } catch (RuntimeException e) {
                if (e instanceof IllegalArgumentException) {
                    throw e;
                }
                throw new IllegalArgumentException("start timestamps: truncated (" + e.getMessage() + ")", e);
            }
        }

        /** Change points of samples read in time order: builds them as {@link StartTimes#record} would. */
        public static final class Builder {
            private long[] at = new long[4];
            private long[] st = new long[4];
            private int n;
            private long current;

            public void add(long t, long start) {
                if (start != current) {
                    if (n == at.length) {
                        at = Arrays.copyOf(at, n * 2);
                        st = Arrays.copyOf(st, n * 2);
                    }
                    at[n] = t;
                    st[n] = start;
                    n++;
                    current = start;
                }
            }

            public void reset() {
                n = 0;
                current = 0;
            }

            /** The points, or null when no sample had a start. */
            public Points build() {
                return n == 0 ? null : new Points(Arrays.copyOf(at, n), Arrays.copyOf(st, n), n);
            }
        }
    }
}
