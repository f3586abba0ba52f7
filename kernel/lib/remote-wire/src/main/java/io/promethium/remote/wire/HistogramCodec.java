package io.promethium.remote.wire;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.remote.wire.ProtoReader.ProtoException;
import java.util.Arrays;

/**
 * The {@code Histogram} message, the same in remote write 1.0 ({@code prometheus.Histogram}),
 * remote write 2.0 ({@code io.prometheus.write.v2.Histogram}) and remote read:
 *
 * <pre>
 * Histogram  { oneof count { uint64 count_int = 1; double count_float = 2; } double sum = 3; sint32 schema = 4;
 *              double zero_threshold = 5; oneof zero_count { uint64 zero_count_int = 6; double zero_count_float = 7; }
 *              repeated BucketSpan negative_spans = 8; repeated sint64 negative_deltas = 9; repeated double negative_counts = 10;
 *              repeated BucketSpan positive_spans = 11; repeated sint64 positive_deltas = 12; repeated double positive_counts = 13;
 *              ResetHint reset_hint = 14; int64 timestamp = 15; repeated double custom_values = 16;
 *              int64 start_timestamp = 17; }                           // 17: remote write 2.0's newest revision
 * BucketSpan { sint32 offset = 1; uint32 length = 2; }
 * ResetHint  { UNKNOWN = 0; YES = 1; NO = 2; GAUGE = 3; }   // the order of CounterResetHint
 * </pre>
 *
 * An integer histogram travels with deltas, a float one with absolute counts. The decoder keeps
 * its buffers between messages; it tells a float histogram by a float count or zero count (or
 * float bucket counts) being present, as the message's oneofs say.
 */
public final class HistogramCodec {

    // Encoding scratch.
    private long[] deltas = new long[16];
    private double[] counts = new double[16];
    private double[] bounds = new double[0];

    // Decoding buffers, reused from message to message.
    private int[] posOffsets = new int[4];
    private int[] posLengths = new int[4];
    private int[] negOffsets = new int[4];
    private int[] negLengths = new int[4];
    private int posSpans;
    private int negSpans;
    private long[] posDeltas = new long[16];
    private long[] negDeltas = new long[16];
    private double[] posCounts = new double[16];
    private double[] negCounts = new double[16];
    private double[] custom = new double[8];
    private int posDeltaCount;
    private int negDeltaCount;
    private int posCountCount;
    private int negCountCount;
    private int customCount;
    private HistogramSpans lastPos = HistogramSpans.EMPTY;
    private HistogramSpans lastNeg = HistogramSpans.EMPTY;
    private double[] lastCustom = new double[0];

    /** Writes {@code h} at {@code t} as field {@code field} of the enclosing message. */
    public void encode(ProtoWriter w, int field, long t, Histogram h) {
        encode(w, field, t, 0, h);
    }

    /** As above with the sample's start timestamp (remote write 2.0's field 17; none when 0). Since 1.3.0. */
    public void encode(ProtoWriter w, int field, long t, long start, Histogram h) {
        int m = w.beginMessage(field);
        w.int64Field(1, h.count());
        common(w, h.sum(), h.schema(), h.zeroThreshold());
        w.int64Field(6, h.zeroCount());
        spans(w, 8, h.negativeSpans());
        int n = h.negativeBucketCount();
        deltas = grow(deltas, n);
        for (int i = 0; i < n; i++) {
            deltas[i] = h.negativeDelta(i);
        }
        w.packedSint64(9, deltas, n);
        spans(w, 11, h.positiveSpans());
        n = h.positiveBucketCount();
        deltas = grow(deltas, n);
        for (int i = 0; i < n; i++) {
            deltas[i] = h.positiveDelta(i);
        }
        w.packedSint64(12, deltas, n);
        tail(w, h.counterResetHint(), t, start, h.customValueCount(), h::customValue);
        w.endMessage(m);
    }

    /** Writes the float histogram {@code h} at {@code t} as field {@code field} of the enclosing message. */
    public void encode(ProtoWriter w, int field, long t, FloatHistogram h) {
        encode(w, field, t, 0, h);
    }

    /** As above with the sample's start timestamp (remote write 2.0's field 17; none when 0). Since 1.3.0. */
    public void encode(ProtoWriter w, int field, long t, long start, FloatHistogram h) {
        int m = w.beginMessage(field);
        w.doubleField(2, h.count());
        common(w, h.sum(), h.schema(), h.zeroThreshold());
        w.doubleField(7, h.zeroCount());
        spans(w, 8, h.negativeSpans());
        int n = h.negativeBucketCount();
        counts = grow(counts, n);
        for (int i = 0; i < n; i++) {
            counts[i] = h.negativeBucket(i);
        }
        w.packedDoubles(10, counts, n);
        spans(w, 11, h.positiveSpans());
        n = h.positiveBucketCount();
        counts = grow(counts, n);
        for (int i = 0; i < n; i++) {
            counts[i] = h.positiveBucket(i);
        }
        w.packedDoubles(13, counts, n);
        tail(w, h.counterResetHint(), t, start, h.customValueCount(), h::customValue);
        w.endMessage(m);
    }

    private static void common(ProtoWriter w, double sum, int schema, double zeroThreshold) {
        w.doubleField(3, sum);
        if (schema != 0) {
            w.sint64Field(4, schema);
        }
        if (zeroThreshold != 0) {
            w.doubleField(5, zeroThreshold);
        }
    }

    private void tail(ProtoWriter w, CounterResetHint hint, long t, long start, int customCount,
                      java.util.function.IntToDoubleFunction custom) {
        if (hint != CounterResetHint.UNKNOWN) {
            w.int64Field(14, hint.ordinal());
        }
        w.int64Field(15, t);
        bounds = grow(bounds, customCount);
        for (int i = 0; i < customCount; i++) {
            bounds[i] = custom.applyAsDouble(i);
        }
        w.packedDoubles(16, bounds, customCount);
        if (start != 0) {
            w.int64Field(17, start);
        }
    }

    private static void spans(ProtoWriter w, int field, HistogramSpans spans) {
        for (int s = 0; s < spans.count(); s++) {
            int m = w.beginMessage(field);
            if (spans.offset(s) != 0) {
                w.sint64Field(1, spans.offset(s));
            }
            w.int64Field(2, spans.length(s) & 0xffffffffL);
            w.endMessage(m);
        }
    }

    /**
     * Decodes the {@code Histogram} message in {@code [r.position(), end)} into {@code intoInt} or
     * {@code intoFloat} (refilled) and returns its timestamp; {@link #lastWasFloat()} tells which.
     */
    public long decode(byte[] buf, int start, int end, Histogram intoInt, FloatHistogram intoFloat) throws ProtoException {
        ProtoReader r = new ProtoReader(buf, start, end);
        long countInt = 0;
        double countFloat = 0;
        long zeroInt = 0;
        double zeroFloat = 0;
        boolean floatCounts = false;
        double sum = 0;
        long schema = 0;
        double zeroThreshold = 0;
        int hint = 0;
        long t = 0;
        lastStart = 0;
        posSpans = negSpans = 0;
        posDeltaCount = negDeltaCount = posCountCount = negCountCount = customCount = 0;
        while (r.hasMore()) {
            int tag = r.tag();
            switch (tag) {
                case 1 << 3 -> countInt = r.varint();
                case 2 << 3 | 1 -> {
                    countFloat = r.fixed64AsDouble();
                    floatCounts = true;
                }
                case 3 << 3 | 1 -> sum = r.fixed64AsDouble();
                case 4 << 3 -> schema = r.sint64();
                case 5 << 3 | 1 -> zeroThreshold = r.fixed64AsDouble();
                case 6 << 3 -> zeroInt = r.varint();
                case 7 << 3 | 1 -> {
                    zeroFloat = r.fixed64AsDouble();
                    floatCounts = true;
                }
                case 8 << 3 | 2 -> negSpans = span(r, false, negSpans);
                case 9 << 3, 9 << 3 | 2 -> negDeltaCount = sints(r, tag, false, negDeltaCount);
                case 10 << 3 | 1, 10 << 3 | 2 -> {
                    negCountCount = doubles(r, tag, 0, negCountCount);
                    floatCounts = true;
                }
                case 11 << 3 | 2 -> posSpans = span(r, true, posSpans);
                case 12 << 3, 12 << 3 | 2 -> posDeltaCount = sints(r, tag, true, posDeltaCount);
                case 13 << 3 | 1, 13 << 3 | 2 -> {
                    posCountCount = doubles(r, tag, 1, posCountCount);
                    floatCounts = true;
                }
                case 14 << 3 -> hint = (int) r.varint();
                case 15 << 3 -> t = r.varint();
                case 16 << 3 | 1, 16 << 3 | 2 -> customCount = doubles(r, tag, 2, customCount);
                case 17 << 3 -> lastStart = r.varint();
                default -> r.skip(tag);
            }
        }
        if (schema < Integer.MIN_VALUE || schema > Integer.MAX_VALUE) {
            throw new ProtoException("histogram schema " + schema + " out of range");
        }
        if (hint < 0 || hint > 3) {
            throw new ProtoException("histogram reset_hint " + hint + " unknown (0..3)");
        }
        HistogramSpans pos = spansOf(posOffsets, posLengths, posSpans, lastPos);
        HistogramSpans neg = spansOf(negOffsets, negLengths, negSpans, lastNeg);
        lastPos = pos;
        lastNeg = neg;
        double[] customValues = customValues();
        CounterResetHint h = CounterResetHint.of(hint);
        lastFloat = floatCounts;
        if (floatCounts) {
            if (posDeltaCount > 0 || negDeltaCount > 0) {
                throw new ProtoException("histogram has float counts and integer bucket deltas: use one or the other");
            }
            intoFloat.set(h, (int) schema, zeroThreshold, zeroFloat, countFloat, sum, pos, posCounts, posCountCount, neg, negCounts,
                    negCountCount, customValues);
        } else {
            intoInt.set(h, (int) schema, zeroThreshold, zeroInt, countInt, sum, pos, posDeltas, posDeltaCount, neg, negDeltas,
                    negDeltaCount, customValues);
        }
        return t;
    }

    private boolean lastFloat;
    private long lastStart;

    /** Whether the last {@link #decode} filled the float histogram. */
    public boolean lastWasFloat() {
        return lastFloat;
    }

    /** The last {@link #decode}d histogram's {@code start_timestamp} (remote write 2.0), 0 when it had none (since 1.3.0). */
    public long lastStartTimestamp() {
        return lastStart;
    }

    private int span(ProtoReader r, boolean positive, int count) throws ProtoException {
        int end = r.lengthDelimitedEnd();
        ProtoReader s = new ProtoReader(r.buffer(), r.position(), end);
        long offset = 0;
        long length = 0;
        while (s.hasMore()) {
            int tag = s.tag();
            switch (tag) {
                case 1 << 3 -> offset = s.sint64();
                case 2 << 3 -> length = s.varint();
                default -> s.skip(tag);
            }
        }
        r.position(end);
        if (offset < Integer.MIN_VALUE || offset > Integer.MAX_VALUE || length < 0 || length > Integer.MAX_VALUE) {
            throw new ProtoException("histogram bucket span offset " + offset + " or length " + length + " out of range");
        }
        if (positive) {
            if (count == posOffsets.length) {
                posOffsets = Arrays.copyOf(posOffsets, count * 2);
                posLengths = Arrays.copyOf(posLengths, count * 2);
            }
            posOffsets[count] = (int) offset;
            posLengths[count] = (int) length;
        } else {
            if (count == negOffsets.length) {
                negOffsets = Arrays.copyOf(negOffsets, count * 2);
                negLengths = Arrays.copyOf(negLengths, count * 2);
            }
            negOffsets[count] = (int) offset;
            negLengths[count] = (int) length;
        }
        return count + 1;
    }

    /** A packed or unpacked repeated sint64. */
    private int sints(ProtoReader r, int tag, boolean positive, int count) throws ProtoException {
        if ((tag & 7) == 0) {
            return addDelta(positive, count, r.sint64());
        }
        int end = r.lengthDelimitedEnd();
        ProtoReader p = new ProtoReader(r.buffer(), r.position(), end);
        while (p.hasMore()) {
            count = addDelta(positive, count, p.sint64());
        }
        r.position(end);
        return count;
    }

    private int addDelta(boolean positive, int count, long v) {
        if (positive) {
            posDeltas = grow(posDeltas, count + 1);
            posDeltas[count] = v;
        } else {
            negDeltas = grow(negDeltas, count + 1);
            negDeltas[count] = v;
        }
        return count + 1;
    }

    /** A packed or unpacked repeated double into the negative counts (0), positive counts (1) or custom values (2). */
    private int doubles(ProtoReader r, int tag, int which, int count) throws ProtoException {
        if ((tag & 7) == 1) {
            return addDouble(which, count, r.fixed64AsDouble());
        }
        int end = r.lengthDelimitedEnd();
        if ((end - r.position()) % 8 != 0) {
            throw new ProtoException("proto: packed doubles of " + (end - r.position()) + " bytes, not a multiple of 8");
        }
        ProtoReader p = new ProtoReader(r.buffer(), r.position(), end);
        while (p.hasMore()) {
            count = addDouble(which, count, p.fixed64AsDouble());
        }
        r.position(end);
        return count;
    }

    private int addDouble(int which, int count, double v) {
        switch (which) {
            case 0 -> {
                negCounts = grow(negCounts, count + 1);
                negCounts[count] = v;
            }
            case 1 -> {
                posCounts = grow(posCounts, count + 1);
                posCounts[count] = v;
            }
            default -> {
                custom = grow(custom, count + 1);
                custom[count] = v;
            }
        }
        return count + 1;
    }

    /** The spans decoded, the previous object when the layout did not change (the usual case). */
    private static HistogramSpans spansOf(int[] offsets, int[] lengths, int n, HistogramSpans last) {
        if (n == 0) {
            return HistogramSpans.EMPTY;
        }
        if (last.count() == n) {
            boolean same = true;
            for (int i = 0; same && i < n; i++) {
                same = last.offset(i) == offsets[i] && last.length(i) == lengths[i];
            }
            if (same) {
                return last;
            }
        }
        return HistogramSpans.of(Arrays.copyOf(offsets, n), Arrays.copyOf(lengths, n));
    }

    private double[] customValues() {
        if (customCount == 0) {
            return null;
        }
        if (lastCustom.length != customCount || !Arrays.equals(lastCustom, 0, customCount, custom, 0, customCount)) {
            lastCustom = Arrays.copyOf(custom, customCount);
        }
        return lastCustom;
    }

    private static long[] grow(long[] a, int n) {
        return n <= a.length ? a : Arrays.copyOf(a, Math.max(n, a.length * 2));
    }

    private static double[] grow(double[] a, int n) {
        return n <= a.length ? a : Arrays.copyOf(a, Math.max(n, a.length * 2));
    }
}
