package io.promethium.remote.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.StaleMarker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HistogramChunkEncoderTest {

    /** The bytes of a bit string ("0" and "1", spaces ignored), the last byte padded with zeros. */
    private static byte[] bits(String s) {
        String b = s.replace(" ", "");
        byte[] out = new byte[(b.length() + 7) / 8];
        for (int i = 0; i < b.length(); i++) {
            if (b.charAt(i) == '1') {
                out[i / 8] |= (byte) (0x80 >>> (i % 8));
            }
        }
        return out;
    }

    private static byte[] chunk(HistogramChunkEncoder e) {
        return Arrays.copyOf(e.buffer(), e.length());
    }

    @Test
    void aSingleIntegerHistogramIsLaidOutAsTheFormatDescribes() {
        HistogramChunkEncoder e = new HistogramChunkEncoder();
        assertThat(e.append(5, new Histogram().set(CounterResetHint.UNKNOWN, 0, 0, 0, 1, 0.0, HistogramSpans.pairs(0, 1), new long[] {1},
                HistogramSpans.EMPTY, new long[0], null))).isTrue();
        byte[] expected = new byte[3 + 14];
        expected[1] = 1; // one sample; header byte 0: counter reset unknown
        System.arraycopy(bits("00000000" // zero threshold 0
                + " 0" // schema 0
                + " 10001 10001 0" // one positive span: length 1, offset 0
                + " 0" // no negative spans
                + " 110 000101" // t = 5 (outside -3..4: 6 bits)
                + " 10001 0" // count 1, zero count 0
                + " " + "0".repeat(64) // sum 0.0, raw
                + " 10001"), 0, expected, 3, 14); // bucket delta 1
        assertThat(chunk(e)).containsExactly(expected);
        assertThat(e.encoding()).isEqualTo(HistogramChunkEncoder.ENCODING_HISTOGRAM);
    }

    @Test
    void theDefaultZeroThresholdTakesOneByteOf116AndOthersTheirBits() {
        // Prometheus documents 2^-128 as the single byte 116.
        HistogramChunkEncoder e = new HistogramChunkEncoder();
        e.append(0, FloatHistogram.exponential(3, Math.scalb(1.0, -128), 0, 0, 0, HistogramSpans.EMPTY));
        assertThat(e.buffer()[3] & 0xff).isEqualTo(116);
        assertThat(e.encoding()).isEqualTo(HistogramChunkEncoder.ENCODING_FLOAT_HISTOGRAM);
        e.reset();
        e.append(0, FloatHistogram.exponential(3, 0.001, 0, 0, 0, HistogramSpans.EMPTY));
        assertThat(e.buffer()[3] & 0xff).isEqualTo(255);
        assertThat(ReferenceHistogramChunks.decode(3, e.buffer(), 0, e.length()).get(0).histogram())
                .extracting(h -> ((FloatHistogram) h).zeroThreshold()).isEqualTo(0.001);
    }

    @Test
    void counterResetsGaugeSwitchesLayoutChangesAndTypeChangesStartNewChunksMarkedAsPrometheusReadsThem() {
        HistogramChunkEncoder e = new HistogramChunkEncoder();
        HistogramSpans s = HistogramSpans.pairs(0, 2);
        assertThat(e.append(1000, Histogram.exponential(0, 0, 0, 5, 1, s, 2, 1))).isTrue();
        assertThat(e.append(2000, Histogram.exponential(0, 0, 0, 6, 1, s, 2, 2))).isTrue();
        // A bucket went down (3 → 2) with an unknown hint: a new chunk, marked as a reset.
        assertThat(e.append(3000, Histogram.exponential(0, 0, 0, 7, 1, s, 5, -3))).isFalse();
        List<ReferenceHistogramChunks.Sample> first = ReferenceHistogramChunks.decode(2, e.buffer(), 0, e.length());
        assertThat(first).extracting(x -> ((Histogram) x.histogram()).counterResetHint())
                .containsExactly(CounterResetHint.UNKNOWN, CounterResetHint.NOT_COUNTER_RESET);
        e.newChunk();
        assertThat(e.append(3000, Histogram.exponential(0, 0, 0, 7, 1, s, 5, -3))).isTrue();
        assertThat(ReferenceHistogramChunks.decode(2, e.buffer(), 0, e.length()).get(0).histogram())
                .extracting(h -> ((Histogram) h).counterResetHint()).isEqualTo(CounterResetHint.COUNTER_RESET);
        // A float histogram does not go into an integer chunk, nor a finer layout, nor a gauge.
        assertThat(e.append(4000, FloatHistogram.exponential(0, 0, 0, 7, 1, s, 5, 2)))
                .isFalse();
        assertThat(e.append(4000, Histogram.exponential(1, 0, 0, 7, 1, s, 5, -3))).isFalse();
        Histogram gauge = new Histogram().set(CounterResetHint.GAUGE, 0, 0, 0, 7, 1, s, new long[] {5, -3}, HistogramSpans.EMPTY, new long[0],
                null);
        assertThat(e.append(4000, gauge)).isFalse();
        // A stale marker fits; after it only markers do.
        assertThat(e.appendStale(4000)).isTrue();
        assertThat(e.append(5000, Histogram.exponential(0, 0, 0, 8, 1, s, 5, -2))).isFalse();
        List<ReferenceHistogramChunks.Sample> second = ReferenceHistogramChunks.decode(2, e.buffer(), 0, e.length());
        assertThat(second).hasSize(2);
        assertThat(((Histogram) second.get(1).histogram()).isStale()).isTrue();
    }

    /** What a reader must get back: the sample with its counter-reset hint left out of the comparison. */
    private static String withoutHint(Object h) {
        return h.toString().replaceFirst("hint=[A-Z_]+, ", "");
    }

    @Test
    void randomSeriesReadBackEqualThroughAnIndependentReader() {
        Random rnd = new Random(20);
        HistogramChunkEncoder e = new HistogramChunkEncoder();
        for (int round = 0; round < 300; round++) {
            List<ReferenceHistogramChunks.Sample> written = randomSeries(rnd);
            List<ReferenceHistogramChunks.Sample> read = new ArrayList<>();
            e.reset();
            for (ReferenceHistogramChunks.Sample s : written) {
                if (!append(e, s)) {
                    read.addAll(readBothWays(e));
                    e.newChunk();
                    assertThat(append(e, s)).isTrue();
                }
            }
            read.addAll(readBothWays(e));
            assertThat(read).hasSameSizeAs(written);
            for (int i = 0; i < written.size(); i++) {
                ReferenceHistogramChunks.Sample w = written.get(i);
                ReferenceHistogramChunks.Sample r = read.get(i);
                assertThat(r.t()).as("round %d sample %d", round, i).isEqualTo(w.t());
                Object expected = w.histogram();
                if (expected instanceof Histogram h && r.histogram() instanceof FloatHistogram) {
                    assertThat(h.isStale()).isTrue(); // a marker continues a float chunk
                    expected = new FloatHistogram().set(CounterResetHint.UNKNOWN, 0, 0, 0, 0, StaleMarker.STALE_NAN, HistogramSpans.EMPTY,
                            new double[0], 0, HistogramSpans.EMPTY, new double[0], 0, null);
                }
                if (isStale(expected)) {
                    assertThat(isStale(r.histogram())).as("round %d sample %d", round, i).isTrue();
                    continue;
                }
                assertThat(withoutHint(r.histogram())).as("round %d sample %d", round, i).isEqualTo(withoutHint(expected));
                CounterResetHint wrote = hint(expected);
                CounterResetHint got = hint(r.histogram());
                if (wrote == CounterResetHint.GAUGE || wrote == CounterResetHint.COUNTER_RESET) {
                    assertThat(got).as("round %d sample %d", round, i).isEqualTo(wrote);
                }
                if (got == CounterResetHint.NOT_COUNTER_RESET) {
                    assertThat(wentDown(written.get(i - 1).histogram(), expected)).as("round %d sample %d %s -> %s", round, i, written.get(i - 1).histogram(), expected).isFalse();
                }
            }
        }
    }

    /** The chunk read by the reference reader, after checking that {@link HistogramChunkDecoder} reads the same. */
    private static List<ReferenceHistogramChunks.Sample> readBothWays(HistogramChunkEncoder e) {
        List<ReferenceHistogramChunks.Sample> reference = ReferenceHistogramChunks.decode(e.encoding(), e.buffer(), 0, e.length());
        HistogramSamples decoded = new HistogramSamples();
        try {
            HistogramChunkDecoder.decode(e.encoding(), e.buffer(), 0, e.length(), decoded);
        } catch (ProtoReader.ProtoException ex) {
            throw new AssertionError(ex);
        }
        List<String> mine = new ArrayList<>();
        for (int i = 0; i < decoded.size(); i++) {
            mine.add(decoded.timestamp(i) + "=" + (decoded.isFloat(i) ? decoded.floatHistogram(i) : decoded.histogram(i)));
        }
        assertThat(mine).isEqualTo(reference.stream().map(x -> x.t() + "=" + x.histogram()).toList());
        return reference;
    }

    @Test
    void truncatedOrCorruptedChunksFailWithAMessageAndNothingElse() {
        Random rnd = new Random(7);
        HistogramChunkEncoder e = new HistogramChunkEncoder();
        int failures = 0;
        for (int round = 0; round < 200; round++) {
            e.reset();
            for (ReferenceHistogramChunks.Sample s : randomSeries(rnd)) {
                if (!append(e, s)) {
                    break;
                }
            }
            byte[] chunk = chunk(e);
            byte[] broken = rnd.nextBoolean() ? Arrays.copyOf(chunk, rnd.nextInt(chunk.length))
                    : flip(chunk, rnd);
            try {
                HistogramChunkDecoder.decode(e.encoding(), broken, 0, broken.length, new HistogramSamples());
            } catch (ProtoReader.ProtoException expected) {
                assertThat(expected.getMessage()).startsWith("histogram chunk: ");
                failures++;
            }
        }
        assertThat(failures).isGreaterThan(50);
    }

    private static byte[] flip(byte[] chunk, Random rnd) {
        byte[] out = chunk.clone();
        for (int k = 0; k < 1 + rnd.nextInt(4); k++) {
            int i = 3 + rnd.nextInt(Math.max(1, out.length - 3));
            if (i < out.length) {
                out[i] ^= (byte) (1 << rnd.nextInt(8));
            }
        }
        if (rnd.nextInt(4) == 0) {
            out[0] = (byte) 0xff; // claims far more samples than it holds
        }
        return out;
    }

    private static boolean append(HistogramChunkEncoder e, ReferenceHistogramChunks.Sample s) {
        return s.histogram() instanceof Histogram h ? e.append(s.t(), h) : e.append(s.t(), (FloatHistogram) s.histogram());
    }

    private static boolean isStale(Object h) {
        return h instanceof Histogram i ? i.isStale() : ((FloatHistogram) h).isStale();
    }

    private static CounterResetHint hint(Object h) {
        return h instanceof Histogram i ? i.counterResetHint() : ((FloatHistogram) h).counterResetHint();
    }

    /** Whether some count of {@code b} is below {@code a}'s, for the same layout. */
    private static boolean wentDown(Object a, Object b) {
        FloatHistogram x = a instanceof Histogram i ? i.toFloat() : (FloatHistogram) a;
        FloatHistogram y = b instanceof Histogram i ? i.toFloat() : (FloatHistogram) b;
        if (x.isStale() || y.count() < x.count() || y.zeroCount() < x.zeroCount()) {
            return true;
        }
        for (int i = 0; i < x.positiveBucketCount(); i++) {
            if (y.positiveBucket(i) < x.positiveBucket(i)) {
                return true;
            }
        }
        for (int i = 0; i < x.negativeBucketCount(); i++) {
            if (y.negativeBucket(i) < x.negativeBucket(i)) {
                return true;
            }
        }
        return false;
    }

    private static final double[] ZERO_THRESHOLDS = {0, Math.scalb(1.0, -128), Math.scalb(1.0, -243), Math.scalb(1.0, 10),
        Math.scalb(1.0, 11), Math.scalb(1.0, -244), 0.001, 1e-300};
    private static final double[][] BOUNDS = {{0.1, 0.25, 1, 2.5}, {-5, 0.0015, 33554.43, 33554.431, 1e9}, {0.001, 7}};

    private static List<ReferenceHistogramChunks.Sample> randomSeries(Random rnd) {
        List<ReferenceHistogramChunks.Sample> out = new ArrayList<>();
        boolean floats = rnd.nextBoolean();
        boolean gauge = rnd.nextInt(5) == 0;
        double scale = rnd.nextBoolean() ? 1 : 0.37;
        long t = rnd.nextInt(4) == 0 ? rnd.nextLong() >> 2 : 1_700_000_000_000L + rnd.nextInt(1_000_000);
        int n = 1 + rnd.nextInt(rnd.nextInt(4) == 0 ? 400 : 30);
        int schema = 0;
        double zt = 0;
        HistogramSpans pos = HistogramSpans.EMPTY;
        HistogramSpans neg = HistogramSpans.EMPTY;
        double[] bounds = null;
        long[] counts = new long[0]; // absolute, positive then negative
        long zc = 0;
        for (int i = 0; i < n; i++) {
            t += switch (rnd.nextInt(6)) {
                case 0 -> 15_000;
                case 1 -> 15_000 + rnd.nextInt(2000) - 1000;
                case 2 -> 1 + rnd.nextInt(10);
                case 3 -> rnd.nextInt(1 << 20);
                case 4 -> 1L + rnd.nextInt(Integer.MAX_VALUE);
                default -> 60_000;
            };
            if (rnd.nextInt(40) == 0) {
                out.add(new ReferenceHistogramChunks.Sample(t, staleOf(floats || rnd.nextBoolean())));
                continue;
            }
            boolean relayout = i == 0 || rnd.nextInt(25) == 0;
            if (relayout) {
                // A new layout.
                boolean custom = rnd.nextInt(4) == 0;
                schema = custom ? Histogram.CUSTOM_BUCKETS_SCHEMA : rnd.nextInt(13) - 4;
                zt = custom ? 0 : ZERO_THRESHOLDS[rnd.nextInt(ZERO_THRESHOLDS.length)];
                bounds = custom ? BOUNDS[rnd.nextInt(BOUNDS.length)] : null;
                pos = randomSpans(rnd, custom ? bounds.length + 1 : 0);
                neg = custom ? HistogramSpans.EMPTY : randomSpans(rnd, 0);
                counts = new long[pos.bucketCount() + neg.bucketCount()];
            }
            boolean reset = rnd.nextInt(20) == 0;
            long big = rnd.nextInt(10) == 0 ? 1L << (20 + rnd.nextInt(30)) : 0;
            for (int k = 0; k < counts.length; k++) {
                counts[k] = reset || gauge && rnd.nextBoolean() ? rnd.nextInt(5) : counts[k] + rnd.nextInt(50) + (rnd.nextBoolean() ? big : 0);
            }
            zc = reset ? rnd.nextInt(3) : zc + rnd.nextInt(4);
            long count = zc;
            for (long c : counts) {
                count += c;
            }
            CounterResetHint hint = gauge ? CounterResetHint.GAUGE
                    : reset && rnd.nextBoolean() ? CounterResetHint.COUNTER_RESET
                    : rnd.nextInt(3) == 0 ? CounterResetHint.NOT_COUNTER_RESET : CounterResetHint.UNKNOWN;
            if (hint == CounterResetHint.NOT_COUNTER_RESET && (reset || relayout)) {
                // Counts restart: a writer hinting "no reset" would lie.
                hint = CounterResetHint.UNKNOWN;
            }
            double sum = rnd.nextInt(10) == 0 ? Double.NaN : rnd.nextGaussian() * 1000;
            Object h;
            if (floats) {
                double[] p = new double[pos.bucketCount()];
                double[] q = new double[neg.bucketCount()];
                for (int k = 0; k < p.length; k++) {
                    p[k] = counts[k] * scale;
                }
                for (int k = 0; k < q.length; k++) {
                    q[k] = counts[p.length + k] * scale;
                }
                h = new FloatHistogram().set(hint, schema, zt, zc * scale, count * scale, sum, pos, p, p.length, neg, q, q.length, bounds);
            } else {
                long[] p = deltas(counts, 0, pos.bucketCount());
                long[] q = deltas(counts, pos.bucketCount(), neg.bucketCount());
                h = new Histogram().set(hint, schema, zt, zc, count, sum, pos, p, neg, q, bounds);
            }
            out.add(new ReferenceHistogramChunks.Sample(t, h));
        }
        return out;
    }

    private static Object staleOf(boolean floats) {
        return floats ? new FloatHistogram().set(CounterResetHint.UNKNOWN, 0, 0, 0, 0, StaleMarker.STALE_NAN, HistogramSpans.EMPTY,
                new double[0], 0, HistogramSpans.EMPTY, new double[0], 0, null)
                : new Histogram().set(CounterResetHint.UNKNOWN, 0, 0, 0, 0, StaleMarker.STALE_NAN, HistogramSpans.EMPTY, new long[0],
                HistogramSpans.EMPTY, new long[0], null);
    }

    private static long[] deltas(long[] counts, int from, int n) {
        long[] out = new long[n];
        long prev = 0;
        for (int i = 0; i < n; i++) {
            out[i] = counts[from + i] - prev;
            prev = counts[from + i];
        }
        return out;
    }

    /** Spans with {@code buckets} buckets in all (random when 0), offsets of every varbit width. */
    private static HistogramSpans randomSpans(Random rnd, int buckets) {
        int n = buckets > 0 ? 1 + rnd.nextInt(Math.min(3, buckets)) : rnd.nextInt(4);
        int left = buckets;
        int[] pairs = new int[2 * n];
        for (int i = 0; i < n; i++) {
            pairs[2 * i] = i == 0 ? (buckets > 0 ? 0 : rnd.nextInt(200) - 100) : rnd.nextInt(i == 1 ? 3000 : 20);
            pairs[2 * i + 1] = buckets > 0 ? (i == n - 1 ? left : 1 + rnd.nextInt(Math.max(1, left - (n - 1 - i)))) : 1 + rnd.nextInt(i == 0 ? 40 : 5);
            if (buckets > 0) {
                left -= pairs[2 * i + 1];
            }
        }
        return HistogramSpans.pairs(pairs);
    }
}
