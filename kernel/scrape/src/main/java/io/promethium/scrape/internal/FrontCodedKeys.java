package io.promethium.scrape.internal;

import java.util.Arrays;

/**
 * A target's series keys in page order, front-coded as Lucene's terms dictionary and LevelDB's
 * blocks store sorted keys: each key is the length it shares with the one before it, then the
 * rest. A page lists a family's series together, so neighbours share their name and most labels:
 * on node_exporter's page a key's 41 bytes take 15 here, restart points included. Every
 * {@value #RESTART}th key is whole, so any one is rebuilt from at most {@value #RESTART} - 1
 * before it.
 *
 * <p>Read in page order, as each scrape reads it ({@link #walkMatches}), a key whose bytes lie in
 * the page costs two comparisons and no copy; otherwise a cursor decodes it. Two cursors: the
 * scrape's walk down the page, and lookups elsewhere (a hash probe), so a probe does not send the
 * walk back to its restart point.
 *
 * <p>Written once, in order ({@link #append}); then only read, or cut to a prefix. Not
 * thread-safe: one scrape loop owns it.
 */
final class FrontCodedKeys {

    static final int RESTART = 16;
    private static final int RESTART_SHIFT = 4;

    private byte[] bytes;
    private int end;
    /** Where every {@value #RESTART}th record starts. */
    private int[] restarts;
    private int count;
    /** The longest key, so a cursor's buffer is sized once. */
    private int maxLength;
    /** The last key appended, whole: the next one is coded against it. */
    private byte[] last = new byte[0];
    private int lastLength;

    private final Cursor walk = new Cursor();
    private final Cursor probe = new Cursor();

    /**
     * The page walk's last match, when its bytes lie in the page ({@link #walkMatches}): the key at
     * {@code matched} is {@code page[pageOffset, ...)}, and the next record starts at {@code matchedNext}.
     */
    private int matched = -1;
    private int matchedNext;
    private byte[] page;
    private int pageOffset;

    /** A key decoded whole, and where the next record starts. */
    private static final class Cursor {
        byte[] key = new byte[0];
        int length;
        int position = -1;
        int next;
    }

    FrontCodedKeys(int expectedBytes, int expectedKeys) {
        bytes = new byte[Math.max(64, expectedBytes)];
        restarts = new int[Math.max(1, (expectedKeys >> RESTART_SHIFT) + 1)];
    }

    int count() {
        return count;
    }

    /** The bytes the records take, for sizing the next order. */
    int byteLength() {
        return end;
    }

    /** Appends the key {@code buf[off, off+len)}. */
    void append(byte[] buf, int off, int len) {
        int shared = 0;
        if ((count & (RESTART - 1)) == 0) {
            int r = count >> RESTART_SHIFT;
            if (r == restarts.length) {
                restarts = Arrays.copyOf(restarts, r * 2);
            }
            restarts[r] = end;
        } else {
            int max = Math.min(len, lastLength);
            int mismatch = Arrays.mismatch(last, 0, max, buf, off, off + max);
            shared = mismatch < 0 ? max : mismatch;
        }
        int rest = len - shared;
        if (end + rest + 10 > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, end + rest + 10));
        }
        end = writeVarint(bytes, end, shared);
        end = writeVarint(bytes, end, rest);
        System.arraycopy(buf, off + shared, bytes, end, rest);
        end += rest;
        if (len > last.length) {
            last = Arrays.copyOf(last, Math.max(len, last.length * 2));
        }
        System.arraycopy(buf, off + shared, last, shared, rest);
        lastLength = len;
        maxLength = Math.max(maxLength, len);
        count++;
    }

    /**
     * Whether key {@code position} is {@code buf[off, off+len)}, for the scrape's walk down its page,
     * which asks for each position in turn. {@code inPage}: the bytes lie in the page itself, where
     * they stay for the whole scrape (the text formats; protobuf builds each series' bytes in one
     * reused array). Then, when the previous position matched, the key's shared start is compared
     * against the previous series where the page has it and its rest against the record: no copy.
     * Otherwise the walk's cursor decodes the key and compares it whole.
     */
    boolean walkMatches(int position, byte[] buf, int off, int len, boolean inPage) {
        if (inPage && position == matched + 1 && buf == page && position < count) {
            int at = matchedNext;
            int shared = bytes[at];
            int rest = bytes[at + 1];
            if ((shared | rest) >= 0) {
                at += 2;
                if (shared + rest == len && Arrays.equals(buf, pageOffset, pageOffset + shared, buf, off, off + shared)
                        && Arrays.equals(bytes, at, at + rest, buf, off + shared, off + len)) {
                    matched = position;
                    matchedNext = at + rest;
                    pageOffset = off;
                    return true;
                }
                matched = -1;
                return false;
            }
        }
        return walkDecoding(position, buf, off, len, inPage);
    }

    /** {@link #walkMatches} off its fast path: decodes the key with the walk's cursor. */
    private boolean walkDecoding(int position, byte[] buf, int off, int len, boolean inPage) {
        if (!matches(walk, position, buf, off, len)) {
            matched = -1;
            return false;
        }
        if (inPage) {
            matched = position;
            matchedNext = walk.next;
            page = buf;
            pageOffset = off;
        } else {
            matched = -1;
        }
        return true;
    }

    /** Ends a scrape's walk: lets go of its page. */
    void endWalk() {
        matched = -1;
        page = null;
    }

    /** Whether key {@code position} is {@code buf[off, off+len)}, read with the probes' cursor. */
    boolean probeMatches(int position, byte[] buf, int off, int len) {
        return matches(probe, position, buf, off, len);
    }

    private boolean matches(Cursor c, int position, byte[] buf, int off, int len) {
        if (position < 0 || position >= count) {
            return false;
        }
        seek(c, position);
        return c.length == len && Arrays.equals(c.key, 0, len, buf, off, off + len);
    }

    /** The hash ({@link SeriesCache#hash}) of key {@code position}. */
    int hash(int position) {
        seek(probe, position);
        return SeriesCache.hash(probe.key, 0, probe.length);
    }

    /** Keeps the first {@code keep} keys. */
    void truncate(int keep) {
        if (keep >= count) {
            return;
        }
        if (keep == 0) {
            end = 0;
            lastLength = 0;
        } else {
            seek(probe, keep - 1);
            end = probe.next;
            if (last.length < probe.length) {
                last = new byte[probe.length];
            }
            System.arraycopy(probe.key, 0, last, 0, probe.length);
            lastLength = probe.length;
        }
        count = keep;
        walk.position = -1;
        probe.position = -1;
        endWalk();
    }

    /** A copy holding the first {@code keep} keys, with room for {@code expectedKeys} and {@code expectedBytes}. */
    FrontCodedKeys prefix(int keep, int expectedBytes, int expectedKeys) {
        FrontCodedKeys copy = new FrontCodedKeys(expectedBytes, expectedKeys);
        int kept = Math.min(keep, count);
        if (kept > 0) {
            seek(probe, kept - 1);
            int bytesKept = probe.next;
            if (bytesKept > copy.bytes.length) {
                copy.bytes = new byte[bytesKept + bytesKept / 8];
            }
            System.arraycopy(bytes, 0, copy.bytes, 0, bytesKept);
            copy.end = bytesKept;
            int restartsKept = ((kept - 1) >> RESTART_SHIFT) + 1;
            if (restartsKept > copy.restarts.length) {
                copy.restarts = new int[restartsKept * 2];
            }
            System.arraycopy(restarts, 0, copy.restarts, 0, restartsKept);
            copy.count = kept;
            copy.maxLength = maxLength;
            copy.last = Arrays.copyOf(probe.key, Math.max(probe.length, 16));
            copy.lastLength = probe.length;
        }
        return copy;
    }

    /** This, or a copy of it trimmed to fit when more than a quarter of its arrays is unused. */
    FrontCodedKeys trimmed() {
        int restartsUsed = count == 0 ? 1 : ((count - 1) >> RESTART_SHIFT) + 1;
        if (bytes.length <= end + end / 4 + 256 && restarts.length <= restartsUsed + restartsUsed / 4 + 4) {
            return this;
        }
        return prefix(count, end, count);
    }

    /**
     * The heap the keys hold: the records, the restart points and the two cursors' buffers (as
     * large as the longest key once read, so that reading changes no estimate).
     */
    long ramBytesUsed() {
        return HeapLayout.bytes(bytes.length) + HeapLayout.ints(restarts.length) + HeapLayout.bytes(last.length)
                + 2 * HeapLayout.bytes(maxLength);
    }

    /** Decodes key {@code position} into the cursor: on from where it is, else from the restart point before it. */
    private void seek(Cursor c, int position) {
        if (c.position == position) {
            return;
        }
        if (c.key.length < maxLength) {
            // Kept: a walk on from the cursor builds on the key it holds.
            c.key = Arrays.copyOf(c.key, maxLength);
        }
        int at;
        int from;
        if (c.position >= 0 && position > c.position
                && ((position >> RESTART_SHIFT) == (c.position >> RESTART_SHIFT) || position == c.position + 1)) {
            // On from the cursor: within its run, or into the next run's first record (a whole key).
            at = c.next;
            from = c.position + 1;
        } else {
            at = restarts[position >> RESTART_SHIFT];
            from = position & -RESTART;
        }
        byte[] b = bytes;
        byte[] key = c.key;
        int length = c.length;
        for (int i = from; i <= position; i++) {
            long v = readVarint(b, at);
            int shared = (int) v;
            v = readVarint(b, (int) (v >>> 32));
            int rest = (int) v;
            at = (int) (v >>> 32);
            System.arraycopy(b, at, key, shared, rest);
            at += rest;
            length = shared + rest;
        }
        c.length = length;
        c.position = position;
        c.next = at;
    }

    private static int writeVarint(byte[] b, int at, int v) {
        while ((v & ~0x7f) != 0) {
            b[at++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        b[at++] = (byte) v;
        return at;
    }

    /** The varint at {@code at}: its value in the low 32 bits, the offset after it in the high. */
    private static long readVarint(byte[] b, int at) {
        int v = 0;
        int shift = 0;
        byte x;
        do {
            x = b[at++];
            v |= (x & 0x7f) << shift;
            shift += 7;
        } while (x < 0);
        return (v & 0xffffffffL) | ((long) at << 32);
    }
}
