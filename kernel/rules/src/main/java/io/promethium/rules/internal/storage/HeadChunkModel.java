package io.promethium.rules.internal.storage;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.StaleMarker;
import io.promethium.chunks.BitWriter;
import io.promethium.chunks.Varbits;
import io.promethium.chunks.XorField;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where Prometheus's head (tsdb/head_append.go, tsdb/chunkenc/float_histogram.go) would cut the
 * float-histogram chunks of one series, so that {@code test rules} reads each histogram back with
 * the counter-reset hint promtool 3's test storage gives it (histogram_meta.go's
 * {@code counterResetHint}): {@code gauge} in a gauge chunk, else {@code unknown} for the first
 * histogram of a chunk and {@code not_reset} for the others.
 *
 * <p>A chunk starts with the series' first histogram or the first after a float; at a counter
 * reset (an explicit {@code reset} hint, a count, zero count or bucket going down, a vanished
 * bucket that was in use, other custom bounds); at a schema or zero-threshold change; after a
 * stale marker; between gauge and counter histograms; and where the head cuts on time and size:
 * the end of the 24 h chunk range of promtool's test storage, a predicted end time once the chunk
 * holds 256 bytes, or 2048 bytes, with at least 10 histograms unless the range ends. The byte
 * size is that of Prometheus's float-histogram chunk encoding, layout recoding on new buckets
 * included, written here with the chunk library's bit stream, varbit and XOR codecs. Integer
 * histograms are modelled as float ones: {@code test rules} only loads float histograms.
 */
final class HeadChunkModel {

    /** promtool's test storage: 24 h blocks, so the head's chunk range is 24 h. */
    static final long CHUNK_RANGE = 24 * 3600 * 1000L;
    private static final int TARGET_BYTES = 1024;
    private static final int MIN_SAMPLES = 10;

    private Chunk head;
    private boolean headIsHistogram;
    private long nextAt;
    private boolean computedEndTime;
    /** Whether the last sample was a histogram (a float stale marker then becomes a histogram one). */
    private boolean lastWasHistogram;

    /** Appends a float sample; a stale marker after a histogram is a histogram stale marker, as in the head. */
    void appendFloat(long t, double v) {
        if (lastWasHistogram && StaleMarker.isStale(v)) {
            appendHistogram(t, null);
            return;
        }
        lastWasHistogram = false;
        if (head == null || headIsHistogram) {
            head = null;
            headIsHistogram = false;
            nextAt = rangeEnd(t);
        }
    }

    /**
     * Appends a histogram ({@code null} for a stale marker) and answers the hint it reads back with.
     */
    CounterResetHint appendHistogram(long t, FloatHistogram h) {
        lastWasHistogram = true;
        boolean created = false;
        if (head == null || !headIsHistogram) {
            cut(t);
            created = true;
        }
        int numSamples = head.count;
        int numBytes = head.bytes();
        long nextChunkRangeStart = computedEndTime ? rangeEnd(head.minTime) : nextAt;
        if (!computedEndTime && numBytes >= TARGET_BYTES / 4) {
            nextAt = computeChunkEndTime(head.minTime, head.maxTime, nextAt, (double) TARGET_BYTES / numBytes);
            computedEndTime = true;
        }
        if ((t >= nextAt || numBytes >= TARGET_BYTES * 2) && (numSamples >= MIN_SAMPLES || t >= nextChunkRangeStart)) {
            cut(t);
            created = true;
        }
        if (created) {
            computedEndTime = false;
        }
        boolean gauge = h != null && h.counterResetHint() == CounterResetHint.GAUGE;
        boolean first;
        if (head.count == 0) {
            head.gauge = gauge;
            head.append(t, h);
            first = true;
        } else {
            Layout merged = gauge ? head.appendableGauge(h) : head.appendable(h);
            if (merged == null) {
                head = new Chunk(t);
                head.gauge = gauge;
                head.append(t, h);
                nextAt = rangeEnd(t);
                first = true;
            } else {
                if (merged != head.layout) {
                    head.recode(merged);
                }
                head.append(t, h);
                first = false;
            }
        }
        head.maxTime = t;
        return head.gauge ? CounterResetHint.GAUGE : first ? CounterResetHint.UNKNOWN : CounterResetHint.NOT_COUNTER_RESET;
    }

    /** The open chunk's size in bytes as Prometheus encodes it (0 when none), for tests. */
    int headBytes() {
        return head == null || !headIsHistogram ? 0 : head.bytes();
    }

    private void cut(long t) {
        head = new Chunk(t);
        headIsHistogram = true;
        nextAt = rangeEnd(t);
    }

    /** Go's rangeForTimestamp: the end of the chunk range holding {@code t}. */
    static long rangeEnd(long t) {
        return (t / CHUNK_RANGE) * CHUNK_RANGE + CHUNK_RANGE;
    }

    /** Go's computeChunkEndTime. */
    static long computeChunkEndTime(long start, long cur, long maxT, double ratioToFull) {
        double n = (double) (maxT - start) / ((double) (cur - start + 1) * ratioToFull);
        if (n <= 1) {
            return maxT;
        }
        return (long) ((double) start + (double) (maxT - start) / Math.floor(n));
    }

    /** A chunk's bucket layout: schema, zero threshold, custom bounds, and spans as written. */
    private record Layout(int schema, double zeroThreshold, double[] custom, int[][] positive, int[][] negative) {
        static final Layout STALE = new Layout(0, 0, new double[0], new int[0][], new int[0][]);

        static Layout of(FloatHistogram h) {
            return new Layout(h.schema(), h.zeroThreshold(), Arrays.copyOf(h.customValues(), h.customValueCount()),
                    spans(h.positiveSpans()), spans(h.negativeSpans()));
        }

        private static int[][] spans(HistogramSpans s) {
            int[][] out = new int[s.count()][];
            for (int i = 0; i < s.count(); i++) {
                out[i] = new int[] {s.offset(i), s.length(i)};
            }
            return out;
        }
    }

    /** One histogram as the chunk holds it: its buckets in the chunk's layout. */
    private record Sample(long t, double count, double zeroCount, double sum, double[] positive, double[] negative, boolean stale) {
    }

    /** An open chunk: its samples (for recoding), its encoding so far, and the appender's state. */
    private static final class Chunk {
        final long minTime;
        long maxTime = Long.MIN_VALUE;
        boolean gauge;
        int count;
        Layout layout = Layout.STALE;
        int[] positiveIndexes = new int[0];
        int[] negativeIndexes = new int[0];
        final List<Sample> samples = new ArrayList<>();
        private final BitWriter bits = new BitWriter(256);
        private final XorField[] header = {new XorField(), new XorField(), new XorField()};
        private XorField[] buckets = new XorField[0];
        private long lastT;
        private long tDelta;

        Chunk(long minTime) {
            this.minTime = minTime;
            bits.writeBits(0, 24);
        }

        int bytes() {
            return bits.byteLength();
        }

        Sample last() {
            return samples.get(samples.size() - 1);
        }

        void append(long t, FloatHistogram h) {
            if (count == 0) {
                layout = h == null ? Layout.STALE : Layout.of(h);
                positiveIndexes = indexes(layout.positive());
                negativeIndexes = indexes(layout.negative());
                writeLayout();
            }
            Sample s = h == null ? new Sample(t, 0, 0, StaleMarker.STALE_NAN, new double[0], new double[0], true)
                    : new Sample(t, h.count(), h.zeroCount(), h.sum(),
                            inLayout(h.positiveSpans(), h.positiveBuckets(), h.positiveBucketCount(), positiveIndexes),
                            inLayout(h.negativeSpans(), h.negativeBuckets(), h.negativeBucketCount(), negativeIndexes), false);
            write(s);
            samples.add(s);
        }

        /** Re-encodes the chunk in a wider layout, as Prometheus's recode. */
        void recode(Layout wider) {
            int[] pOld = positiveIndexes;
            int[] nOld = negativeIndexes;
            layout = wider;
            positiveIndexes = indexes(wider.positive());
            negativeIndexes = indexes(wider.negative());
            List<Sample> old = new ArrayList<>(samples);
            samples.clear();
            bits.reset();
            bits.writeBits(0, 24);
            count = 0;
            writeLayout();
            for (Sample s : old) {
                Sample r = s.stale() ? s : new Sample(s.t(), s.count(), s.zeroCount(), s.sum(),
                        widen(s.positive(), pOld, positiveIndexes), widen(s.negative(), nOld, negativeIndexes), false);
                write(r);
                samples.add(r);
            }
        }

        private void writeLayout() {
            writeZeroThreshold(layout.zeroThreshold());
            Varbits.writeVarbitInt(bits, layout.schema());
            writeSpans(layout.positive());
            writeSpans(layout.negative());
            if (layout.schema() == Histogram.CUSTOM_BUCKETS_SCHEMA) {
                Varbits.writeVarbitUint(bits, layout.custom().length);
                for (double bound : layout.custom()) {
                    writeCustomBound(bound);
                }
            }
        }

        private void writeSpans(int[][] spans) {
            Varbits.writeVarbitUint(bits, spans.length);
            for (int[] span : spans) {
                Varbits.writeVarbitUint(bits, span[1]);
                Varbits.writeVarbitInt(bits, span[0]);
            }
        }

        /** putZeroThreshold: 0 → byte 0; a power of two 2^-243 … 2^10 → its frexp exponent + 243; else 255 and 8 bytes. */
        private void writeZeroThreshold(double zt) {
            if (zt == 0) {
                bits.writeByte(0);
                return;
            }
            long raw = Double.doubleToRawLongBits(zt);
            int exp = Math.getExponent(zt) + 1;
            boolean powerOfTwo = zt > 0 && (raw & 0x000f_ffff_ffff_ffffL) == 0 && Math.getExponent(zt) >= Double.MIN_EXPONENT;
            if (!powerOfTwo || exp < -242 || exp > 11) {
                bits.writeByte(255);
                bits.writeBits(raw, 64);
                return;
            }
            bits.writeByte(exp + 243);
        }

        /** putCustomBound: thousandths from 0 to 33554430 as varbit(thousandths + 1); else a 0 bit and 8 bytes. */
        private void writeCustomBound(double bound) {
            double scaled = bound * 1000;
            if (scaled < 0 || scaled > 33554430 || (double) Math.round(scaled) / 1000 != bound) {
                bits.writeBit(false);
                bits.writeBits(Double.doubleToRawLongBits(bound), 64);
                return;
            }
            Varbits.writeVarbitUint(bits, Math.round(scaled) + 1);
        }

        /** float_histogram.go's appendFloatHistogram: raw first sample, then dod and XOR of every field. */
        private void write(Sample s) {
            int n = positiveIndexes.length + negativeIndexes.length;
            if (count == 0) {
                if (buckets.length < n) {
                    buckets = new XorField[n];
                    for (int i = 0; i < n; i++) {
                        buckets[i] = new XorField();
                    }
                }
                Varbits.writeVarbitInt(bits, s.t());
                header[0].first(bits, Double.doubleToRawLongBits(s.count()));
                header[1].first(bits, Double.doubleToRawLongBits(s.zeroCount()));
                header[2].first(bits, Double.doubleToRawLongBits(s.sum()));
                for (int i = 0; i < s.positive().length + s.negative().length; i++) {
                    buckets[i].first(bits, Double.doubleToRawLongBits(bucket(s, i)));
                }
                tDelta = 0;
            } else {
                long delta = s.t() - lastT;
                Varbits.writeVarbitInt(bits, delta - tDelta);
                tDelta = delta;
                header[0].write(bits, Double.doubleToRawLongBits(s.count()));
                header[1].write(bits, Double.doubleToRawLongBits(s.zeroCount()));
                header[2].write(bits, Double.doubleToRawLongBits(s.sum()));
                // A stale marker writes no buckets.
                for (int i = 0; i < s.positive().length + s.negative().length; i++) {
                    buckets[i].write(bits, Double.doubleToRawLongBits(bucket(s, i)));
                }
            }
            lastT = s.t();
            count++;
        }

        private static double bucket(Sample s, int i) {
            return i < s.positive().length ? s.positive()[i] : s.negative()[i - s.positive().length];
        }

        /** The last non-stale values of the chunk's buckets, as the appender keeps them. */
        private double[] lastBuckets(boolean positive) {
            for (int i = samples.size() - 1; i >= 0; i--) {
                Sample s = samples.get(i);
                if (!s.stale()) {
                    return positive ? s.positive() : s.negative();
                }
            }
            return new double[(positive ? positiveIndexes : negativeIndexes).length];
        }

        /**
         * float_histogram.go's appendable for a counter histogram: the layout to append in (this
         * chunk's, or a wider one to recode to), or null when a new chunk must start.
         */
        Layout appendable(FloatHistogram h) {
            if (gauge) {
                return null;
            }
            if (h == null) {
                return layout;
            }
            if (h.counterResetHint() == CounterResetHint.COUNTER_RESET || last().stale()) {
                return null;
            }
            if (h.count() < last().count() || h.schema() != layout.schema() || h.zeroThreshold() != layout.zeroThreshold()) {
                return null;
            }
            if (h.schema() == Histogram.CUSTOM_BUCKETS_SCHEMA
                    && !Arrays.equals(Arrays.copyOf(h.customValues(), h.customValueCount()), layout.custom())) {
                return null;
            }
            if (h.zeroCount() < last().zeroCount()) {
                return null;
            }
            Merge p = merge(positiveIndexes, lastBuckets(true), h.positiveSpans(), h.positiveBuckets(), h.positiveBucketCount(), true);
            Merge n = merge(negativeIndexes, lastBuckets(false), h.negativeSpans(), h.negativeBuckets(), h.negativeBucketCount(), true);
            if (p == null || n == null) {
                return null;
            }
            return widened(h, p, n);
        }

        /** float_histogram.go's appendableGauge: gauge chunks take any bucket change, not a schema change. */
        Layout appendableGauge(FloatHistogram h) {
            if (!gauge) {
                return null;
            }
            if (last().stale()) {
                return null;
            }
            if (h.schema() != layout.schema() || h.zeroThreshold() != layout.zeroThreshold()) {
                return null;
            }
            if (h.schema() == Histogram.CUSTOM_BUCKETS_SCHEMA
                    && !Arrays.equals(Arrays.copyOf(h.customValues(), h.customValueCount()), layout.custom())) {
                return null;
            }
            Merge p = merge(positiveIndexes, lastBuckets(true), h.positiveSpans(), h.positiveBuckets(), h.positiveBucketCount(), false);
            Merge n = merge(negativeIndexes, lastBuckets(false), h.negativeSpans(), h.negativeBuckets(), h.negativeBucketCount(), false);
            return widened(h, p, n);
        }

        /**
         * The layout after appending: unchanged without new buckets; with new buckets the
         * histogram's own spans, or (buckets missing from it as well) the union written as
         * adjustForInserts writes it.
         */
        private Layout widened(FloatHistogram h, Merge p, Merge n) {
            if (!p.forward() && !n.forward()) {
                return layout;
            }
            Layout own = Layout.of(h);
            return new Layout(layout.schema(), layout.zeroThreshold(), layout.custom(),
                    p.backward() ? canonical(p.union()) : own.positive(), n.backward() ? canonical(n.union()) : own.negative());
        }
    }

    /** New buckets in the histogram (forward), chunk buckets missing from it (backward), and their union. */
    private record Merge(boolean forward, boolean backward, int[] union) {
    }

    /**
     * expandFloatSpansAndBuckets (counter) or expandSpansBothWays (gauge, {@code checkResets}
     * false): null when a bucket went down or a bucket in use vanished.
     */
    private static Merge merge(int[] chunkIdx, double[] chunkLast, HistogramSpans spans, double[] values, int n, boolean checkResets) {
        int[] idx = spans.indexes(null);
        int a = 0;
        int b = 0;
        boolean forward = false;
        boolean backward = false;
        int[] union = new int[chunkIdx.length + n];
        int u = 0;
        while (a < chunkIdx.length || b < n) {
            if (a < chunkIdx.length && b < n && chunkIdx[a] == idx[b]) {
                if (checkResets && chunkLast[a] > values[b]) {
                    return null;
                }
                union[u++] = idx[b];
                a++;
                b++;
            } else if (b >= n || a < chunkIdx.length && chunkIdx[a] < idx[b]) {
                if (checkResets && chunkLast[a] != 0) {
                    return null;
                }
                backward = true;
                union[u++] = chunkIdx[a++];
            } else {
                forward = true;
                union[u++] = idx[b++];
            }
        }
        return new Merge(forward, backward, Arrays.copyOf(union, u));
    }

    /** adjustForInserts' spans of a set of bucket indexes: consecutive buckets in one span. */
    private static int[][] canonical(int[] indexes) {
        List<int[]> spans = new ArrayList<>();
        int last = 0;
        for (int i : indexes) {
            int offset = i - last - 1;
            if (offset == 0 && !spans.isEmpty()) {
                spans.get(spans.size() - 1)[1]++;
            } else {
                spans.add(new int[] {spans.isEmpty() ? offset + 1 : offset, 1});
            }
            last = i;
        }
        return spans.toArray(new int[0][]);
    }

    private static int[] indexes(int[][] spans) {
        int total = 0;
        for (int[] s : spans) {
            total += s[1];
        }
        int[] out = new int[total];
        int index = 0;
        int k = 0;
        for (int[] s : spans) {
            index += s[0];
            for (int j = 0; j < s[1]; j++) {
                out[k++] = index++;
            }
        }
        return out;
    }

    /** A histogram's buckets placed at the chunk layout's indexes (zero where it has none). */
    private static double[] inLayout(HistogramSpans spans, double[] values, int n, int[] layout) {
        int[] idx = spans.indexes(null);
        double[] out = new double[layout.length];
        int k = 0;
        for (int i = 0; i < n; i++) {
            while (k < layout.length && layout[k] < idx[i]) {
                k++;
            }
            if (k < layout.length && layout[k] == idx[i]) {
                out[k] = values[i];
            }
        }
        return out;
    }

    private static double[] widen(double[] values, int[] from, int[] to) {
        double[] out = new double[to.length];
        int k = 0;
        for (int i = 0; i < from.length; i++) {
            while (to[k] < from[i]) {
                k++;
            }
            out[k] = values[i];
        }
        return out;
    }
}
