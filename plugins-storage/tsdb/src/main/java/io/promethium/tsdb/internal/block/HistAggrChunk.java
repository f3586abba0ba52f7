package io.promethium.tsdb.internal.block;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.StaleMarker;
import io.promethium.chunks.ChunkFormatException;
import io.promethium.chunks.ChunkIterator;
import io.promethium.chunks.Chunks;
import io.promethium.chunks.Encoding;
import io.promethium.chunks.HistogramChunkAppender;
import io.promethium.chunks.HistogramChunkIterator;
import io.promethium.chunks.XorIterator;
import io.promethium.tsdb.internal.util.GrowableBytes;
import java.util.Arrays;

/**
 * A histogram aggregate chunk of a downsampled block: the windows of one native-histogram series,
 * the histogram counterpart of {@link AggrChunk}. Written in encoding {@link #ENCODING}:
 *
 * <pre>
 * windows:2 | count column (uvarint length, encoding:1, float chunk data) | sum column | counter column
 *   | lastRaw histogram
 * column := hints, uvarint runs, runs × (kind:1, uvarint length, data[length])
 * hints  := uvarint runs, runs × (hint:1, uvarint length)
 * </pre>
 *
 * The count column holds each window's number of histogram samples at the timestamp of its last
 * sample; the sums (every bucket, count and sum added, at the coarsest schema of the window) share
 * those timestamps. The counter is the chunk's first raw histogram as it was, then per window the
 * histogram at its last sample with every reset since the first added back (so no bucket ever
 * decreases inside the chunk), and {@code lastRaw} the chunk's last raw histogram, which a reader
 * joining chunks compares with the next chunk's first one to tell a reset (Thanos's
 * native-histogram aggregates keep the same count, sum and counter).
 *
 * <p>A histogram column is cut into runs of one bucket layout, each a raw histogram chunk
 * (Prometheus's design, the TSDB's own {@link HistogramChunkAppender}): kind 3 (integer: timestamps
 * delta-of-delta, count, zero count and bucket deltas as varbit delta-of-deltas, the sum XORed)
 * when every count of the run is a whole number, else kind 4 (every field XORed). A layout change
 * (a bucket appearing, a coarser schema) starts a new run rather than rewriting the earlier ones
 * with empty buckets, so every histogram reads back exactly as written. A histogram whose sum is
 * the stale NaN (which a histogram chunk reads as a float marker) goes into a kind 0 run: {@code
 * uvarint n, n × (varint t − base, histogram as AggrHistograms#write)}. The column's counter-reset
 * hints come first, run-length encoded (a histogram chunk keeps one per chunk); their count is the
 * column's.
 *
 * <p>Encoding {@link #ENCODING_PLAIN} (written before; still read) has the same count column, then
 * {@code windows × sum histogram}, {@code uvarint n, n × (uvarint t − base, histogram)} counter
 * points and the last raw histogram, each histogram value by value ({@link AggrHistograms#write}).
 */
public final class HistAggrChunk {
    /** The encoding byte of histogram aggregate chunks written now. */
    public static final byte ENCODING = 18;
    /** The encoding byte of histogram aggregate chunks whose histograms are written value by value (read only). */
    public static final byte ENCODING_PLAIN = 17;

    // Run kinds of a histogram column (the raw chunk encodings of FORMAT.md, 0 for value by value).
    private static final byte RUN_PLAIN = 0;
    private static final byte RUN_INT = Encoding.HISTOGRAM;
    private static final byte RUN_FLOAT = Encoding.FLOAT_HISTOGRAM;

    private HistAggrChunk() {
    }

    /** Whether {@code encoding} is a histogram aggregate chunk's (either version). */
    public static boolean isHistogramAggregate(byte encoding) {
        return encoding == ENCODING || encoding == ENCODING_PLAIN;
    }

    /** Builds chunks into one reused buffer. */
    static final class Encoder {
        private final Chunks columns = new Chunks();
        private final GrowableBytes out = new GrowableBytes(1024);
        private final GrowableBytes run = new GrowableBytes(256);

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
            column(wt, sum, n, base);
            column(ct, cv, cn, base);
            AggrHistograms.write(out, lastRaw);
        }

        private void column(long[] ts, FloatHistogram[] hs, int n, long base) {
            int hintRuns = 0;
            for (int i = 0; i < n; i = hintEnd(hs, i, n)) {
                hintRuns++;
            }
            out.writeUvarint(hintRuns);
            for (int i = 0; i < n; ) {
                int end = hintEnd(hs, i, n);
                out.writeByte(hs[i].counterResetHint().ordinal());
                out.writeUvarint(end - i);
                i = end;
            }
            int runs = 0;
            for (int i = 0; i < n; i = runEnd(hs, i, n)) {
                runs++;
            }
            out.writeUvarint(runs);
            for (int i = 0; i < n; ) {
                int end = runEnd(hs, i, n);
                byte kind = kind(hs[i]);
                out.writeByte(kind);
                if (kind == RUN_PLAIN) {
                    run.reset();
                    run.writeUvarint(end - i);
                    for (int k = i; k < end; k++) {
                        run.writeVarint(ts[k] - base);
                        AggrHistograms.write(run, hs[k]);
                    }
                    out.writeUvarint(run.length());
                    out.writeBytes(run.array(), 0, run.length());
                } else {
                    HistogramChunkAppender app = kind == RUN_INT
                            ? HistogramChunkAppender.forHistogram(integer(hs[i]), CounterResetHint.UNKNOWN, 64, base)
                            : HistogramChunkAppender.forFloatHistogram(hs[i], CounterResetHint.UNKNOWN, 64, base);
                    for (int k = i; k < end; k++) {
                        if (kind == RUN_INT) {
                            app.append(ts[k], integer(hs[k]));
                        } else {
                            app.append(ts[k], hs[k]);
                        }
                    }
                    out.writeUvarint(app.byteLength());
                    out.writeBytes(app.buffer(), 0, app.byteLength());
                }
                i = end;
            }
        }

        private static int hintEnd(FloatHistogram[] hs, int from, int n) {
            int j = from + 1;
            while (j < n && hs[j].counterResetHint() == hs[from].counterResetHint()) {
                j++;
            }
            return j;
        }

        /** The end of the run starting at {@code from}: same kind, and for chunk runs the same layout. */
        private static int runEnd(FloatHistogram[] hs, int from, int n) {
            byte kind = kind(hs[from]);
            int j = from + 1;
            // A histogram chunk counts its samples in 16 bits.
            while (j < n && j - from < 0xffff && kind(hs[j]) == kind && (kind == RUN_PLAIN || sameLayout(hs[from], hs[j]))) {
                j++;
            }
            return j;
        }

        private static byte kind(FloatHistogram h) {
            if (StaleMarker.isStale(h.sum())) {
                return RUN_PLAIN;
            }
            if (!whole(h.count()) || !whole(h.zeroCount())) {
                return RUN_FLOAT;
            }
            for (int i = 0; i < h.positiveBucketCount(); i++) {
                if (!whole(h.positiveBucket(i))) {
                    return RUN_FLOAT;
                }
            }
            for (int i = 0; i < h.negativeBucketCount(); i++) {
                if (!whole(h.negativeBucket(i))) {
                    return RUN_FLOAT;
                }
            }
            return RUN_INT;
        }

        /** Whether {@code v} reads back exactly from a long (and bucket deltas of such values fit one). */
        private static boolean whole(double v) {
            return v == Math.rint(v) && Math.abs(v) < 0x1p52 && Double.doubleToRawLongBits(v) != Long.MIN_VALUE;
        }

        private static boolean sameLayout(FloatHistogram a, FloatHistogram b) {
            return a.schema() == b.schema() && Double.compare(a.zeroThreshold(), b.zeroThreshold()) == 0
                    && a.positiveSpans().equals(b.positiveSpans()) && a.negativeSpans().equals(b.negativeSpans())
                    && Arrays.equals(a.customValues(), b.customValues());
        }

        /** {@code h} (whole counts, see {@link #kind}) as an integer histogram: bucket counts as deltas. */
        private static Histogram integer(FloatHistogram h) {
            return new Histogram(CounterResetHint.UNKNOWN, h.schema(), h.zeroThreshold(), (long) h.zeroCount(), (long) h.count(), h.sum(),
                    h.positiveSpans(), deltas(h, true), h.negativeSpans(), deltas(h, false), h.customValues());
        }

        private static long[] deltas(FloatHistogram h, boolean positive) {
            int n = positive ? h.positiveBucketCount() : h.negativeBucketCount();
            long[] out = new long[n];
            long prev = 0;
            for (int i = 0; i < n; i++) {
                long v = (long) (positive ? h.positiveBucket(i) : h.negativeBucket(i));
                out[i] = v - prev;
                prev = v;
            }
            return out;
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
        private long[] st = new long[0];
        private CounterResetHint[] hints = new CounterResetHint[0];
        private ChunkIterator it;
        private final HistogramChunkIterator ints = new HistogramChunkIterator(false);
        private final HistogramChunkIterator floats = new HistogramChunkIterator(true);

        /**
         * Decodes the chunk of encoding {@code encoding} ({@link #ENCODING} or {@link #ENCODING_PLAIN})
         * in {@code bytes[off, off + len)} whose times are relative to {@code base}.
         */
        void decode(byte encoding, byte[] bytes, int off, int len, long base) {
            if (!isHistogramAggregate(encoding)) {
                throw new ChunkFormatException("chunk of encoding " + encoding + " is not a histogram aggregate chunk");
            }
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
            byte countEncoding = bytes[pos[0]++];
            int counted = XorIterator.headerCount(bytes, pos[0]);
            if (counted != windows) {
                throw new ChunkFormatException("histogram aggregate chunk says " + windows + " windows, its count column holds " + counted);
            }
            grow(windows);
            it = ChunkIterator.forEncoding(countEncoding, it);
            it.reset(bytes, pos[0], (int) n, counted, base);
            for (int i = 0; i < windows; i++) {
                if (!it.next()) {
                    throw new ChunkFormatException("histogram aggregate chunk: count column ends early");
                }
                wt[i] = it.t();
                count[i] = it.v();
            }
            pos[0] += (int) n;
            if (encoding == ENCODING_PLAIN) {
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
            } else {
                int sums = column(bytes, pos, end, base, st, sum, windows, "sum");
                if (sums != windows) {
                    throw new ChunkFormatException("histogram aggregate chunk: " + sums + " sums for " + windows + " windows");
                }
                for (int i = 0; i < windows; i++) {
                    if (st[i] != wt[i]) {
                        throw new ChunkFormatException("histogram aggregate chunk: sum " + i + " at " + st[i] + ", its window at " + wt[i]);
                    }
                }
                counters = column(bytes, pos, end, base, ct, cv, windows + 1, "counter");
            }
            lastRaw = AggrHistograms.read(bytes, pos, end);
            if (pos[0] != end) {
                throw new ChunkFormatException("histogram aggregate chunk has " + (end - pos[0]) + " trailing bytes");
            }
        }

        /** Reads a histogram column of at most {@code max} points into {@code ts}, {@code hs}; returns how many. */
        private int column(byte[] bytes, int[] pos, int end, long base, long[] ts, FloatHistogram[] hs, int max, String name) {
            long hintRuns = uvarint(bytes, pos, end);
            int total = 0;
            for (long r = 0; r < hintRuns; r++) {
                if (pos[0] >= end) {
                    throw new ChunkFormatException("histogram aggregate chunk: " + name + " hints truncated");
                }
                int hint = bytes[pos[0]++] & 0xff;
                long len = uvarint(bytes, pos, end);
                if (hint > 3 || len > max - total) {
                    throw new ChunkFormatException("histogram aggregate chunk: bad " + name + " hints");
                }
                Arrays.fill(hints, total, total + (int) len, CounterResetHint.of(hint));
                total += (int) len;
            }
            long runs = uvarint(bytes, pos, end);
            if (runs > total) {
                throw new ChunkFormatException("histogram aggregate chunk: " + runs + " runs for " + total + " " + name + " points");
            }
            int n = 0;
            for (long r = 0; r < runs; r++) {
                if (pos[0] >= end) {
                    throw new ChunkFormatException("histogram aggregate chunk: " + name + " column truncated");
                }
                byte kind = bytes[pos[0]++];
                long len = uvarint(bytes, pos, end);
                if (len > end - pos[0]) {
                    throw new ChunkFormatException("histogram aggregate chunk: " + name + " run of " + len + " bytes past its end");
                }
                int runEnd = pos[0] + (int) len;
                if (kind == RUN_PLAIN) {
                    long k = uvarint(bytes, pos, runEnd);
                    if (k > total - n) {
                        throw new ChunkFormatException("histogram aggregate chunk: more " + name + " points than hints");
                    }
                    for (long i = 0; i < k; i++, n++) {
                        ts[n] = base + varint(bytes, pos, runEnd);
                        FloatHistogram x = AggrHistograms.read(bytes, pos, runEnd);
                        hs[n] = x.counterResetHint() == hints[n] ? x : withHint(x, hints[n]);
                    }
                    if (pos[0] != runEnd) {
                        throw new ChunkFormatException("histogram aggregate chunk: " + name + " run has trailing bytes");
                    }
                } else if (kind == RUN_INT || kind == RUN_FLOAT) {
                    if (len < 3) {
                        throw new ChunkFormatException("histogram aggregate chunk: " + name + " run of " + len + " bytes");
                    }
                    int k = XorIterator.headerCount(bytes, pos[0]);
                    if (k > total - n) {
                        throw new ChunkFormatException("histogram aggregate chunk: more " + name + " points than hints");
                    }
                    HistogramChunkIterator h = kind == RUN_INT ? ints : floats;
                    h.reset(bytes, pos[0], (int) len, k, base);
                    for (int i = 0; i < k; i++, n++) {
                        if (!h.next()) {
                            throw new ChunkFormatException("histogram aggregate chunk: " + name + " run ends early");
                        }
                        ts[n] = h.t();
                        hs[n] = withHint(h.floatHistogram(), hints[n]); // a copy: the iterator refills its histogram
                    }
                    pos[0] = runEnd;
                } else {
                    throw new ChunkFormatException("histogram aggregate chunk: unknown run kind " + kind + " in its " + name + " column");
                }
            }
            if (n != total) {
                throw new ChunkFormatException("histogram aggregate chunk: " + n + " " + name + " points for " + total + " hints");
            }
            return n;
        }

        private static FloatHistogram withHint(FloatHistogram x, CounterResetHint hint) {
            return new FloatHistogram(hint, x.schema(), x.zeroThreshold(), x.zeroCount(), x.count(), x.sum(), x.positiveSpans(),
                    x.positiveBuckets(), x.negativeSpans(), x.negativeBuckets(), x.customValues());
        }

        private void grow(int n) {
            if (wt.length < n + 1) {
                wt = new long[n + 1];
                st = new long[n + 1];
                count = new double[n + 1];
                sum = new FloatHistogram[n + 1];
                ct = new long[n + 1];
                cv = new FloatHistogram[n + 1];
                hints = new CounterResetHint[n + 1];
            }
        }

        private static long varint(byte[] b, int[] pos, int end) {
            long u = uvarint(b, pos, end);
            return (u >>> 1) ^ -(u & 1);
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
