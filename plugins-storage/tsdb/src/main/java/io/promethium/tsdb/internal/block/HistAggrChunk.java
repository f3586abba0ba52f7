package io.promethium.tsdb.internal.block;

import io.promethium.api.model.FloatHistogram;
import io.promethium.chunks.ChunkFormatException;
import io.promethium.chunks.ChunkIterator;
import io.promethium.chunks.Chunks;
import io.promethium.chunks.XorIterator;
import io.promethium.tsdb.internal.util.GrowableBytes;

/**
 * A histogram aggregate chunk (encoding {@link #ENCODING}) of a downsampled block: the windows of
 * one native-histogram series, the histogram counterpart of {@link AggrChunk}:
 *
 * <pre>
 * windows:2 | count column (uvarint length, encoding:1, float chunk data) | windows × sum histogram
 *   | counter points: uvarint n, n × (uvarint t − base, histogram) | lastRaw histogram
 * </pre>
 *
 * The count column holds each window's number of histogram samples at the timestamp of its last
 * sample; the sums (every bucket, count and sum added, at the coarsest schema of the window) share
 * those timestamps. The counter is the chunk's first raw histogram as it was, then per window the
 * histogram at its last sample with every reset since the first added back (so no bucket ever
 * decreases inside the chunk), and {@code lastRaw} the chunk's last raw histogram, which a reader
 * joining chunks compares with the next chunk's first one to tell a reset (Thanos's
 * native-histogram aggregates keep the same count, sum and counter). Histograms are written by
 * {@link AggrHistograms#write}: whole counts as varints, other values as 8 bytes (see the README's figures).
 */
public final class HistAggrChunk {
    /** The encoding byte of histogram aggregate chunks in a chunk file. */
    public static final byte ENCODING = 17;

    private HistAggrChunk() {
    }

    /** Builds chunks into one reused buffer. */
    static final class Encoder {
        private final Chunks columns = new Chunks();
        private final GrowableBytes out = new GrowableBytes(1024);

        void encode(long[] wt, double[] count, FloatHistogram[] sum, int n, long[] ct, FloatHistogram[] cv, int cn,
                FloatHistogram lastRaw, long base) {
            if (n > 0xffff) {
                throw new IllegalArgumentException(n + " windows do not fit a chunk");
            }
            out.reset();
            out.writeByte(n >>> 8);
            out.writeByte(n);
            byte[] data = columns.encode(wt, count, 0, n, base);
            out.writeUvarint(data.length);
            out.writeByte(columns.encoding());
            out.writeBytes(data, 0, data.length);
            for (int i = 0; i < n; i++) {
                AggrHistograms.write(out, sum[i]);
            }
            out.writeUvarint(cn);
            for (int i = 0; i < cn; i++) {
                out.writeUvarint(ct[i] - base);
                AggrHistograms.write(out, cv[i]);
            }
            AggrHistograms.write(out, lastRaw);
        }

        byte[] array() {
            return out.array();
        }

        int length() {
            return out.length();
        }
    }

    /** One chunk decoded whole (histograms allocate anyway; chunks hold at most 120 windows). */
    static final class Decoded {
        int windows;
        long[] wt = new long[0];
        double[] count = new double[0];
        FloatHistogram[] sum = new FloatHistogram[0];
        int counters;
        long[] ct = new long[0];
        FloatHistogram[] cv = new FloatHistogram[0];
        FloatHistogram lastRaw;
        private ChunkIterator it;

        /** Decodes the chunk in {@code bytes[off, off + len)} whose times are relative to {@code base}. */
        void decode(byte[] bytes, int off, int len, long base) {
            int end = off + len;
            if (len < 4) {
                throw new ChunkFormatException("histogram aggregate chunk of " + len + " bytes is too short");
            }
            windows = ((bytes[off] & 0xff) << 8) | (bytes[off + 1] & 0xff);
            int[] pos = {off + 2};
            long n = uvarint(bytes, pos, end);
            if (n < 2 || n > end - pos[0] - 1) {
                throw new ChunkFormatException("histogram aggregate chunk: count column length " + n + " past its end");
            }
            byte encoding = bytes[pos[0]++];
            int counted = XorIterator.headerCount(bytes, pos[0]);
            if (counted != windows) {
                throw new ChunkFormatException("histogram aggregate chunk says " + windows + " windows, its count column holds " + counted);
            }
            grow(windows);
            it = ChunkIterator.forEncoding(encoding, it);
            it.reset(bytes, pos[0], (int) n, counted, base);
            for (int i = 0; i < windows; i++) {
                if (!it.next()) {
                    throw new ChunkFormatException("histogram aggregate chunk: count column ends early");
                }
                wt[i] = it.t();
                count[i] = it.v();
            }
            pos[0] += (int) n;
            for (int i = 0; i < windows; i++) {
                sum[i] = AggrHistograms.read(bytes, pos, end);
            }
            long c = uvarint(bytes, pos, end);
            if (c > windows + 1L) {
                throw new ChunkFormatException("histogram aggregate chunk: " + c + " counter points for " + windows + " windows");
            }
            counters = (int) c;
            for (int i = 0; i < counters; i++) {
                ct[i] = base + uvarint(bytes, pos, end);
                cv[i] = AggrHistograms.read(bytes, pos, end);
            }
            lastRaw = AggrHistograms.read(bytes, pos, end);
            if (pos[0] != end) {
                throw new ChunkFormatException("histogram aggregate chunk has " + (end - pos[0]) + " trailing bytes");
            }
        }

        private void grow(int n) {
            if (wt.length < n + 1) {
                wt = new long[n + 1];
                count = new double[n + 1];
                sum = new FloatHistogram[n + 1];
                ct = new long[n + 1];
                cv = new FloatHistogram[n + 1];
            }
        }

        private static long uvarint(byte[] b, int[] pos, int end) {
            long v = 0;
            for (int shift = 0; ; shift += 7) {
                if (pos[0] >= end || shift > 63) {
                    throw new ChunkFormatException("histogram aggregate chunk: bad varint");
                }
                int x = b[pos[0]++] & 0xff;
                v |= (long) (x & 0x7f) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
        }
    }
}
