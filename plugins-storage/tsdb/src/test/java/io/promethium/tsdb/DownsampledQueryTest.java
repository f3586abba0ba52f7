package io.promethium.tsdb;

import static io.promethium.tsdb.TestSupport.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Selects whose hints allow a resolution, over a database whose raw data expired after 20 h while
 * its 5 m and 1 h companions are kept, compared with the same samples in a raw-only database.
 * Ranges are whole hours, so every range is a set of windows: the tolerances are
 * {@code DownsamplerTest}'s for aligned ranges (sums {@code 1e-12·Σ|v|}: only the order of
 * additions differs; min, max exact; a counter's increase between window ends {@code 1e-12 ×}
 * counter: the counter at each window end is kept, resets added back), here across the join
 * from companions to raw blocks and the head too.
 */
class DownsampledQueryTest {
    static final long MIN = 60_000L;
    static final long HOUR = 60 * MIN;
    static final long INTERVAL = 15_000L;
    static final long HOURS = 60;
    static final Labels GAUGE = Labels.of("__name__", "gauge", "job", "a");
    static final Labels COUNTER = Labels.of("__name__", "requests_total", "job", "a");
    static final Labels HIST = Labels.of("__name__", "hist_total", "job", "a");

    @TempDir
    static Path tmp;
    static Tsdb full;
    static Tsdb ds;

    @BeforeAll
    static void fill() throws Exception {
        full = Tsdb.open(options(tmp.resolve("full")));
        ds = Tsdb.open(options(tmp.resolve("ds")).withRetention(Duration.ofHours(20)));
        ds.setDownsampling(List.of(new DownsamplingLevel(Duration.ofMinutes(5), Duration.ofHours(4), Duration.ZERO),
                new DownsamplingLevel(Duration.ofHours(1), Duration.ofHours(4), Duration.ZERO)));
        Random random = new Random(42);
        double counter = 0;
        for (long h = 0; h < HOURS; h += 6) {
            for (long t = h * HOUR + 7_000; t < (h + 6) * HOUR; t += INTERVAL + random.nextInt(200)) {
                counter = random.nextInt(500) == 0 ? random.nextInt(5) : counter + random.nextInt(10);
                double gauge = 100 * Math.sin(t / 3.6e6) + random.nextGaussian();
                for (Tsdb db : new Tsdb[] {full, ds}) {
                    Appender app = db.appender();
                    app.append(0, GAUGE, t, gauge);
                    app.append(0, COUNTER, t, counter);
                    app.appendHistogram(0, HIST, t, Histograms.counter(t / INTERVAL));
                    app.commit();
                }
            }
            full.compact();
            ds.compact();
        }
        long oldestRaw = ds.blocks.stream().mapToLong(b -> b.meta().minTime()).min().orElseThrow();
        assertThat(oldestRaw).as("raw data expired").isGreaterThan(30 * HOUR);
        assertThat(ds.downsampledBlocks.stream().mapToLong(b -> b.meta().minTime()).min().orElseThrow()).isZero();
    }

    @AfterAll
    static void close() {
        full.close();
        ds.close();
    }

    /** Points of {@code labels} as {@code db} serves them to a select with these hints; the set's resolution last. */
    private static List<double[]> read(Tsdb db, Labels labels, SelectHints hints, long[] resolution) {
        List<double[]> out = new ArrayList<>();
        try (Querier q = db.querier(hints.start(), hints.end())) {
            SeriesSet set = q.select(true, hints, List.of(Matcher.equal("__name__", labels.get("__name__"))));
            while (set.next()) {
                SampleIterator it = set.at().iterator(null);
                while (it.next()) {
                    out.add(new double[] {it.timestamp(), it.value()});
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

    private static double[] fold(List<double[]> points, long a, long b, String how) {
        double acc = how.equals("min") ? Double.POSITIVE_INFINITY : how.equals("max") ? Double.NEGATIVE_INFINITY : 0;
        double abs = 0;
        for (double[] p : points) {
            if (p[0] > a && p[0] <= b) {
                acc = switch (how) {
                    case "min" -> Math.min(acc, p[1]);
                    case "max" -> Math.max(acc, p[1]);
                    default -> acc + p[1];
                };
                abs += Math.abs(p[1]);
            }
        }
        return new double[] {acc, abs};
    }

    @Test
    void sumMinAndMaxOverTimeAnswerAsRawDataWhereRawDataExpired() {
        long[] res = new long[1];
        for (String[] f : new String[][] {{"sum_over_time", "sum"}, {"min_over_time", "min"}, {"max_over_time", "max"}}) {
            for (long step : new long[] {HOUR, 6 * HOUR}) {
                List<double[]> served = read(ds, GAUGE, hints(f[0], step, step, SelectHints.AUTO), res);
                assertThat(res[0]).as(f[0] + " step " + step).isEqualTo(step == HOUR ? 5 * MIN : HOUR);
                List<double[]> raw = read(full, GAUGE, hints(f[0], step, step, SelectHints.RAW), new long[1]);
                assertThat(served.size()).as("fewer points than raw").isLessThan(raw.size() / 4);
                for (long a = 0; a + step <= HOURS * HOUR; a += step) {
                    double[] want = fold(raw, a, a + step, f[1]);
                    double[] got = fold(served, a, a + step, f[1]);
                    assertThat(got[0]).as(f[0] + " over (" + a / HOUR + "h, " + (a + step) / HOUR + "h]")
                            .isCloseTo(want[0], within(1e-12 * want[1]));
                }
            }
        }
    }

    /** Points as (timestamp, value, sampleCount). */
    private static List<double[]> readCounted(Tsdb db, Labels labels, SelectHints hints, long[] resolution) {
        List<double[]> out = new ArrayList<>();
        try (Querier q = db.querier(hints.start(), hints.end())) {
            SeriesSet set = q.select(true, hints, List.of(Matcher.equal("__name__", labels.get("__name__"))));
            while (set.next()) {
                SampleIterator it = set.at().iterator(null);
                while (it.next()) {
                    out.add(new double[] {it.timestamp(), it.value(), it.sampleCount()});
                }
                assertThat(it.error()).isNull();
            }
            resolution[0] = set.resolution();
        }
        return out;
    }

    /**
     * count_over_time is the sum of the window counts: exact. avg_over_time is the sum of the window
     * sums over it: {@code 1e-12·Σ|v|/n}, the sum's tolerance divided by the count.
     */
    @Test
    void countAndAvgOverTimeFromWindowCountsAndSumsAnswerAsRawData() {
        long[] res = new long[1];
        for (String f : List.of("count_over_time", "avg_over_time")) {
            for (long step : new long[] {HOUR, 6 * HOUR}) {
                List<double[]> served = readCounted(ds, GAUGE, hints(f, step, step, SelectHints.AUTO), res);
                assertThat(res[0]).as(f + " step " + step).isEqualTo(step == HOUR ? 5 * MIN : HOUR);
                List<double[]> raw = readCounted(full, GAUGE, hints(f, step, step, SelectHints.RAW), new long[1]);
                assertThat(raw).as("raw samples stand for one each").allMatch(p -> p[2] == 1);
                assertThat(served.size()).as("fewer points than raw").isLessThan(raw.size() / 4);
                for (long a = 0; a + step <= HOURS * HOUR; a += step) {
                    double n = 0;
                    double sum = 0;
                    double abs = 0;
                    int rawN = 0;
                    double rawSum = 0;
                    for (double[] p : served) {
                        if (p[0] > a && p[0] <= a + step) {
                            n += p[2];
                            sum += p[1];
                        }
                    }
                    for (double[] p : raw) {
                        if (p[0] > a && p[0] <= a + step) {
                            rawN++;
                            rawSum += p[1];
                            abs += Math.abs(p[1]);
                        }
                    }
                    String at = f + " step " + step / HOUR + "h over (" + a / HOUR + "h, " + (a + step) / HOUR + "h]";
                    assertThat(n).as(at).isEqualTo(rawN);
                    if (f.equals("avg_over_time")) {
                        assertThat(sum / n).as(at).isCloseTo(rawSum / rawN, within(1e-12 * abs / rawN));
                    }
                }
            }
        }
    }

    /** The raw counter's increase between the last samples at or before a and b, resets added back. */
    private static double rawIncrease(List<double[]> raw, long a, long b) {
        double inc = 0;
        double prev = Double.NaN;
        for (double[] p : raw) {
            if (p[0] > b) {
                break;
            }
            if (!Double.isNaN(prev) && p[0] > a) {
                inc += p[1] >= prev ? p[1] - prev : p[1];
            }
            prev = p[1];
        }
        return inc;
    }

    private static double atOrBefore(List<double[]> points, long t) {
        double v = Double.NaN;
        for (double[] p : points) {
            if (p[0] > t) {
                break;
            }
            v = p[1];
        }
        return v;
    }

    @Test
    void counterIncreaseAcrossExpiredRawDataCompanionsAndTheJoinToRawIsTheRawIncrease() {
        long[] res = new long[1];
        List<double[]> raw = read(full, COUNTER, hints("rate", HOUR, HOUR, SelectHints.RAW), new long[1]);
        for (String function : new String[] {"rate", "increase"}) {
            for (long step : new long[] {HOUR, 6 * HOUR}) {
                List<double[]> served = read(ds, COUNTER, hints(function, step, step, SelectHints.AUTO), res);
                assertThat(res[0]).isPositive();
                for (int i = 1; i < served.size(); i++) {
                    assertThat(served.get(i)[1]).as("never decreases").isGreaterThanOrEqualTo(served.get(i - 1)[1]);
                }
                for (long a = HOUR; a + step <= HOURS * HOUR; a += step) {
                    double want = rawIncrease(raw, a, a + step);
                    double got = atOrBefore(served, a + step) - atOrBefore(served, a);
                    assertThat(got).as(function + " step " + step / HOUR + "h over (" + a / HOUR + "h, " + (a + step) / HOUR + "h]")
                            .isCloseTo(want, within(1e-12 * atOrBefore(served, HOURS * HOUR)));
                }
            }
        }
    }

    @Test
    void functionsThatNeedRawSamplesAndRawHintsReadRawOnly() {
        long[] res = new long[1];
        for (SelectHints h : List.of(hints("quantile_over_time", 6 * HOUR, 6 * HOUR, SelectHints.AUTO),
                hints("last_over_time", 6 * HOUR, 6 * HOUR, SelectHints.AUTO), hints("irate", 6 * HOUR, 6 * HOUR, SelectHints.AUTO),
                hints("stddev_over_time", 6 * HOUR, 6 * HOUR, SelectHints.AUTO), hints("", 6 * HOUR, 0, SelectHints.AUTO),
                hints("sum_over_time", 6 * HOUR, 6 * HOUR, SelectHints.RAW),
                hints("sum_over_time", 6 * HOUR, 5 * MIN, SelectHints.AUTO),
                hints("sum_over_time", 10 * MIN, 6 * HOUR, SelectHints.AUTO))) {
            List<double[]> served = read(ds, GAUGE, h, res);
            assertThat(res[0]).as(h.toString()).isZero();
            assertThat(served).as(h + ": only what raw data is left").allMatch(p -> p[0] > 30 * HOUR);
        }
    }

    @Test
    void anExplicitMaxSourceResolutionCapsTheResolution() {
        long[] res = new long[1];
        read(ds, GAUGE, hints("sum_over_time", 6 * HOUR, 6 * HOUR, 5 * MIN), res);
        assertThat(res[0]).isEqualTo(5 * MIN);
        read(ds, GAUGE, hints("sum_over_time", 10 * MIN, 6 * HOUR, HOUR), res);
        assertThat(res[0]).as("forced, whatever the step").isEqualTo(HOUR);
    }

    @Test
    void aHistogramSeriesIsReadFromCompanionsWhereRawDataExpiredAndRawAfterThem() {
        long[] res = new long[1];
        List<double[]> served = new ArrayList<>();
        try (Querier q = ds.querier(1, HOURS * HOUR)) {
            SeriesSet set = q.select(true, hints("rate", 6 * HOUR, 6 * HOUR, SelectHints.AUTO), List.of(Matcher.equal("__name__", "hist_total")));
            while (set.next()) {
                SampleIterator it = set.at().iterator(null);
                while (it.next()) {
                    served.add(new double[] {it.timestamp(), it.valueType() == io.promethium.api.storage.ValueType.FLOAT ? 0 : 1});
                }
            }
            res[0] = set.resolution();
        }
        assertThat(res[0]).isEqualTo(HOUR);
        long oldestRaw = ds.blocks.stream().mapToLong(b -> b.meta().minTime()).min().orElseThrow();
        long companionsEnd = ds.downsampledBlocks.stream().filter(b -> b.meta().resolution() == HOUR)
                .mapToLong(b -> b.meta().maxTime()).max().orElseThrow();
        List<double[]> raw = new ArrayList<>();
        for (double[] p : read(full, HIST, hints("rate", HOUR, HOUR, SelectHints.RAW), new long[1])) {
            if (p[0] >= companionsEnd) {
                raw.add(p);
            }
        }
        assertThat(served).as("histograms throughout").allMatch(p -> p[1] == 1);
        assertThat(served).as("from the companions where raw data expired").anyMatch(p -> p[0] < oldestRaw);
        assertThat(served.stream().filter(p -> p[0] >= companionsEnd)).as("every raw sample after the companions")
                .hasSize(raw.size());
    }

    @Test
    void withoutLevelsCompanionsServeNoQuery() {
        List<DownsamplingLevel> levels = ds.downsampling();
        ds.setDownsampling(List.of());
        try {
            long[] res = new long[1];
            List<double[]> served = read(ds, GAUGE, hints("sum_over_time", 6 * HOUR, 6 * HOUR, SelectHints.AUTO), res);
            assertThat(res[0]).isZero();
            assertThat(served).allMatch(p -> p[0] > 30 * HOUR);
        } finally {
            ds.setDownsampling(levels);
        }
    }
}
