package io.promethium.tsdb;

import static io.promethium.tsdb.TestSupport.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.SeriesSet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native histograms over downsampled companions against the raw samples they came from: a
 * database keeping raw data 20 h and 5 m and 1 h companions for ever, 60 h of 15 s scrapes of
 * three histogram counters (integer exponential, float exponential, float custom buckets) with
 * random counter resets, buckets appearing over time and, for the exponential ones, a schema
 * change from 3 to 2 at 30 h (not a reset). The expectations come from the generator's own record
 * of every observation, not from the code under test:
 *
 * <ul>
 *   <li>{@code rate}/{@code increase}: the counter points served (companions where raw data
 *       expired, raw blocks and the head after) must differ, between any two of them, by exactly
 *       the observations made between their timestamps (resets included), bucket by bucket at the
 *       coarser schema, in count, zero count and sum. Tolerance {@code 1e-9 ×} the total: counts
 *       are whole numbers (or halves), exact in a double; the sum field adds ~14,000 random
 *       doubles in another order, ≤ {@code n·2⁻⁵³} relative.
 *   <li>{@code sum_over_time} over ranges of whole windows: the sum of the raw histograms in the
 *       range, bucket by bucket, same tolerance (only the order of additions differs).
 *   <li>{@code count_over_time}: the number of raw histograms in the range, exact.
 *   <li>{@code avg_over_time} falls back to raw: the engine divides a histogram sum by its points,
 *       so histogram windows are not served for it; where raw data expired there is nothing.
 * </ul>
 */
class DownsampledHistogramTest {
    static final long MIN = 60_000L;
    static final long HOUR = 60 * MIN;
    static final long HOURS = 60;
    static final Labels INT = Labels.of("__name__", "h_int", "job", "a");
    static final Labels FLOAT = Labels.of("__name__", "h_float", "job", "a");
    static final Labels NHCB = Labels.of("__name__", "h_nhcb", "job", "a");
    static final double[] BOUNDS = {0.1, 1, 10};

    @TempDir
    static Path tmp;
    static Tsdb ds;
    static final Map<Labels, Gen> GENS = new HashMap<>();

    /** One series' samples and, per timestamp, the total of every observation so far (the truth). */
    static final class Gen {
        final boolean custom;
        final boolean floats;
        final Random random;
        final TreeSet<Integer> indexes = new TreeSet<>();
        // Since the last reset (what is exposed), and since the start (the truth), at the fine schema 3.
        final TreeMap<Integer, Double> raw = new TreeMap<>();
        double rawZero;
        double rawCount;
        double rawSum;
        final TreeMap<Integer, Double> total = new TreeMap<>();
        double totalZero;
        double totalCount;
        double totalSum;
        final TreeMap<Long, Snapshot> truth = new TreeMap<>();
        final TreeMap<Long, FloatHistogram> samples = new TreeMap<>();

        Gen(boolean custom, boolean floats, long seed) {
            this.custom = custom;
            this.floats = floats;
            this.random = new Random(seed);
            for (int i = custom ? 0 : 8; i < (custom ? 2 : 12); i++) {
                indexes.add(i);
            }
        }

        /** Observations, maybe a reset, then the exposed histogram at {@code t}. */
        FloatHistogram step(long t) {
            if (rawCount > 50 && random.nextInt(400) == 0) {
                raw.clear();
                rawZero = 0;
                rawCount = 0;
                rawSum = 0;
            }
            if (random.nextInt(200) == 0) {
                indexes.add(custom ? Math.min(3, indexes.last() + 1) : indexes.last() + 1 + random.nextInt(4));
            }
            if (!custom && random.nextInt(300) == 0) {
                indexes.add(-3 - random.nextInt(3)); // a bucket far below, past a gap
            }
            int n = 1 + random.nextInt(6);
            double w = floats ? 0.5 : 1;
            for (int i = 0; i < n; i++) {
                double v = random.nextDouble() * 20;
                if (!custom && random.nextInt(10) == 0) {
                    rawZero += w;
                    totalZero += w;
                } else {
                    Integer[] all = indexes.toArray(new Integer[0]);
                    int idx = all[random.nextInt(all.length)];
                    raw.merge(idx, w, Double::sum);
                    total.merge(idx, w, Double::sum);
                }
                rawCount += w;
                totalCount += w;
                rawSum += v;
                totalSum += v;
            }
            truth.put(t, new Snapshot(new TreeMap<>(total), totalZero, totalCount, totalSum));
            int schema = custom ? Histogram.CUSTOM_BUCKETS_SCHEMA : t < 30 * HOUR ? 3 : 2;
            FloatHistogram h = build(schema, raw, rawZero, rawCount, rawSum);
            samples.put(t, h);
            return h;
        }

        FloatHistogram build(int schema, TreeMap<Integer, Double> fine, double zero, double count, double sum) {
            TreeMap<Integer, Double> at = custom ? fine : reduce(fine, 3, schema);
            int[] offsets = new int[at.size()];
            int[] lengths = new int[at.size()];
            double[] values = new double[at.size()];
            int spans = 0;
            int k = 0;
            Integer last = null;
            for (Map.Entry<Integer, Double> e : at.entrySet()) {
                if (last != null && e.getKey() == last + 1) {
                    lengths[spans - 1]++;
                } else {
                    offsets[spans] = last == null ? e.getKey() : e.getKey() - last - 1;
                    lengths[spans++] = 1;
                }
                last = e.getKey();
                values[k++] = e.getValue();
            }
            HistogramSpans s = HistogramSpans.of(java.util.Arrays.copyOf(offsets, spans), java.util.Arrays.copyOf(lengths, spans));
            return new FloatHistogram(CounterResetHint.UNKNOWN, schema, custom ? 0 : 0.001, custom ? 0 : zero, count, sum, s, values,
                    HistogramSpans.EMPTY, new double[0], custom ? BOUNDS : null);
        }
    }

    record Snapshot(TreeMap<Integer, Double> buckets, double zero, double count, double sum) {
    }

    /** Buckets of schema {@code from} added up into the coarser schema {@code to} (Prometheus's bucket index mapping). */
    static TreeMap<Integer, Double> reduce(Map<Integer, Double> buckets, int from, int to) {
        TreeMap<Integer, Double> out = new TreeMap<>();
        for (Map.Entry<Integer, Double> e : buckets.entrySet()) {
            int idx = from == to ? e.getKey() : ((e.getKey() - 1) >> (from - to)) + 1;
            out.merge(idx, e.getValue(), Double::sum);
        }
        return out;
    }

    /** A histogram's positive buckets by index. */
    static TreeMap<Integer, Double> buckets(FloatHistogram h) {
        TreeMap<Integer, Double> out = new TreeMap<>();
        int[] idx = h.positiveSpans().indexes(null);
        for (int i = 0; i < h.positiveBucketCount(); i++) {
            out.merge(idx[i], h.positiveBucket(i), Double::sum);
        }
        return out;
    }

    /** Integer histogram of the same counts (deltas of absolute bucket counts). */
    static Histogram toInteger(FloatHistogram f) {
        long[] deltas = new long[f.positiveBucketCount()];
        long prev = 0;
        for (int i = 0; i < deltas.length; i++) {
            long c = (long) f.positiveBucket(i);
            deltas[i] = c - prev;
            prev = c;
        }
        return new Histogram(CounterResetHint.UNKNOWN, f.schema(), f.zeroThreshold(), (long) f.zeroCount(), (long) f.count(), f.sum(),
                f.positiveSpans(), deltas, HistogramSpans.EMPTY, new long[0], null);
    }

    @BeforeAll
    static void fill() throws Exception {
        GENS.put(INT, new Gen(false, false, 1));
        GENS.put(FLOAT, new Gen(false, true, 2));
        GENS.put(NHCB, new Gen(true, true, 3));
        ds = Tsdb.open(options(tmp.resolve("ds")).withRetention(Duration.ofHours(20)));
        ds.setDownsampling(List.of(new DownsamplingLevel(Duration.ofMinutes(5), Duration.ofHours(4), Duration.ZERO),
                new DownsamplingLevel(Duration.ofHours(1), Duration.ofHours(4), Duration.ZERO)));
        Random random = new Random(42);
        for (long h = 0; h < HOURS; h += 6) {
            for (long t = h * HOUR + 7_000; t < (h + 6) * HOUR; t += 15_000 + random.nextInt(200)) {
                Appender app = ds.appender();
                for (Map.Entry<Labels, Gen> e : GENS.entrySet()) {
                    FloatHistogram fh = e.getValue().step(t);
                    if (e.getKey().equals(INT)) {
                        app.appendHistogram(0, e.getKey(), t, toInteger(fh));
                    } else {
                        app.appendHistogram(0, e.getKey(), t, fh);
                    }
                }
                app.commit();
            }
            ds.compact();
        }
        long oldestRaw = ds.blocks.stream().mapToLong(b -> b.meta().minTime()).min().orElseThrow();
        assertThat(oldestRaw).as("raw data expired").isGreaterThan(30 * HOUR);
        assertThat(ds.downsampledBlocks.stream().mapToLong(b -> b.meta().minTime()).min().orElseThrow()).isZero();
    }

    @AfterAll
    static void close() {
        ds.close();
    }

    record Point(long t, FloatHistogram h, double v, long count) {
    }

    private static List<Point> read(Labels labels, SelectHints hints, long[] resolution) {
        List<Point> out = new ArrayList<>();
        try (Querier q = ds.querier(hints.start(), hints.end())) {
            SeriesSet set = q.select(true, hints, List.of(Matcher.equal("__name__", labels.get("__name__"))));
            while (set.next()) {
                SampleIterator it = set.at().iterator(null);
                while (it.next()) {
                    FloatHistogram h = it.valueType().isHistogram() ? it.floatHistogram().copy() : null;
                    out.add(new Point(it.timestamp(), h, it.value(), it.sampleCount()));
                }
                assertThat(it.error()).isNull();
            }
            assertThat(set.error()).isNull();
            resolution[0] = set.resolution();
        }
        return out;
    }

    private static SelectHints hints(String function, long step, long range, long maxResolution) {
        return new SelectHints(1, HOURS * HOUR, step, function, range, List.of(), false, maxResolution);
    }

    /** Asserts {@code later − earlier} (both served histograms) equals {@code want} (fine-schema buckets), at the coarsest schema. */
    private static void assertDifference(String what, Gen gen, FloatHistogram earlier, FloatHistogram later, Snapshot want,
            Snapshot wantBase) {
        int schema = Math.min(earlier.schema(), later.schema());
        TreeMap<Integer, Double> got = gen.custom ? buckets(later) : reduce(buckets(later), later.schema(), schema);
        TreeMap<Integer, Double> base = gen.custom ? buckets(earlier) : reduce(buckets(earlier), earlier.schema(), schema);
        base.forEach((k, v) -> got.merge(k, -v, Double::sum));
        TreeMap<Integer, Double> expected = gen.custom ? new TreeMap<>(want.buckets()) : reduce(want.buckets(), 3, schema);
        (gen.custom ? wantBase.buckets() : reduce(wantBase.buckets(), 3, schema)).forEach((k, v) -> expected.merge(k, -v, Double::sum));
        double tol = 1e-9 * Math.max(1, gen.totalCount + gen.totalSum);
        TreeSet<Integer> keys = new TreeSet<>(got.keySet());
        keys.addAll(expected.keySet());
        for (int k : keys) {
            assertThat(got.getOrDefault(k, 0.0)).as(what + " bucket " + k).isCloseTo(expected.getOrDefault(k, 0.0), within(tol));
        }
        assertThat(later.count() - earlier.count()).as(what + " count").isCloseTo(want.count() - wantBase.count(), within(tol));
        assertThat(later.zeroCount() - earlier.zeroCount()).as(what + " zero count").isCloseTo(want.zero() - wantBase.zero(), within(tol));
        assertThat(later.sum() - earlier.sum()).as(what + " sum").isCloseTo(want.sum() - wantBase.sum(), within(tol));
    }

    @Test
    void counterPointsDifferByExactlyTheObservationsBetweenThemAcrossResetsSchemaChangesAndTheJoinToRaw() {
        for (Labels series : List.of(INT, FLOAT, NHCB)) {
            Gen gen = GENS.get(series);
            for (long[] c : new long[][] {{HOUR, 5 * MIN}, {6 * HOUR, HOUR}}) {
                long[] res = new long[1];
                for (String function : List.of("rate", "increase")) {
                    List<Point> served = read(series, hints(function, c[0], c[0], c[1]), res);
                    assertThat(res[0]).as("resolution read").isEqualTo(c[1]);
                    assertThat(served).as(series + " served").hasSizeGreaterThan((int) (40 * HOUR / c[1]));
                    assertThat(served.get(0).t()).isLessThan(c[1] + 60_000);
                    assertThat(served.get(served.size() - 1).t()).isGreaterThan((HOURS - 1) * HOUR);
                    Point first = served.get(0);
                    Snapshot base = gen.truth.get(first.t());
                    assertThat(base).as("served points lie on raw samples").isNotNull();
                    for (Point p : served) {
                        assertThat(p.h()).isNotNull();
                        assertDifference(series.get("__name__") + " " + function + " at " + c[1] / MIN + "m, t=" + p.t(), gen,
                                first.h(), p.h(), gen.truth.get(p.t()), base);
                    }
                }
            }
        }
    }

    @Test
    void sumAndCountOverTimeOverWholeWindowsAnswerAsTheRawHistograms() {
        for (Labels series : List.of(INT, FLOAT, NHCB)) {
            Gen gen = GENS.get(series);
            for (long[] c : new long[][] {{HOUR, 5 * MIN}, {6 * HOUR, HOUR}}) {
                long[] res = new long[1];
                List<Point> sums = read(series, hints("sum_over_time", c[0], c[0], c[1]), res);
                assertThat(res[0]).isEqualTo(c[1]);
                List<Point> counts = read(series, hints("count_over_time", c[0], c[0], c[1]), res);
                assertThat(res[0]).isEqualTo(c[1]);
                for (long start = 0; start + c[0] <= HOURS * HOUR; start += c[0]) {
                    long a = start;
                    long b = a + c[0];
                    String what = series.get("__name__") + " (" + a / MIN + "m, " + b / MIN + "m] at " + c[1] / MIN + "m";
                    long rawCount = gen.samples.subMap(a, false, b, true).size();
                    long gotCount = counts.stream().filter(p -> p.t() > a && p.t() <= b).mapToLong(Point::count).sum();
                    assertThat(gotCount).as(what + " count_over_time").isEqualTo(rawCount);
                    // The raw histograms' sum, at the coarsest schema among them.
                    final int schema = gen.samples.subMap(a, false, b, true).values().stream()
                            .mapToInt(FloatHistogram::schema).min().orElse(0);
                    TreeMap<Integer, Double> want = new TreeMap<>();
                    double wantCount = 0;
                    double wantSum = 0;
                    for (FloatHistogram h : gen.samples.subMap(a, false, b, true).values()) {
                        (gen.custom ? buckets(h) : reduce(buckets(h), h.schema(), schema)).forEach((k, v) -> want.merge(k, v, Double::sum));
                        wantCount += h.count();
                        wantSum += h.sum();
                    }
                    TreeMap<Integer, Double> got = new TreeMap<>();
                    double gotC = 0;
                    double gotS = 0;
                    for (Point p : sums) {
                        if (p.t() > a && p.t() <= b) {
                            assertThat(p.h()).as(what).isNotNull();
                            (gen.custom ? buckets(p.h()) : reduce(buckets(p.h()), p.h().schema(), schema))
                                    .forEach((k, v) -> got.merge(k, v, Double::sum));
                            gotC += p.h().count();
                            gotS += p.h().sum();
                        }
                    }
                    double tol = 1e-9 * Math.max(1, wantCount + Math.abs(wantSum));
                    TreeSet<Integer> keys = new TreeSet<>(got.keySet());
                    keys.addAll(want.keySet());
                    for (int k : keys) {
                        assertThat(got.getOrDefault(k, 0.0)).as(what + " sum_over_time bucket " + k)
                                .isCloseTo(want.getOrDefault(k, 0.0), within(tol));
                    }
                    assertThat(gotC).as(what + " sum_over_time count").isCloseTo(wantCount, within(tol));
                    assertThat(gotS).as(what + " sum_over_time sum").isCloseTo(wantSum, within(tol));
                }
            }
        }
    }

    @Test
    void avgOverTimeOfHistogramsReadsRawOnly() {
        long oldestRaw = ds.blocks.stream().mapToLong(b -> b.meta().minTime()).min().orElseThrow();
        for (Labels series : List.of(INT, FLOAT, NHCB)) {
            long[] res = new long[1];
            List<Point> served = read(series, hints("avg_over_time", 6 * HOUR, 6 * HOUR, SelectHints.AUTO), res);
            assertThat(served).isNotEmpty().allMatch(p -> p.count() == 1 && p.t() >= oldestRaw && p.h() != null);
            assertThat(served).hasSize(GENS.get(series).samples.tailMap(oldestRaw, true).size());
        }
    }

    @Test
    void statusSaysEveryResolutionHoldsNativeHistograms() {
        assertThat(ds.resolutionUsage()).hasSize(3).allMatch(Tsdb.ResolutionUsage::nativeHistograms);
    }
}
