package io.promethium.chunks;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.StaleMarker;
import java.util.Arrays;

/**
 * Encodes native histogram samples of one bucket layout into a chunk, in the spirit of
 * Prometheus's histogram chunks (see FORMAT.md): the layout (schema, zero threshold, spans,
 * custom bounds) once in the chunk header; timestamps as in XOR chunks; for integer histograms
 * the count, zero count and every bucket delta as delta-of-delta integers; for float histograms
 * each of those XORed with its previous value; the sum always XORed.
 *
 * <p>A sample whose layout differs, or that is a counter reset, starts a new chunk: the caller
 * asks {@link #cut} first. Not thread-safe; a reader that knows how many samples were complete
 * may read the bytes concurrently (bits never change once written).
 *
 * <p>Layout: a 2-byte sample count, a byte holding the chunk's counter-reset hint (the hint of its
 * first sample; later samples are "not a reset", or gauges), then the bit stream.
 */
public final class HistogramChunkAppender {

    /** {@link #cut} answers: append here, start a new chunk, or start one that begins with a counter reset. */
    public static final int APPEND = 0;
    public static final int NEW_CHUNK = 1;
    public static final int NEW_CHUNK_RESET = 2;

    private final BitWriter w;
    private final boolean floats;
    private final long base;
    private final CounterResetHint header;
    private final int schema;
    private final double zeroThreshold;
    private final HistogramSpans positive;
    private final HistogramSpans negative;
    private final double[] customValues;
    private final int fields; // count, zero count, positive buckets, negative buckets

    private int count;
    private long t;
    private long tDelta;
    // Integer histograms: previous value and previous delta of each field (bucket fields hold the stored deltas).
    private final long[] prev;
    private final long[] prevDelta;
    private final long[] scratch;
    // Float histograms: one XOR state per field.
    private final XorField[] xor;
    private final XorField sum = new XorField();
    // Absolute counts of the newest non-stale sample, for counter-reset detection.
    private final double[] lastAbsolute;
    private double lastCount;
    private double lastZeroCount;
    private boolean hasLast;

    private HistogramChunkAppender(boolean floats, CounterResetHint header, int schema, double zeroThreshold, HistogramSpans positive,
                                   HistogramSpans negative, double[] customValues, int initialBytes, long base) {
        this.w = new BitWriter(Math.max(initialBytes, 64));
        this.floats = floats;
        this.base = base;
        this.header = header;
        this.schema = schema;
        this.zeroThreshold = zeroThreshold;
        this.positive = positive;
        this.negative = negative;
        this.customValues = customValues;
        this.fields = 2 + positive.bucketCount() + negative.bucketCount();
        this.prev = floats ? null : new long[fields];
        this.prevDelta = floats ? null : new long[fields];
        this.scratch = new long[fields];
        this.xor = floats ? new XorField[fields] : null;
        if (floats) {
            for (int i = 0; i < fields; i++) {
                xor[i] = new XorField();
            }
        }
        this.lastAbsolute = new double[fields - 2];
        w.writeBits(0, 16);
        w.writeByte(header.ordinal());
        Varbits.writeVarint(w, schema);
        w.writeBits(Double.doubleToRawLongBits(zeroThreshold), 64);
        writeSpans(positive);
        writeSpans(negative);
        if (schema == Histogram.CUSTOM_BUCKETS_SCHEMA) {
            Varbits.writeUvarint(w, customValues.length);
            for (double b : customValues) {
                w.writeBits(Double.doubleToRawLongBits(b), 64);
            }
        }
    }

    /** A chunk for integer histograms with {@code h}'s layout. */
    public static HistogramChunkAppender forHistogram(Histogram h, CounterResetHint header, int initialBytes, long base) {
        return new HistogramChunkAppender(false, header, h.schema(), h.zeroThreshold(), h.positiveSpans(), h.negativeSpans(),
                h.customValues(), initialBytes, base);
    }

    /** A chunk for float histograms with {@code h}'s layout. */
    public static HistogramChunkAppender forFloatHistogram(FloatHistogram h, CounterResetHint header, int initialBytes, long base) {
        return new HistogramChunkAppender(true, header, h.schema(), h.zeroThreshold(), h.positiveSpans(), h.negativeSpans(),
                h.customValues(), initialBytes, base);
    }

    private void writeSpans(HistogramSpans spans) {
        Varbits.writeUvarint(w, spans.count());
        for (int i = 0; i < spans.count(); i++) {
            Varbits.writeVarint(w, spans.offset(i));
            Varbits.writeUvarint(w, spans.length(i));
        }
    }

    public boolean floats() {
        return floats;
    }

    public byte encoding() {
        return floats ? Encoding.FLOAT_HISTOGRAM : Encoding.HISTOGRAM;
    }

    /**
     * Whether {@code h} goes into this chunk or a new one, and whether that one starts with a
     * counter reset (a count, the zero count or a bucket went down, a bucket with observations
     * vanished, the schema grew finer or the zero threshold shrank; never for gauges). A stale
     * marker always fits.
     */
    public int cut(Histogram h) {
        if (StaleMarker.isStale(h.sum())) {
            return APPEND;
        }
        boolean gauge = h.counterResetHint() == CounterResetHint.GAUGE;
        if (floats || gauge != (header == CounterResetHint.GAUGE)) {
            return NEW_CHUNK;
        }
        if (!gauge && h.counterResetHint() == CounterResetHint.COUNTER_RESET) {
            return NEW_CHUNK_RESET;
        }
        if (!gauge && hasLast && count < Chunks.SAMPLES_PER_CHUNK && h.schema() == schema
                && Double.compare(h.zeroThreshold(), zeroThreshold) == 0 && h.positiveSpans().equals(positive)
                && h.negativeSpans().equals(negative) && sameCustomValues(h)) {
            // The usual scrape: same layout. Compare counts in place, without building arrays.
            if (h.count() < lastCount || h.zeroCount() < lastZeroCount) {
                return NEW_CHUNK_RESET;
            }
            long c = 0;
            for (int i = 0; i < h.positiveBucketCount(); i++) {
                c += h.positiveDelta(i);
                if (c < lastAbsolute[i]) {
                    return NEW_CHUNK_RESET;
                }
            }
            c = 0;
            int p = h.positiveBucketCount();
            for (int i = 0; i < h.negativeBucketCount(); i++) {
                c += h.negativeDelta(i);
                if (c < lastAbsolute[p + i]) {
                    return NEW_CHUNK_RESET;
                }
            }
            return APPEND;
        }
        long[] pos = deltas(h, true);
        long[] neg = deltas(h, false);
        return decide(gauge, h.schema(), h.zeroThreshold(), h.zeroCount(), h.count(), h.positiveSpans(), absolute(pos), h.negativeSpans(),
                absolute(neg), h.customValues());
    }

    private boolean sameCustomValues(Histogram h) {
        int n = customValues == null ? 0 : customValues.length;
        if (h.customValueCount() != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (Double.compare(h.customValue(i), customValues[i]) != 0) {
                return false;
            }
        }
        return true;
    }

    /** As {@link #cut(Histogram)} for float histograms. */
    public int cut(FloatHistogram h) {
        if (StaleMarker.isStale(h.sum())) {
            return APPEND;
        }
        boolean gauge = h.counterResetHint() == CounterResetHint.GAUGE;
        if (!floats || gauge != (header == CounterResetHint.GAUGE)) {
            return NEW_CHUNK;
        }
        if (!gauge && h.counterResetHint() == CounterResetHint.COUNTER_RESET) {
            return NEW_CHUNK_RESET;
        }
        return decide(gauge, h.schema(), h.zeroThreshold(), h.zeroCount(), h.count(), h.positiveSpans(), h.positiveBuckets(),
                h.negativeSpans(), h.negativeBuckets(), h.customValues());
    }

    private int decide(boolean gauge, int s, double zt, double zc, double c, HistogramSpans pos, double[] posAbs, HistogramSpans neg,
                       double[] negAbs, double[] custom) {
        boolean sameLayout = s == schema && Double.compare(zt, zeroThreshold) == 0 && pos.equals(positive) && neg.equals(negative)
                && Arrays.equals(custom, customValues);
        boolean full = count >= Chunks.SAMPLES_PER_CHUNK;
        if (gauge || !hasLast) {
            return sameLayout && !full ? APPEND : NEW_CHUNK;
        }
        boolean reset = c < lastCount || zc < lastZeroCount || (s > schema && s != Histogram.CUSTOM_BUCKETS_SCHEMA) || zt < zeroThreshold
                || (s == Histogram.CUSTOM_BUCKETS_SCHEMA) != (schema == Histogram.CUSTOM_BUCKETS_SCHEMA)
                || s == Histogram.CUSTOM_BUCKETS_SCHEMA && !Arrays.equals(custom, customValues);
        if (!reset && s == schema) {
            reset = bucketWentDown(positive, lastAbsolute, 0, pos, posAbs) || bucketWentDown(negative, lastAbsolute, positive.bucketCount(), neg, negAbs);
        }
        if (reset) {
            return NEW_CHUNK_RESET;
        }
        return sameLayout && !full ? APPEND : NEW_CHUNK;
    }

    /** Whether some bucket of the old layout has fewer observations in the new one (absent counts as 0). */
    private static boolean bucketWentDown(HistogramSpans oldSpans, double[] oldCounts, int oldFrom, HistogramSpans newSpans, double[] newCounts) {
        int[] oldIdx = oldSpans.indexes(null);
        int[] newIdx = newSpans.indexes(null);
        int j = 0;
        for (int i = 0; i < oldIdx.length; i++) {
            double before = oldCounts[oldFrom + i];
            while (j < newIdx.length && newIdx[j] < oldIdx[i]) {
                j++;
            }
            double now = j < newIdx.length && newIdx[j] == oldIdx[i] ? newCounts[j] : 0;
            if (now < before) {
                return true;
            }
        }
        return false;
    }

    private static long[] deltas(Histogram h, boolean positiveSide) {
        return positiveSide ? h.positiveDeltas() : h.negativeDeltas();
    }

    private static double[] absolute(long[] deltas) {
        double[] out = new double[deltas.length];
        long c = 0;
        for (int i = 0; i < deltas.length; i++) {
            c += deltas[i];
            out[i] = c;
        }
        return out;
    }

    /** Appends an integer histogram of this chunk's layout (or a stale marker: its sum is the stale NaN). */
    public void append(long timestamp, Histogram h) {
        boolean stale = StaleMarker.isStale(h.sum());
        long[] v = scratch;
        if (stale && count > 0) {
            System.arraycopy(prev, 0, v, 0, fields); // a marker repeats the counts: nothing to encode but the sum
        } else if (stale) {
            Arrays.fill(v, 0);
        } else {
            v[0] = h.count();
            v[1] = h.zeroCount();
            int k = 2;
            for (int i = 0; i < h.positiveBucketCount(); i++) {
                v[k++] = h.positiveDelta(i);
            }
            for (int i = 0; i < h.negativeBucketCount(); i++) {
                v[k++] = h.negativeDelta(i);
            }
        }
        writeTime(timestamp);
        for (int i = 0; i < fields; i++) {
            if (count == 0) {
                Varbits.writeVarint(w, v[i]);
            } else if (count == 1) {
                prevDelta[i] = v[i] - prev[i];
                Varbits.writeVarint(w, prevDelta[i]);
            } else {
                long delta = v[i] - prev[i];
                Varbits.writeDod(w, delta - prevDelta[i]);
                prevDelta[i] = delta;
            }
            prev[i] = v[i];
        }
        writeSum(h.sum());
        if (!stale) {
            lastCount = h.count();
            lastZeroCount = h.zeroCount();
            long c = 0;
            for (int i = 0; i < h.positiveBucketCount(); i++) {
                c += h.positiveDelta(i);
                lastAbsolute[i] = c;
            }
            c = 0;
            for (int i = 0; i < h.negativeBucketCount(); i++) {
                c += h.negativeDelta(i);
                lastAbsolute[h.positiveBucketCount() + i] = c;
            }
            hasLast = true;
        }
        finishSample(timestamp);
    }

    /** Appends a float histogram of this chunk's layout (or a stale marker). */
    public void append(long timestamp, FloatHistogram h) {
        boolean stale = StaleMarker.isStale(h.sum());
        writeTime(timestamp);
        for (int i = 0; i < fields; i++) {
            long bits;
            if (stale) {
                bits = count == 0 ? 0 : xor[i].previous();
            } else if (i == 0) {
                bits = Double.doubleToRawLongBits(h.count());
            } else if (i == 1) {
                bits = Double.doubleToRawLongBits(h.zeroCount());
            } else if (i - 2 < h.positiveBucketCount()) {
                bits = Double.doubleToRawLongBits(h.positiveBucket(i - 2));
            } else {
                bits = Double.doubleToRawLongBits(h.negativeBucket(i - 2 - h.positiveBucketCount()));
            }
            if (count == 0) {
                xor[i].first(w, bits);
            } else {
                xor[i].write(w, bits);
            }
        }
        writeSum(h.sum());
        if (!stale) {
            lastCount = h.count();
            lastZeroCount = h.zeroCount();
            for (int i = 0; i < h.positiveBucketCount(); i++) {
                lastAbsolute[i] = h.positiveBucket(i);
            }
            for (int i = 0; i < h.negativeBucketCount(); i++) {
                lastAbsolute[h.positiveBucketCount() + i] = h.negativeBucket(i);
            }
            hasLast = true;
        }
        finishSample(timestamp);
    }

    /**
     * Appends a stale marker, repeating the previous sample's counts (a chunk needs at least one
     * real sample first, so a marker never opens one: the caller uses a float chunk instead).
     */
    public void appendStale(long timestamp) {
        if (floats) {
            append(timestamp, new FloatHistogram().set(header, schema, zeroThreshold, 0, 0, StaleMarker.STALE_NAN, positive,
                    new double[positive.bucketCount()], 0, negative, new double[negative.bucketCount()], 0, customValues));
        } else {
            append(timestamp, staleInt());
        }
    }

    private Histogram staleInt() {
        return new Histogram().set(header, schema, zeroThreshold, 0, 0, StaleMarker.STALE_NAN, HistogramSpans.EMPTY, null,
                HistogramSpans.EMPTY, null, null);
    }

    private void writeTime(long timestamp) {
        // As XorEncoder: the second delta is unsigned and readers seek on increasing times.
        assert count == 0 || timestamp > t : "histogram chunk appends at " + timestamp + " after " + t;
        assert count < 0xFFFF : "histogram chunk already holds " + count + " samples";
        if (count == 0) {
            Varbits.writeVarint(w, timestamp - base);
        } else if (count == 1) {
            tDelta = timestamp - t;
            Varbits.writeUvarint(w, tDelta);
        } else {
            long delta = timestamp - t;
            Varbits.writeDod(w, delta - tDelta);
            tDelta = delta;
        }
    }

    private void writeSum(double s) {
        long bits = Double.doubleToRawLongBits(s);
        if (count == 0) {
            sum.first(w, bits);
        } else {
            sum.write(w, bits);
        }
    }

    private void finishSample(long timestamp) {
        t = timestamp;
        count++;
        w.setFirst16(count);
    }

    public int count() {
        return count;
    }

    public long lastTimestamp() {
        return t;
    }

    /** The live buffer (only the first {@link #byteLength()} bytes matter); it is replaced when it grows. */
    public byte[] buffer() {
        return w.buffer();
    }

    public int byteLength() {
        return w.byteLength();
    }

    public byte[] toByteArray() {
        return w.toByteArray();
    }

    /** Reads the write position (see {@link BitWriter#touchTail()}). */
    public int touchTail() {
        return w.touchTail();
    }
}
