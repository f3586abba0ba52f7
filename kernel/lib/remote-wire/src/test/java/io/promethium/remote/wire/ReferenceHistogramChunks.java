package io.promethium.remote.wire;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import java.util.ArrayList;
import java.util.List;

/**
 * A reader of Prometheus's histogram and float histogram chunks written for the tests from the
 * format's description (tsdb/chunkenc: histogram.go, float_histogram.go, histogram_meta.go,
 * varbit.go), independently of {@link HistogramChunkEncoder}: it reads bit by bit, decodes the
 * varbit prefixes by counting ones, and rebuilds the values as Prometheus's iterators do,
 * including their counter-reset hints (gauge for a gauge chunk; "not a reset" after the first
 * sample; the header's reset for the first; else unknown). Public in the test jar.
 */
public final class ReferenceHistogramChunks {

    /** One decoded sample: an integer or float histogram. */
    public record Sample(long t, Object histogram) {
    }

    private final byte[] b;
    private final int end;
    private int bit;

    private ReferenceHistogramChunks(byte[] data, int from, int to) {
        this.b = data;
        this.bit = from * 8;
        this.end = to;
    }

    /** Decodes a chunk of encoding 2 (integer histograms) or 3 (float histograms). */
    public static List<Sample> decode(int encoding, byte[] data, int from, int to) {
        if (to - from < 3) {
            throw new AssertionError("a histogram chunk has a 3-byte header, got " + (to - from) + " bytes");
        }
        int n = ((data[from] & 0xff) << 8) | (data[from + 1] & 0xff);
        int header = (data[from + 2] & 0xff) >>> 6;
        ReferenceHistogramChunks r = new ReferenceHistogramChunks(data, from + 3, to);
        return encoding == 2 ? r.integers(n, header) : r.floats(n, header);
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

    private int schema;
    private double zt;
    private HistogramSpans pos;
    private HistogramSpans neg;
    private double[] custom;

    private void layout() {
        int z = (int) bits(8);
        zt = z == 0 ? 0 : z == 255 ? Double.longBitsToDouble(bits(64)) : Math.scalb(0.5, z - 243);
        schema = (int) varbitInt();
        pos = spans();
        neg = spans();
        custom = null;
        if (schema == -53) {
            custom = new double[(int) varbitUint()];
            for (int i = 0; i < custom.length; i++) {
                long v = varbitUint();
                custom[i] = v == 0 ? Double.longBitsToDouble(bits(64)) : (v - 1) / 1000.0;
            }
        }
    }

    private HistogramSpans spans() {
        int n = (int) varbitUint();
        int[] pairs = new int[2 * n];
        for (int i = 0; i < n; i++) {
            pairs[2 * i + 1] = (int) varbitUint(); // length is written first
            pairs[2 * i] = (int) varbitInt();
        }
        return HistogramSpans.pairs(pairs);
    }

    private List<Sample> integers(int n, int header) {
        List<Sample> out = new ArrayList<>();
        long t = 0;
        long td = 0;
        long[] v = null; // count, zero count, bucket deltas
        long[] d = null;
        long sum = 0;
        int[] xorState = {-1, 0};
        for (int s = 0; s < n; s++) {
            if (s == 0) {
                layout();
                int buckets = pos.bucketCount() + neg.bucketCount();
                v = new long[2 + buckets];
                d = new long[2 + buckets];
                t = varbitInt();
                v[0] = varbitUint();
                v[1] = varbitUint();
                sum = bits(64);
                if (!isStale(sum)) {
                    for (int i = 2; i < v.length; i++) {
                        v[i] = varbitInt();
                    }
                }
            } else {
                td += varbitInt();
                t += td;
                d[0] += varbitInt();
                v[0] += d[0];
                d[1] += varbitInt();
                v[1] += d[1];
                sum = xor(sum, xorState);
                if (!isStale(sum)) {
                    for (int i = 2; i < v.length; i++) {
                        d[i] += varbitInt();
                        v[i] += d[i];
                    }
                }
            }
            if (isStale(sum)) {
                out.add(new Sample(t, new Histogram().set(CounterResetHint.UNKNOWN, 0, 0, 0, 0, Double.longBitsToDouble(sum),
                        HistogramSpans.EMPTY, new long[0], HistogramSpans.EMPTY, new long[0], null)));
                continue;
            }
            long[] p = java.util.Arrays.copyOfRange(v, 2, 2 + pos.bucketCount());
            long[] ng = java.util.Arrays.copyOfRange(v, 2 + pos.bucketCount(), v.length);
            out.add(new Sample(t, new Histogram().set(hint(header, s), schema, zt, v[1], v[0], Double.longBitsToDouble(sum), pos, p, neg, ng,
                    custom)));
        }
        return out;
    }

    private List<Sample> floats(int n, int header) {
        List<Sample> out = new ArrayList<>();
        long t = 0;
        long td = 0;
        long[] f = null; // count, zero count, sum, buckets
        int[][] state = null;
        for (int s = 0; s < n; s++) {
            if (s == 0) {
                layout();
                f = new long[3 + pos.bucketCount() + neg.bucketCount()];
                state = new int[f.length][];
                t = varbitInt();
                for (int i = 0; i < 3; i++) {
                    f[i] = bits(64);
                    state[i] = new int[] {-1, 0};
                }
                if (!isStale(f[2])) {
                    for (int i = 3; i < f.length; i++) {
                        f[i] = bits(64);
                        state[i] = new int[] {-1, 0};
                    }
                }
            } else {
                td += varbitInt();
                t += td;
                for (int i = 0; i < 3; i++) {
                    f[i] = xor(f[i], state[i]);
                }
                if (!isStale(f[2])) {
                    for (int i = 3; i < f.length; i++) {
                        f[i] = xor(f[i], state[i]);
                    }
                }
            }
            if (isStale(f[2])) {
                out.add(new Sample(t, new FloatHistogram().set(CounterResetHint.UNKNOWN, 0, 0, 0, 0, Double.longBitsToDouble(f[2]),
                        HistogramSpans.EMPTY, new double[0], 0, HistogramSpans.EMPTY, new double[0], 0, null)));
                continue;
            }
            double[] p = new double[pos.bucketCount()];
            double[] ng = new double[neg.bucketCount()];
            for (int i = 0; i < p.length; i++) {
                p[i] = Double.longBitsToDouble(f[3 + i]);
            }
            for (int i = 0; i < ng.length; i++) {
                ng[i] = Double.longBitsToDouble(f[3 + p.length + i]);
            }
            out.add(new Sample(t, new FloatHistogram().set(hint(header, s), schema, zt, Double.longBitsToDouble(f[1]),
                    Double.longBitsToDouble(f[0]), Double.longBitsToDouble(f[2]), pos, p, p.length, neg, ng, ng.length, custom)));
        }
        return out;
    }

    private static boolean isStale(long sumBits) {
        return sumBits == 0x7ff0000000000002L;
    }

    /** Gorilla: 0 = same; 10 = same window; 11 = 5 bits leading, 6 bits width (0 = 64), bits. state = {leading, trailing}. */
    private long xor(long previous, int[] state) {
        if (bits(1) == 0) {
            return previous;
        }
        if (bits(1) == 1) {
            int lead = (int) bits(5);
            int width = (int) bits(6);
            if (width == 0) {
                width = 64;
            }
            state[0] = lead;
            state[1] = 64 - lead - width;
        } else if (state[0] < 0) {
            throw new AssertionError("XOR reuses a window before one was written");
        }
        int width = 64 - state[0] - state[1];
        return previous ^ (bits(width) << state[1]);
    }

    private static final int[] WIDTHS = {0, 3, 6, 9, 12, 18, 25, 56, 64};

    /** Number of leading ones (at most 8, the zero after fewer than 8 consumed). */
    private int prefix() {
        int ones = 0;
        while (ones < 8 && bits(1) == 1) {
            ones++;
        }
        return ones;
    }

    private long varbitInt() {
        int w = WIDTHS[prefix()];
        if (w == 0 || w == 64) {
            return w == 0 ? 0 : bits(64);
        }
        long v = bits(w);
        return v > (1L << (w - 1)) ? v - (1L << w) : v;
    }

    private long varbitUint() {
        int w = WIDTHS[prefix()];
        return w == 0 ? 0 : bits(w);
    }

    private long bits(int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            if (bit >= end * 8) {
                throw new AssertionError("chunk ends inside a value");
            }
            v = (v << 1) | ((b[bit >>> 3] >>> (7 - (bit & 7))) & 1);
            bit++;
        }
        return v;
    }
}
