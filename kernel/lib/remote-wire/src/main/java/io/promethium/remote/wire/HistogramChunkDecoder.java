package io.promethium.remote.wire;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.chunks.BitReader;
import io.promethium.chunks.ChunkFormatException;
import io.promethium.chunks.Varbits;
import io.promethium.chunks.XorField;
import io.promethium.remote.wire.ProtoReader.ProtoException;

/**
 * Reads Prometheus's histogram and float histogram chunks (see {@link HistogramChunkEncoder} for
 * the layout) from a streamed remote read response into {@link HistogramSamples}. Counter-reset
 * hints are those Prometheus's iterators give: gauge in a gauge chunk, "not a reset" after a
 * chunk's first sample, the header's reset for the first, else unknown. Every read is checked
 * against the chunk's end and every bucket count against the bits left, so a hostile or truncated
 * chunk fails with {@link ProtoException}. The bit stream, XOR and varbit codecs are the chunk
 * library's, shared with the TSDB.
 */
public final class HistogramChunkDecoder {

    private final BitReader in = new BitReader();

    private int schema;
    private double zeroThreshold;
    private HistogramSpans positive;
    private HistogramSpans negative;
    private double[] custom;

    private HistogramChunkDecoder(byte[] b, int start, int end) {
        in.reset(b, start, end - start);
    }

    /**
     * Decodes the chunk in {@code data[start, end)} of encoding {@link HistogramChunkEncoder#ENCODING_HISTOGRAM}
     * or {@link HistogramChunkEncoder#ENCODING_FLOAT_HISTOGRAM}, adding its samples to {@code out}.
     */
    public static void decode(int encoding, byte[] data, int start, int end, HistogramSamples out) throws ProtoException {
        if (end - start < 3) {
            throw new ProtoException("histogram chunk: " + (end - start) + " bytes, shorter than its 3-byte header");
        }
        int n = ((data[start] & 0xff) << 8) | (data[start + 1] & 0xff);
        int header = (data[start + 2] & 0xff) >>> 6;
        HistogramChunkDecoder d = new HistogramChunkDecoder(data, start + 3, end);
        if (n == 0) {
            return;
        }
        try {
            d.layout();
            if (encoding == HistogramChunkEncoder.ENCODING_HISTOGRAM) {
                d.integers(n, header, out);
            } else {
                d.floats(n, header, out);
            }
        } catch (ChunkFormatException e) {
            throw new ProtoException("histogram chunk: " + e.getMessage());
        }
    }

    private static CounterResetHint hint(int header, int index) {
        if (header == 0b11) {
            return CounterResetHint.GAUGE;
        }
        if (index > 0) {
            return CounterResetHint.NOT_COUNTER_RESET;
        }
        return header == 0b10 ? CounterResetHint.COUNTER_RESET : CounterResetHint.UNKNOWN;
    }

    private void layout() throws ProtoException {
        int z = (int) in.readBits(8);
        zeroThreshold = z == 0 ? 0 : z == 255 ? Double.longBitsToDouble(in.readBits(64)) : Math.scalb(0.5, z - 243);
        long s = Varbits.readVarbitInt(in);
        if (s != Histogram.CUSTOM_BUCKETS_SCHEMA && (s < Histogram.MIN_SCHEMA || s > Histogram.MAX_SCHEMA)) {
            throw new ProtoException("histogram chunk: unsupported schema " + s);
        }
        schema = (int) s;
        positive = spans();
        negative = spans();
        custom = null;
        if (schema == Histogram.CUSTOM_BUCKETS_SCHEMA) {
            custom = new double[count("custom bounds")];
            for (int i = 0; i < custom.length; i++) {
                long v = Varbits.readVarbitUint(in);
                custom[i] = v == 0 ? Double.longBitsToDouble(in.readBits(64)) : (v - 1) / 1000.0;
            }
        }
        if ((long) positive.bucketCount() + negative.bucketCount() > in.remainingBits()) {
            throw new ProtoException("histogram chunk: more buckets than bits left");
        }
    }

    /** A count read as varbit, at most the bits left (each item takes at least one). */
    private int count(String what) throws ProtoException {
        long n = Varbits.readVarbitUint(in);
        if (n < 0 || n > in.remainingBits()) {
            throw new ProtoException("histogram chunk: " + n + " " + what + " in " + (in.remainingBits()) + " bits");
        }
        return (int) n;
    }

    private HistogramSpans spans() throws ProtoException {
        int n = count("spans");
        int[] offsets = new int[n];
        int[] lengths = new int[n];
        long total = 0;
        for (int i = 0; i < n; i++) {
            long length = Varbits.readVarbitUint(in); // length comes first
            long offset = Varbits.readVarbitInt(in);
            total += length;
            if (length < 0 || total > in.remainingBits() || offset < Integer.MIN_VALUE || offset > Integer.MAX_VALUE) {
                throw new ProtoException("histogram chunk: span " + i + " (offset " + offset + ", length " + length + ") out of range");
            }
            offsets[i] = (int) offset;
            lengths[i] = (int) length;
        }
        return HistogramSpans.of(offsets, lengths);
    }

    private void integers(int n, int header, HistogramSamples out) throws ProtoException {
        int p = positive.bucketCount();
        int fields = 2 + p + negative.bucketCount();
        long[] v = new long[fields]; // count, zero count, bucket deltas
        long[] d = new long[fields];
        long[] pos = new long[p];
        long[] neg = new long[fields - 2 - p];
        long t = 0;
        long td = 0;
        long sum = 0;
        XorField sumXor = new XorField();
        for (int s = 0; s < n; s++) {
            boolean stale;
            if (s == 0) {
                t = Varbits.readVarbitInt(in);
                v[0] = Varbits.readVarbitUint(in);
                v[1] = Varbits.readVarbitUint(in);
                sum = sumXor.readFirst(in);
                stale = isStale(sum);
                for (int i = 2; i < fields && !stale; i++) {
                    v[i] = Varbits.readVarbitInt(in);
                }
            } else {
                td += Varbits.readVarbitInt(in);
                t += td;
                for (int i = 0; i < 2; i++) {
                    d[i] += Varbits.readVarbitInt(in);
                    v[i] += d[i];
                }
                sum = sumXor.read(in);
                stale = isStale(sum);
                for (int i = 2; i < fields && !stale; i++) {
                    d[i] += Varbits.readVarbitInt(in);
                    v[i] += d[i];
                }
            }
            Histogram h = out.addHistogram(t);
            if (stale) {
                h.set(CounterResetHint.UNKNOWN, 0, 0, 0, 0, Double.longBitsToDouble(sum), HistogramSpans.EMPTY, pos, 0,
                        HistogramSpans.EMPTY, neg, 0, null);
                continue;
            }
            System.arraycopy(v, 2, pos, 0, p);
            System.arraycopy(v, 2 + p, neg, 0, neg.length);
            h.set(hint(header, s), schema, zeroThreshold, v[1], v[0], Double.longBitsToDouble(sum), positive, pos, p, negative, neg,
                    neg.length, custom);
        }
    }

    private void floats(int n, int header, HistogramSamples out) throws ProtoException {
        int p = positive.bucketCount();
        int fields = 3 + p + negative.bucketCount();
        long[] f = new long[fields]; // count, zero count, sum, buckets
        XorField[] xor = new XorField[fields];
        for (int i = 0; i < fields; i++) {
            xor[i] = new XorField();
        }
        double[] pos = new double[p];
        double[] neg = new double[fields - 3 - p];
        long t = 0;
        long td = 0;
        for (int s = 0; s < n; s++) {
            boolean stale;
            if (s == 0) {
                t = Varbits.readVarbitInt(in);
                for (int i = 0; i < 3; i++) {
                    f[i] = xor[i].readFirst(in);
                }
                stale = isStale(f[2]);
                for (int i = 3; i < fields && !stale; i++) {
                    f[i] = xor[i].readFirst(in);
                }
            } else {
                td += Varbits.readVarbitInt(in);
                t += td;
                for (int i = 0; i < 3; i++) {
                    f[i] = xor[i].read(in);
                }
                stale = isStale(f[2]);
                for (int i = 3; i < fields && !stale; i++) {
                    f[i] = xor[i].read(in);
                }
            }
            var h = out.addFloatHistogram(t);
            if (stale) {
                h.set(CounterResetHint.UNKNOWN, 0, 0, 0, 0, Double.longBitsToDouble(f[2]), HistogramSpans.EMPTY, pos, 0,
                        HistogramSpans.EMPTY, neg, 0, null);
                continue;
            }
            for (int i = 0; i < p; i++) {
                pos[i] = Double.longBitsToDouble(f[3 + i]);
            }
            for (int i = 0; i < neg.length; i++) {
                neg[i] = Double.longBitsToDouble(f[3 + p + i]);
            }
            h.set(hint(header, s), schema, zeroThreshold, Double.longBitsToDouble(f[1]), Double.longBitsToDouble(f[0]),
                    Double.longBitsToDouble(f[2]), positive, pos, p, negative, neg, neg.length, custom);
        }
    }

    private static boolean isStale(long sumBits) {
        return sumBits == io.promethium.api.model.StaleMarker.STALE_NAN_BITS;
    }
}
