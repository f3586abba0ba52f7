package io.promethium.remote.wire;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.StaleMarker;
import io.promethium.chunks.BitWriter;
import io.promethium.chunks.Varbits;
import io.promethium.chunks.XorField;
import java.util.Arrays;

/**
 * Prometheus's native histogram chunks (tsdb/chunkenc {@code EncHistogram} = 2,
 * {@code EncFloatHistogram} = 3), as streamed remote read sends them: a 2-byte big-endian sample
 * count; a flags byte whose top two bits are the counter-reset header (10 reset, 01 no reset, 11
 * gauge, 00 unknown); then the bit stream. The first sample writes the layout (zero threshold in
 * one byte when it is 0 or a power of two from 2^-243 to 2^10, else 255 and 8 bytes; schema;
 * positive and negative spans as count, then length and offset each; for custom buckets their
 * bounds, thousandths up to 33554.43 as a varbit, others a 0 bit and 8 bytes). Integer histograms
 * then store timestamp, count, zero count and every bucket delta raw, then as delta of delta
 * (varbit), the sum XORed; float histograms XOR every field after a raw first sample.
 *
 * <p>One chunk holds samples of one type and one layout; a counter reset (hinted, or a count, the
 * zero count or a bucket going down) or a gauge/counter switch starts a new chunk, so a reader's
 * "not a counter reset" for the later samples of a chunk holds. A stale marker is a histogram with
 * only its sum (the stale NaN); after one, only stale markers follow in a chunk, as in Prometheus.
 * The bit stream, XOR and varbit codecs are the chunk library's, shared with the TSDB. Reset and
 * reuse one encoder per response.
 */
public final class HistogramChunkEncoder {

    /** The {@code Chunk.Encoding} values of remote read. */
    public static final int ENCODING_HISTOGRAM = 2;
    public static final int ENCODING_FLOAT_HISTOGRAM = 3;

    private static final int HEADER_BYTES = 3;
    private static final int MAX_SAMPLES = 120;
    private static final int MAX_STREAM_BYTES = 4096;
    private static final int HEADER_RESET = 0b1000_0000;
    private static final int HEADER_NOT_RESET = 0b0100_0000;
    private static final int HEADER_GAUGE = 0b1100_0000;

    private final BitWriter bits = new BitWriter(256);
    private int count;
    private boolean floats;
    private int header;
    private boolean resetPending;

    // Layout of the chunk.
    private int schema;
    private double zeroThreshold;
    private HistogramSpans positive = HistogramSpans.EMPTY;
    private HistogramSpans negative = HistogramSpans.EMPTY;
    private double[] custom = new double[0];

    private long t;
    private long tDelta;
    // Integer chunks: count, zero count, then bucket deltas (as stored); their previous values and deltas.
    private long[] prev = new long[2];
    private long[] prevDelta = new long[2];
    private int fields;
    // Float chunks: the XOR state of count, zero count, sum, buckets. Sum of integer chunks: index 2.
    private XorField[] xor = {};
    private boolean lastStale;
    // Absolute counts of the latest non-stale sample: count, zero count, buckets.
    private double[] lastAbs = new double[2];

    public HistogramChunkEncoder() {
        reset();
    }

    /** Forgets everything, for the next series. */
    public void reset() {
        resetPending = false;
        newChunk();
    }

    /** Empties the chunk; the next one is marked a counter reset when {@link #append} refused a sample for being one. */
    public void newChunk() {
        bits.reset();
        bits.writeBits(0, HEADER_BYTES * 8);
        count = 0;
        lastStale = false;
    }

    public int count() {
        return count;
    }

    /** Bytes used so far. */
    public int length() {
        return bits.byteLength();
    }

    /** The chunk bytes (the first {@link #length()}), count and header filled in. */
    public byte[] buffer() {
        bits.setFirst16(count);
        return bits.buffer();
    }

    /** {@link #ENCODING_HISTOGRAM} or {@link #ENCODING_FLOAT_HISTOGRAM}. */
    public int encoding() {
        return floats ? ENCODING_FLOAT_HISTOGRAM : ENCODING_HISTOGRAM;
    }

    /**
     * Appends {@code h} at {@code timestamp} and answers true, or answers false when it belongs in a
     * new chunk: the caller sends this one, calls {@link #newChunk()} and appends again.
     */
    public boolean append(long timestamp, Histogram h) {
        if (h.isStale()) {
            return appendStale(timestamp);
        }
        if (count > 0 && !fits(false, h.counterResetHint(), h.schema(), h.zeroThreshold(), h.positiveSpans(), h.negativeSpans(),
                h.customValues()) || count > 0 && h.counterResetHint() != CounterResetHint.GAUGE
                && h.counterResetHint() != CounterResetHint.NOT_COUNTER_RESET && intWentDown(h)) {
            return false;
        }
        if (count == 0) {
            start(false, h.counterResetHint(), h.schema(), h.zeroThreshold(), h.positiveSpans(), h.negativeSpans(), h.customValues());
            fields = 2 + h.positiveBucketCount() + h.negativeBucketCount();
            prev = grow(prev, fields);
            prevDelta = grow(prevDelta, fields);
            Arrays.fill(prevDelta, 0, fields, 0);
            startXor(3);
            Varbits.writeVarbitInt(bits, timestamp);
            Varbits.writeVarbitUint(bits, h.count());
            Varbits.writeVarbitUint(bits, h.zeroCount());
            xor[2].first(bits, Double.doubleToRawLongBits(h.sum()));
            prev[0] = h.count();
            prev[1] = h.zeroCount();
            for (int i = 2; i < fields; i++) {
                prev[i] = bucketDelta(h, i - 2);
                Varbits.writeVarbitInt(bits, prev[i]);
            }
            tDelta = 0;
        } else {
            long delta = timestamp - t;
            Varbits.writeVarbitInt(bits, delta - tDelta);
            tDelta = delta;
            for (int i = 0; i < fields; i++) {
                long v = i == 0 ? h.count() : i == 1 ? h.zeroCount() : bucketDelta(h, i - 2);
                long d = v - prev[i];
                Varbits.writeVarbitInt(bits, d - prevDelta[i]);
                if (i == 1) {
                    xor[2].write(bits, Double.doubleToRawLongBits(h.sum()));
                }
                prevDelta[i] = d;
                prev[i] = v;
            }
        }
        lastAbs = grow(lastAbs, fields);
        lastAbs[0] = h.count();
        lastAbs[1] = h.zeroCount();
        long c = 0;
        for (int i = 0; i < h.positiveBucketCount(); i++) {
            c += h.positiveDelta(i);
            lastAbs[2 + i] = c;
        }
        c = 0;
        for (int i = 0; i < h.negativeBucketCount(); i++) {
            c += h.negativeDelta(i);
            lastAbs[2 + h.positiveBucketCount() + i] = c;
        }
        return appended(timestamp);
    }

    /** As {@link #append(long, Histogram)} for a float histogram. */
    public boolean append(long timestamp, FloatHistogram h) {
        if (h.isStale()) {
            return appendStale(timestamp);
        }
        if (count > 0 && !fits(true, h.counterResetHint(), h.schema(), h.zeroThreshold(), h.positiveSpans(), h.negativeSpans(),
                h.customValues()) || count > 0 && h.counterResetHint() != CounterResetHint.GAUGE
                && h.counterResetHint() != CounterResetHint.NOT_COUNTER_RESET && floatWentDown(h)) {
            return false;
        }
        int buckets = h.positiveBucketCount() + h.negativeBucketCount();
        if (count == 0) {
            start(true, h.counterResetHint(), h.schema(), h.zeroThreshold(), h.positiveSpans(), h.negativeSpans(), h.customValues());
            fields = 2 + buckets;
            startXor(3 + buckets);
            Varbits.writeVarbitInt(bits, timestamp);
            tDelta = 0;
            for (int f = 0; f < 3 + buckets; f++) {
                xor[f].first(bits, Double.doubleToRawLongBits(floatField(h, f)));
            }
        } else {
            long delta = timestamp - t;
            Varbits.writeVarbitInt(bits, delta - tDelta);
            tDelta = delta;
            for (int f = 0; f < 3 + buckets; f++) {
                xor[f].write(bits, Double.doubleToRawLongBits(floatField(h, f)));
            }
        }
        lastAbs = grow(lastAbs, fields);
        lastAbs[0] = h.count();
        lastAbs[1] = h.zeroCount();
        for (int i = 0; i < buckets; i++) {
            lastAbs[2 + i] = floatField(h, 3 + i);
        }
        return appended(timestamp);
    }

    /**
     * Appends a stale marker (a histogram of only the stale NaN sum, as Prometheus writes one) to a
     * chunk of either type, or starts an integer histogram chunk with it.
     */
    public boolean appendStale(long timestamp) {
        if (count >= MAX_SAMPLES || streamBytes() >= MAX_STREAM_BYTES) {
            return false;
        }
        long sum = StaleMarker.STALE_NAN_BITS;
        if (count == 0) {
            start(false, CounterResetHint.UNKNOWN, 0, 0, HistogramSpans.EMPTY, HistogramSpans.EMPTY, null);
            fields = 2;
            Arrays.fill(prev, 0, 2, 0);
            Arrays.fill(prevDelta, 0, 2, 0);
            startXor(3);
            Varbits.writeVarbitInt(bits, timestamp);
            Varbits.writeVarbitUint(bits, 0);
            Varbits.writeVarbitUint(bits, 0);
            xor[2].first(bits, sum);
            tDelta = 0;
        } else {
            long delta = timestamp - t;
            Varbits.writeVarbitInt(bits, delta - tDelta);
            tDelta = delta;
            if (floats) {
                xor[0].write(bits, 0);
                xor[1].write(bits, 0);
                xor[2].write(bits, sum);
            } else {
                // Prometheus writes no change for the counts of a marker and no buckets.
                Varbits.writeVarbitInt(bits, 0);
                Varbits.writeVarbitInt(bits, 0);
                xor[2].write(bits, sum);
                prevDelta[0] = -prev[0];
                prevDelta[1] = -prev[1];
                prev[0] = 0;
                prev[1] = 0;
            }
        }
        lastStale = true;
        t = timestamp;
        count++;
        return true;
    }

    private boolean fits(boolean isFloat, CounterResetHint hint, int s, double zt, HistogramSpans pos, HistogramSpans neg, double[] cv) {
        if (lastStale || floats != isFloat || count >= MAX_SAMPLES || streamBytes() >= MAX_STREAM_BYTES) {
            return false;
        }
        if ((hint == CounterResetHint.GAUGE) != (header == HEADER_GAUGE)) {
            return false;
        }
        if (hint == CounterResetHint.COUNTER_RESET) {
            return false;
        }
        return s == schema && Double.compare(zt, zeroThreshold) == 0 && pos.equals(positive) && neg.equals(negative)
                && Arrays.equals(cv == null ? new double[0] : cv, custom);
    }

    /** A counter went down: the sample starts a new chunk marked as a counter reset. */
    private boolean intWentDown(Histogram h) {
        boolean down = h.count() < lastAbs[0] || h.zeroCount() < lastAbs[1];
        long c = 0;
        for (int i = 0; i < h.positiveBucketCount() && !down; i++) {
            c += h.positiveDelta(i);
            down = c < lastAbs[2 + i];
        }
        c = 0;
        for (int i = 0; i < h.negativeBucketCount() && !down; i++) {
            c += h.negativeDelta(i);
            down = c < lastAbs[2 + h.positiveBucketCount() + i];
        }
        resetPending = down;
        return down;
    }

    private boolean floatWentDown(FloatHistogram h) {
        boolean down = h.count() < lastAbs[0] || h.zeroCount() < lastAbs[1];
        int buckets = h.positiveBucketCount() + h.negativeBucketCount();
        for (int i = 0; i < buckets && !down; i++) {
            down = floatField(h, 3 + i) < lastAbs[2 + i];
        }
        resetPending = down;
        return down;
    }

    private void start(boolean isFloat, CounterResetHint hint, int s, double zt, HistogramSpans pos, HistogramSpans neg, double[] cv) {
        floats = isFloat;
        header = switch (hint) {
            case GAUGE -> HEADER_GAUGE;
            case COUNTER_RESET -> HEADER_RESET;
            case NOT_COUNTER_RESET -> resetPending ? HEADER_RESET : HEADER_NOT_RESET;
            case UNKNOWN -> resetPending ? HEADER_RESET : 0;
        };
        resetPending = false;
        // Nothing is written yet (count 0): the stream restarts with the count and this header.
        bits.reset();
        bits.writeBits(0, 16);
        bits.writeByte(header);
        schema = s;
        zeroThreshold = zt;
        positive = pos;
        negative = neg;
        custom = cv == null ? new double[0] : cv.clone();
        writeZeroThreshold(zt);
        Varbits.writeVarbitInt(bits, s);
        writeSpans(pos);
        writeSpans(neg);
        if (s == Histogram.CUSTOM_BUCKETS_SCHEMA) {
            Varbits.writeVarbitUint(bits, custom.length);
            for (double bound : custom) {
                writeCustomBound(bound);
            }
        }
    }

    /** 0 → byte 0; a power of two 2^-243 … 2^10 → its frexp exponent + 243; else 255 and the 8 bytes. */
    private void writeZeroThreshold(double zt) {
        if (zt == 0) {
            bits.writeByte(0);
            return;
        }
        long raw = Double.doubleToRawLongBits(zt);
        int exp = Math.getExponent(zt) + 1; // frexp's: zt = 0.5 * 2^exp for a power of two
        boolean powerOfTwo = zt > 0 && (raw & 0x000f_ffff_ffff_ffffL) == 0 && Math.getExponent(zt) >= Double.MIN_EXPONENT;
        if (!powerOfTwo || exp < -242 || exp > 11) {
            bits.writeByte(255);
            bits.writeBits(raw, 64);
            return;
        }
        bits.writeByte(exp + 243);
    }

    private void writeSpans(HistogramSpans spans) {
        Varbits.writeVarbitUint(bits, spans.count());
        for (int i = 0; i < spans.count(); i++) {
            Varbits.writeVarbitUint(bits, spans.length(i));
            Varbits.writeVarbitInt(bits, spans.offset(i));
        }
    }

    /** Thousandths from 0 to 33554430 as varbit(thousandths + 1); anything else a 0 bit and the 8 bytes. */
    private void writeCustomBound(double bound) {
        double scaled = bound * 1000;
        if (scaled < 0 || scaled > 33554430 || (double) Math.round(scaled) / 1000 != bound) {
            bits.writeBit(false);
            bits.writeBits(Double.doubleToRawLongBits(bound), 64);
            return;
        }
        Varbits.writeVarbitUint(bits, Math.round(scaled) + 1);
    }

    /** Makes room for {@code n} XOR fields; each starts its window afresh with its first value. */
    private void startXor(int n) {
        if (xor.length < n) {
            XorField[] grown = Arrays.copyOf(xor, Math.max(n, xor.length * 2));
            for (int i = xor.length; i < grown.length; i++) {
                grown[i] = new XorField();
            }
            xor = grown;
        }
    }

    /** Bytes of bit stream written after the 3-byte header. */
    private int streamBytes() {
        return bits.byteLength() - HEADER_BYTES;
    }

    private boolean appended(long timestamp) {
        t = timestamp;
        count++;
        return true;
    }

    private static long bucketDelta(Histogram h, int i) {
        int p = h.positiveBucketCount();
        return i < p ? h.positiveDelta(i) : h.negativeDelta(i - p);
    }

    /** Field {@code f} of a float chunk sample: count, zero count, sum, positive buckets, negative buckets. */
    private static double floatField(FloatHistogram h, int f) {
        return switch (f) {
            case 0 -> h.count();
            case 1 -> h.zeroCount();
            case 2 -> h.sum();
            default -> f - 3 < h.positiveBucketCount() ? h.positiveBucket(f - 3) : h.negativeBucket(f - 3 - h.positiveBucketCount());
        };
    }

    private static long[] grow(long[] a, int n) {
        return a.length >= n ? a : new long[Math.max(n, a.length * 2)];
    }

    private static double[] grow(double[] a, int n) {
        return a.length >= n ? a : new double[Math.max(n, a.length * 2)];
    }
}
