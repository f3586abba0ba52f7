package io.promethium.chunks;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.ValueType;

/**
 * Decodes a {@link HistogramChunkAppender} chunk. The histogram it hands out is one object,
 * refilled per sample (as the api's {@code SampleIterator} allows). A staleness marker reads as a
 * float sample with the stale NaN, so queries treat it as they treat any marker.
 */
public final class HistogramChunkIterator implements ChunkIterator {
    private final boolean floats;
    private final BitReader in = new BitReader();
    private final Histogram histogram = new Histogram();
    private final FloatHistogram floatHistogram = new FloatHistogram();

    private int count;
    private long base;
    private int read;
    private long t;
    private long tDelta;

    private CounterResetHint header;
    private int schema;
    private double zeroThreshold;
    private HistogramSpans positive;
    private HistogramSpans negative;
    private double[] customValues;
    private int fields;

    private long[] prev = new long[2];
    private long[] prevDelta = new long[2];
    private long[] posBuf = new long[0];
    private long[] negBuf = new long[0];
    private double[] posF = new double[0];
    private double[] negF = new double[0];
    private XorField[] xor = new XorField[0];
    private final XorField sum = new XorField();
    private double sumValue;
    private boolean converted;

    public HistogramChunkIterator(boolean floats) {
        this.floats = floats;
    }

    /** Whether it decodes float histogram chunks. */
    public boolean floats() {
        return floats;
    }

    @Override
    public void reset(byte[] bytes, int offset, int length, int count, long base) {
        if (length < 3) {
            throw new ChunkFormatException("histogram chunk shorter than its header: " + length + " bytes");
        }
        int hint = bytes[offset + 2] & 0xff;
        if (hint > 3) {
            throw new ChunkFormatException("histogram chunk with unknown counter reset hint " + hint);
        }
        header = CounterResetHint.of(hint);
        in.reset(bytes, offset + 3, length - 3);
        this.count = count;
        this.base = base;
        this.read = 0;
        long s = Varbits.readVarint(in);
        if (s != Histogram.CUSTOM_BUCKETS_SCHEMA && (s < Histogram.MIN_SCHEMA || s > Histogram.MAX_SCHEMA)) {
            throw new ChunkFormatException("histogram chunk with invalid schema " + s);
        }
        schema = (int) s;
        zeroThreshold = Double.longBitsToDouble(in.readBits(64));
        positive = readSpans();
        negative = readSpans();
        customValues = null;
        if (schema == Histogram.CUSTOM_BUCKETS_SCHEMA) {
            int n = boundedCount(Varbits.readUvarint(in), length);
            customValues = new double[n];
            for (int i = 0; i < n; i++) {
                customValues[i] = Double.longBitsToDouble(in.readBits(64));
            }
        }
        fields = 2 + positive.bucketCount() + negative.bucketCount();
        if (prev.length < fields) {
            prev = new long[fields];
            prevDelta = new long[fields];
        }
        if (posBuf.length < positive.bucketCount()) {
            posBuf = new long[positive.bucketCount()];
            posF = new double[positive.bucketCount()];
        }
        if (negBuf.length < negative.bucketCount()) {
            negBuf = new long[negative.bucketCount()];
            negF = new double[negative.bucketCount()];
        }
        if (floats && xor.length < fields) {
            XorField[] x = new XorField[fields];
            for (int i = 0; i < fields; i++) {
                x[i] = new XorField();
            }
            xor = x;
        }
    }

    // Counts read from a chunk bound allocations: a count can never exceed the chunk's bits.
    private static int boundedCount(long n, int chunkBytes) {
        if (n < 0 || n > (long) chunkBytes * 8) {
            throw new ChunkFormatException("histogram chunk claims " + n + " entries in " + chunkBytes + " bytes");
        }
        return (int) n;
    }

    private HistogramSpans readSpans() {
        int n = boundedCount(Varbits.readUvarint(in), (int) Math.min(Integer.MAX_VALUE, in.remainingBits() / 8 + 1));
        if (n == 0) {
            return HistogramSpans.EMPTY;
        }
        int[] offsets = new int[n];
        int[] lengths = new int[n];
        long total = 0;
        for (int i = 0; i < n; i++) {
            long o = Varbits.readVarint(in);
            long l = Varbits.readUvarint(in);
            if (o < Integer.MIN_VALUE || o > Integer.MAX_VALUE || l < 0 || l > in.remainingBits() + 1) {
                throw new ChunkFormatException("histogram chunk with an impossible span " + o + ":" + l);
            }
            total += l;
            offsets[i] = (int) o;
            lengths[i] = (int) l;
        }
        if (total > in.remainingBits() + 64) {
            throw new ChunkFormatException("histogram chunk spans claim " + total + " buckets, more than its bits");
        }
        return HistogramSpans.of(offsets, lengths);
    }

    @Override
    public boolean next() {
        if (read >= count) {
            return false;
        }
        if (read == 0) {
            t = base + Varbits.readVarint(in);
        } else if (read == 1) {
            tDelta = Varbits.readUvarint(in);
            t += tDelta;
        } else {
            tDelta += Varbits.readDod(in);
            t += tDelta;
        }
        if (floats) {
            for (int i = 0; i < fields; i++) {
                prev[i] = read == 0 ? xor[i].readFirst(in) : xor[i].read(in);
            }
        } else {
            for (int i = 0; i < fields; i++) {
                if (read == 0) {
                    prev[i] = Varbits.readVarint(in);
                } else if (read == 1) {
                    prevDelta[i] = Varbits.readVarint(in);
                    prev[i] += prevDelta[i];
                } else {
                    prevDelta[i] += Varbits.readDod(in);
                    prev[i] += prevDelta[i];
                }
            }
        }
        sumValue = Double.longBitsToDouble(read == 0 ? sum.readFirst(in) : sum.read(in));
        read++;
        converted = false;
        return true;
    }

    @Override
    public int remaining() {
        return count - read;
    }

    @Override
    public boolean floatSamples() {
        return false;
    }

    @Override
    public long t() {
        return t;
    }

    /** The stale NaN for a marker, else NaN (a histogram has no float value). */
    @Override
    public double v() {
        return StaleMarker.isStale(sumValue) ? sumValue : Double.NaN;
    }

    @Override
    public ValueType valueType() {
        if (StaleMarker.isStale(sumValue)) {
            return ValueType.FLOAT;
        }
        return floats ? ValueType.FLOAT_HISTOGRAM : ValueType.HISTOGRAM;
    }

    private CounterResetHint hint() {
        if (header == CounterResetHint.GAUGE) {
            return CounterResetHint.GAUGE;
        }
        return read == 1 ? header : CounterResetHint.NOT_COUNTER_RESET;
    }

    @Override
    public Histogram histogram() {
        if (floats) {
            throw new IllegalStateException("a float histogram chunk has no integer histograms");
        }
        int p = positive.bucketCount();
        int n = negative.bucketCount();
        System.arraycopy(prev, 2, posBuf, 0, p);
        System.arraycopy(prev, 2 + p, negBuf, 0, n);
        return histogram.set(hint(), schema, zeroThreshold, prev[1], prev[0], sumValue, positive, posBuf, p, negative, negBuf, n, customValues);
    }

    @Override
    public FloatHistogram floatHistogram() {
        if (converted) {
            return floatHistogram;
        }
        int p = positive.bucketCount();
        int n = negative.bucketCount();
        double count;
        double zero;
        if (floats) {
            for (int i = 0; i < p; i++) {
                posF[i] = Double.longBitsToDouble(prev[2 + i]);
            }
            for (int i = 0; i < n; i++) {
                negF[i] = Double.longBitsToDouble(prev[2 + p + i]);
            }
            count = Double.longBitsToDouble(prev[0]);
            zero = Double.longBitsToDouble(prev[1]);
        } else {
            long c = 0;
            for (int i = 0; i < p; i++) {
                c += prev[2 + i];
                posF[i] = c;
            }
            c = 0;
            for (int i = 0; i < n; i++) {
                c += prev[2 + p + i];
                negF[i] = c;
            }
            count = prev[0];
            zero = prev[1];
        }
        converted = true;
        return floatHistogram.set(hint(), schema, zeroThreshold, zero, count, sumValue, positive, posF, p, negative, negF, n, customValues);
    }
}
