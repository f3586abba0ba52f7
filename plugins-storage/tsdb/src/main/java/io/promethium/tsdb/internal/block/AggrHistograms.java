package io.promethium.tsdb.internal.block;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.chunks.ChunkFormatException;
import io.promethium.tsdb.internal.util.GrowableBytes;
import java.util.Arrays;

/**
 * The native-histogram arithmetic downsampling needs: sums and differences of float histograms
 * (at the coarser of two exponential schemas, as Prometheus's {@code FloatHistogram.Add}/{@code Sub}),
 * Prometheus's counter-reset detection, and the histograms' encoding inside a histogram aggregate
 * chunk. Written here because the engine's histogram arithmetic lives in the kernel, which a plugin
 * may not import. Two histograms are <em>compatible</em> when both use exponential buckets with the
 * same zero threshold, or both the same custom bounds; only compatible histograms are added.
 */
public final class AggrHistograms {
    private AggrHistograms() {
    }

    /**
     * {@code total} plus the increase of a counter from {@code prev} to {@code cur}: all of
     * {@code cur} after a reset. When {@code cur} cannot be added to {@code total} (its zero
     * threshold or custom bounds changed), the total restarts at {@code cur}, which a reader then
     * sees as a reset, as raw data has one there.
     */
    public static FloatHistogram increase(FloatHistogram total, FloatHistogram prev, FloatHistogram cur) {
        if (detectReset(cur, prev)) {
            return compatible(total, cur) ? add(total, cur, 1, CounterResetHint.NOT_COUNTER_RESET) : cur;
        }
        return add(total, add(cur, prev, -1, CounterResetHint.UNKNOWN), 1, CounterResetHint.NOT_COUNTER_RESET);
    }

    /** Whether {@code a} and {@code b} can be added (see the class comment). */
    public static boolean compatible(FloatHistogram a, FloatHistogram b) {
        if (a.usesCustomBuckets() != b.usesCustomBuckets()) {
            return false;
        }
        if (a.usesCustomBuckets()) {
            return Arrays.equals(a.customValues(), b.customValues());
        }
        return a.zeroThreshold() == b.zeroThreshold();
    }

    /**
     * {@code a + sign·b} (sign 1 or -1) at the coarser schema of the two, with hint {@code hint}; the
     * caller has checked {@link #compatible}. Buckets present in either are kept, zero ones too.
     */
    public static FloatHistogram add(FloatHistogram a, FloatHistogram b, double sign, CounterResetHint hint) {
        if (a.schema() == b.schema() && a.positiveSpans().equals(b.positiveSpans()) && a.negativeSpans().equals(b.negativeSpans())) {
            // The usual case (a scrape after another with no new bucket): bucket by bucket.
            return new FloatHistogram(hint, a.schema(), a.zeroThreshold(), a.zeroCount() + sign * b.zeroCount(),
                    a.count() + sign * b.count(), a.sum() + sign * b.sum(), a.positiveSpans(),
                    addAll(a, b, sign, true), a.negativeSpans(), addAll(a, b, sign, false), a.customValues());
        }
        int schema = a.usesCustomBuckets() ? a.schema() : Math.min(a.schema(), b.schema());
        long[] pos = merge(a.positiveSpans(), a.positiveBuckets(), a.schema(), b.positiveSpans(), b.positiveBuckets(), b.schema(),
                schema, sign, a.usesCustomBuckets());
        long[] neg = merge(a.negativeSpans(), a.negativeBuckets(), a.schema(), b.negativeSpans(), b.negativeBuckets(), b.schema(),
                schema, sign, a.usesCustomBuckets());
        return new FloatHistogram(hint, schema, a.zeroThreshold(), a.zeroCount() + sign * b.zeroCount(),
                a.count() + sign * b.count(), a.sum() + sign * b.sum(), spans(pos), values(pos), spans(neg), values(neg),
                a.customValues());
    }

    /**
     * Whether {@code cur} follows a counter reset after {@code prev}, as Prometheus's
     * {@code DetectReset}: an explicit reset hint, incompatible layouts, a finer schema, or a count
     * going down in the total, the zero bucket or any bucket (compared at {@code cur}'s schema).
     */
    public static boolean detectReset(FloatHistogram cur, FloatHistogram prev) {
        if (cur.counterResetHint() == CounterResetHint.COUNTER_RESET) {
            return true;
        }
        if (!compatible(cur, prev) || (!cur.usesCustomBuckets() && cur.schema() > prev.schema())) {
            return true;
        }
        if (cur.count() < prev.count() || cur.zeroCount() < prev.zeroCount()) {
            return true;
        }
        FloatHistogram d = add(cur, prev, -1, CounterResetHint.UNKNOWN);
        for (double v : d.positiveBuckets()) {
            if (v < 0) {
                return true;
            }
        }
        for (double v : d.negativeBuckets()) {
            if (v < 0) {
                return true;
            }
        }
        return false;
    }

    /** The bucket index {@code index} of schema {@code from} in the coarser schema {@code to} (Prometheus's targetIdx). */
    static int reduce(int index, int from, int to) {
        return from == to ? index : ((index - 1) >> (from - to)) + 1;
    }

    private static double[] addAll(FloatHistogram a, FloatHistogram b, double sign, boolean positive) {
        double[] out = new double[positive ? a.positiveBucketCount() : a.negativeBucketCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = positive ? a.positiveBucket(i) + sign * b.positiveBucket(i) : a.negativeBucket(i) + sign * b.negativeBucket(i);
        }
        return out;
    }

    /** Merged (index, value bits) pairs, packed index-high, sorted by index. */
    private static long[] merge(HistogramSpans sa, double[] va, int schemaA, HistogramSpans sb, double[] vb, int schemaB,
            int schema, double sign, boolean custom) {
        int[] ia = sa.indexes(null);
        int[] ib = sb.indexes(null);
        int na = sa.bucketCount();
        int nb = sb.bucketCount();
        // Both index lists ascend, and mapping to a coarser schema keeps them ascending (with
        // repeats): one merge pass, repeats summed.
        long[] out = new long[2 * (na + nb)];
        int m = 0;
        int i = 0;
        int j = 0;
        while (i < na || j < nb) {
            int xa = i < na ? (custom ? ia[i] : reduce(ia[i], schemaA, schema)) : Integer.MAX_VALUE;
            int xb = j < nb ? (custom ? ib[j] : reduce(ib[j], schemaB, schema)) : Integer.MAX_VALUE;
            int idx;
            double v;
            if (i < na && (j >= nb || xa <= xb)) {
                idx = xa;
                v = va[i++];
            } else {
                idx = xb;
                v = sign * vb[j++];
            }
            if (m > 0 && (int) out[2 * (m - 1)] == idx) {
                out[2 * (m - 1) + 1] = Double.doubleToRawLongBits(Double.longBitsToDouble(out[2 * (m - 1) + 1]) + v);
            } else {
                out[2 * m] = idx;
                out[2 * m + 1] = Double.doubleToRawLongBits(v);
                m++;
            }
        }
        return Arrays.copyOf(out, 2 * m);
    }

    private static HistogramSpans spans(long[] pairs) {
        int n = pairs.length / 2;
        if (n == 0) {
            return HistogramSpans.EMPTY;
        }
        int[] offsets = new int[n];
        int[] lengths = new int[n];
        int spans = 0;
        int last = 0;
        for (int i = 0; i < n; i++) {
            int index = (int) pairs[2 * i];
            if (i > 0 && index == last + 1) {
                lengths[spans - 1]++;
            } else {
                offsets[spans] = i == 0 ? index : index - last - 1;
                lengths[spans++] = 1;
            }
            last = index;
        }
        return HistogramSpans.of(Arrays.copyOf(offsets, spans), Arrays.copyOf(lengths, spans));
    }

    private static double[] values(long[] pairs) {
        double[] out = new double[pairs.length / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = Double.longBitsToDouble(pairs[2 * i + 1]);
        }
        return out;
    }

    /**
     * Appends {@code h}: hint:1, schema (zig-zag varint), zero threshold, zero count, count and sum
     * (numbers, below), positive spans (uvarint count, zig-zag offset and uvarint length each) and
     * buckets (numbers, absolute), the same for negative, custom bounds (uvarint count, numbers).
     * A number is {@code uvarint (zigzag(n) << 1)} when it is a whole number {@code n} below 2⁵²
     * in magnitude (bucket counts of integer histograms, most counters: 1–4 bytes instead of 8),
     * else {@code uvarint 1} then its 8 IEEE 754 bytes.
     */
    static void write(GrowableBytes out, FloatHistogram h) {
        out.writeByte(h.counterResetHint().ordinal());
        out.writeVarint(h.schema());
        writeNumber(out, h.zeroThreshold());
        writeNumber(out, h.zeroCount());
        writeNumber(out, h.count());
        writeNumber(out, h.sum());
        writeBuckets(out, h.positiveSpans(), h, true);
        writeBuckets(out, h.negativeSpans(), h, false);
        out.writeUvarint(h.customValueCount());
        for (int i = 0; i < h.customValueCount(); i++) {
            writeNumber(out, h.customValue(i));
        }
    }

    static void writeNumber(GrowableBytes out, double v) {
        if (v == Math.rint(v) && Math.abs(v) < 0x1p52 && Double.doubleToRawLongBits(v) != Long.MIN_VALUE) {
            long n = (long) v;
            out.writeUvarint(((n << 1) ^ (n >> 63)) << 1);
        } else {
            out.writeUvarint(1);
            out.writeLong(Double.doubleToRawLongBits(v));
        }
    }

    private static void writeBuckets(GrowableBytes out, HistogramSpans spans, FloatHistogram h, boolean positive) {
        out.writeUvarint(spans.count());
        for (int i = 0; i < spans.count(); i++) {
            out.writeVarint(spans.offset(i));
            out.writeUvarint(spans.length(i));
        }
        for (int i = 0; i < spans.bucketCount(); i++) {
            writeNumber(out, positive ? h.positiveBucket(i) : h.negativeBucket(i));
        }
    }

    /** Reads what {@link #write} wrote, from {@code bytes[pos[0], end)}; advances {@code pos[0]}. */
    static FloatHistogram read(byte[] bytes, int[] pos, int end) {
        Reader r = new Reader(bytes, pos[0], end);
        CounterResetHint hint = CounterResetHint.of(r.u8());
        int schema = (int) r.varint();
        double zt = r.number();
        double zc = r.number();
        double count = r.number();
        double sum = r.number();
        HistogramSpans ps = r.spans();
        double[] pb = r.doubles(ps.bucketCount());
        HistogramSpans ns = r.spans();
        double[] nb = r.doubles(ns.bucketCount());
        double[] custom = r.doubles(r.length());
        if (schema == Histogram.CUSTOM_BUCKETS_SCHEMA ? custom.length == 0 : custom.length != 0) {
            throw new ChunkFormatException("histogram of schema " + schema + " with " + custom.length + " custom bounds");
        }
        pos[0] = r.pos;
        return new FloatHistogram(hint, schema, zt, zc, count, sum, ps, pb, ns, nb, custom);
    }

    /** Bounds-checked reads; a malformed chunk is a {@link ChunkFormatException}. */
    private static final class Reader {
        private final byte[] b;
        private final int end;
        int pos;

        Reader(byte[] b, int pos, int end) {
            this.b = b;
            this.pos = pos;
            this.end = end;
        }

        int u8() {
            need(1);
            return b[pos++] & 0xff;
        }

        long uvarint() {
            long v = 0;
            for (int shift = 0; ; shift += 7) {
                if (shift > 63) {
                    throw new ChunkFormatException("histogram aggregate: varint too long");
                }
                int x = u8();
                v |= (long) (x & 0x7f) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
        }

        long varint() {
            long u = uvarint();
            return (u >>> 1) ^ -(u & 1);
        }

        int length() {
            long n = uvarint();
            if (n < 0 || n > (end - pos)) {
                throw new ChunkFormatException("histogram aggregate: count " + n + " past the chunk's end");
            }
            return (int) n;
        }

        double number() {
            long u = uvarint();
            if ((u & 1) == 0) {
                long z = u >>> 1;
                return (double) ((z >>> 1) ^ -(z & 1));
            }
            if (u != 1) {
                throw new ChunkFormatException("histogram aggregate: bad number tag " + u);
            }
            return f64();
        }

        double f64() {
            need(8);
            long bits = 0;
            for (int i = 0; i < 8; i++) {
                bits = bits << 8 | (b[pos++] & 0xff);
            }
            return Double.longBitsToDouble(bits);
        }

        double[] doubles(int n) {
            need(n); // a number takes a byte at least
            double[] out = new double[n];
            for (int i = 0; i < n; i++) {
                out[i] = number();
            }
            return out;
        }

        HistogramSpans spans() {
            int n = length();
            int[] offsets = new int[n];
            int[] lengths = new int[n];
            for (int i = 0; i < n; i++) {
                offsets[i] = (int) varint();
                lengths[i] = (int) uvarint();
                if (lengths[i] < 0 || lengths[i] > end - pos) {
                    throw new ChunkFormatException("histogram aggregate: span length " + lengths[i] + " past the chunk's end");
                }
            }
            return HistogramSpans.of(offsets, lengths);
        }

        private void need(long n) {
            if (pos + n > end) {
                throw new ChunkFormatException("histogram aggregate: truncated");
            }
        }
    }
}
