package io.promethium.tsdb.internal.block;

import io.promethium.chunks.ChunkFormatException;
import io.promethium.chunks.ChunkIterator;
import io.promethium.chunks.Chunks;
import io.promethium.chunks.XorIterator;
import io.promethium.tsdb.internal.util.GrowableBytes;

/**
 * An aggregate chunk (encoding {@link #ENCODING}) of a downsampled block: one series' windows,
 * each column a float chunk of its own (XOR or decimal, whichever is smaller):
 *
 * <pre>
 * windows:2 (big-endian, as every chunk's count) | 5 × (uvarint length, encoding:1, data) | lastRaw:8
 * </pre>
 *
 * The columns are {@link Aggregate#COUNT}, {@code SUM}, {@code MIN}, {@code MAX} (one point per
 * window, at the timestamp of the window's last raw sample) and {@code COUNTER}: the chunk's first
 * raw sample as it was, then per window the counter at the window's last raw sample with every
 * reset since that first sample added back (so it never decreases inside the chunk); {@code lastRaw}
 * is the raw value of the chunk's last counter sample. A reader joining chunks compares a chunk's
 * first raw value with the previous chunk's {@code lastRaw} to tell a reset between them (the idea
 * of Thanos's aggregate chunks; Thanos marks the last raw value with a repeated timestamp instead).
 */
public final class AggrChunk {
    /** The encoding byte of aggregate chunks in a chunk file; raw chunk encodings stop at 4. */
    public static final byte ENCODING = 16;

    /** The columns, in their order in the chunk. */
    public enum Aggregate {
        COUNT, SUM, MIN, MAX, COUNTER
    }

    static final int COLUMNS = Aggregate.values().length;

    private AggrChunk() {
    }

    /** Builds aggregate chunks into one reused buffer; the column encoder allocates per chunk, never per sample. */
    static final class Encoder {
        private final Chunks columns = new Chunks();
        private final GrowableBytes out = new GrowableBytes(512);

        /**
         * Encodes {@code n} windows from {@code from} (times {@code wt}, columns {@code count ... max}) and
         * {@code cn} counter points from {@code cfrom}; first timestamps are relative to {@code base}.
         */
        void encode(long[] wt, double[] count, double[] sum, double[] min, double[] max, int from, int n,
                long[] ct, double[] cv, int cfrom, int cn, double lastRaw, long base) {
            if (n > 0xffff) {
                throw new IllegalArgumentException(n + " windows do not fit a chunk");
            }
            out.reset();
            out.writeByte(n >>> 8);
            out.writeByte(n);
            column(wt, count, from, n, base);
            column(wt, sum, from, n, base);
            column(wt, min, from, n, base);
            column(wt, max, from, n, base);
            column(ct, cv, cfrom, cn, base);
            out.writeLong(Double.doubleToRawLongBits(lastRaw));
        }

        private void column(long[] ts, double[] vs, int from, int n, long base) {
            byte[] data = columns.encode(ts, vs, from, n, base);
            out.writeUvarint(data.length);
            out.writeByte(columns.encoding());
            out.writeBytes(data, 0, data.length);
        }

        byte[] array() {
            return out.array();
        }

        int length() {
            return out.length();
        }
    }

    /** Where each column of one loaded chunk lies; reused from chunk to chunk. */
    static final class Layout {
        final int[] offset = new int[COLUMNS];
        final int[] length = new int[COLUMNS];
        final byte[] encoding = new byte[COLUMNS];
        int windows;
        double lastRaw;

        /** Parses the chunk in {@code bytes[off, off + len)}; a malformed one is a {@link ChunkFormatException}. */
        void parse(byte[] bytes, int off, int len) {
            int end = off + len;
            if (len < 2 + COLUMNS * 2 + 8) {
                throw new ChunkFormatException("aggregate chunk of " + len + " bytes is too short");
            }
            windows = ((bytes[off] & 0xff) << 8) | (bytes[off + 1] & 0xff);
            int pos = off + 2;
            for (int c = 0; c < COLUMNS; c++) {
                long n = 0;
                for (int shift = 0; ; shift += 7) {
                    if (pos >= end || shift > 28) {
                        throw new ChunkFormatException("aggregate chunk column " + c + ": bad length");
                    }
                    int b = bytes[pos++] & 0xff;
                    n |= (long) (b & 0x7f) << shift;
                    if ((b & 0x80) == 0) {
                        break;
                    }
                }
                if (n < 2 || n > end - pos - 1 - 8) {
                    throw new ChunkFormatException("aggregate chunk column " + c + ": length " + n + " past its end");
                }
                encoding[c] = bytes[pos++];
                offset[c] = pos;
                length[c] = (int) n;
                pos += (int) n;
            }
            if (pos + 8 != end) {
                throw new ChunkFormatException("aggregate chunk has " + (end - pos) + " trailing bytes, not 8");
            }
            long bits = 0;
            for (int i = 0; i < 8; i++) {
                bits = bits << 8 | (bytes[pos + i] & 0xff);
            }
            lastRaw = Double.longBitsToDouble(bits);
            int counted = XorIterator.headerCount(bytes, offset[0]);
            if (counted != windows) {
                throw new ChunkFormatException("aggregate chunk says " + windows + " windows, its count column holds " + counted);
            }
        }

        /** Positions a (reused) iterator at column {@code c}'s first point. */
        ChunkIterator open(byte[] bytes, Aggregate column, long base, ChunkIterator reuse) {
            int c = column.ordinal();
            ChunkIterator it = ChunkIterator.forEncoding(encoding[c], reuse);
            it.reset(bytes, offset[c], length[c], XorIterator.headerCount(bytes, offset[c]), base);
            return it;
        }
    }
}
