package io.promethium.web.internal.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.promql.engine.EngineOptions;
import io.promethium.promql.engine.QueryEngine;
import io.promethium.promql.engine.QueryResult;
import io.promethium.promql.engine.RangeMatrix;
import io.promethium.promql.engine.SeriesData;
import io.promethium.tsdb.DownsamplingLevel;
import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbOptions;
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
 * PromQL answers over a TSDB whose raw data expired after 20 h while its 5 m and 1 h companions
 * are kept, against the same samples in a raw-only TSDB, through the engine as
 * {@code max_source_resolution} sets it. Steps and ranges are whole hours, so every range is a set
 * of windows. Tolerances are the TSDB's {@code DownsamplerTest}'s: {@code sum_over_time}
 * {@code 1e-12·Σ|v|} (only the order of additions differs), {@code avg_over_time} (window sums over
 * window counts) that divided by the count, {@code count_over_time} (window counts added) and
 * {@code min_}/{@code max_over_time} exact; {@code rate}/{@code increase} {@code rmax·(res + 2·scrape) + (rmax − rmin)·range} with
 * rmax, rmin the largest and smallest 5 m window rates in the range: the companion's first point
 * is the first window's end, not the first raw sample, and the engine extrapolates from it.
 */
class DownsampledAnswersTest {
    static final long MIN = 60_000L;
    static final long HOUR = 60 * MIN;
    static final long SCRAPE = 15_000L;
    static final long HOURS = 60;

    @TempDir
    static Path tmp;
    static Tsdb full;
    static Tsdb ds;
    static final QueryEngine ENGINE = QueryEngine.create(EngineOptions.DEFAULTS);
    static final List<long[]> COUNTER_TIMES = new ArrayList<>();
    static final List<Double> COUNTER_VALUES = new ArrayList<>();

    @BeforeAll
    static void fill() {
        TsdbOptions o = TsdbOptions.defaults(tmp.resolve("full")).withCompactionInterval(Duration.ZERO).withWal(true, false);
        full = Tsdb.open(o);
        ds = Tsdb.open(TsdbOptions.defaults(tmp.resolve("ds")).withCompactionInterval(Duration.ZERO).withWal(true, false)
                .withRetention(Duration.ofHours(20)));
        ds.setDownsampling(List.of(new DownsamplingLevel(Duration.ofMinutes(5), Duration.ofHours(4), Duration.ZERO),
                new DownsamplingLevel(Duration.ofHours(1), Duration.ofHours(4), Duration.ZERO)));
        Random random = new Random(7);
        double counter = 0;
        // h: a native histogram counter (schema 3, log-normal observations), reset with the float counter.
        java.util.TreeMap<Integer, Double> buckets = new java.util.TreeMap<>();
        double hSum = 0;
        for (long h = 0; h < HOURS; h += 6) {
            for (long t = h * HOUR + 3_000; t < (h + 6) * HOUR; t += SCRAPE + random.nextInt(100)) {
                boolean reset = random.nextInt(700) == 0;
                counter = reset ? random.nextInt(3) : counter + 3 + random.nextInt(4);
                if (reset) {
                    buckets.clear();
                    hSum = 0;
                }
                for (int i = 0; i < 5; i++) {
                    double x = Math.exp(random.nextGaussian());
                    buckets.merge((int) Math.ceil(Math.log(x) / Math.log(2) * 8), 1.0, Double::sum);
                    hSum += x;
                }
                io.promethium.api.model.FloatHistogram hist = histogram(buckets, hSum);
                double gauge = 50 * Math.cos(t / 5.0e6) + random.nextGaussian();
                COUNTER_TIMES.add(new long[] {t});
                COUNTER_VALUES.add(counter);
                for (Tsdb db : new Tsdb[] {full, ds}) {
                    Appender app = db.appender();
                    app.append(0, Labels.of("__name__", "g"), t, gauge);
                    app.append(0, Labels.of("__name__", "c_total"), t, counter);
                    app.appendHistogram(0, Labels.of("__name__", "h"), t, hist);
                    app.commit();
                }
            }
            full.compact();
            ds.compact();
        }
    }

    /** A schema-3 float histogram of these bucket counts (one span per run of adjacent buckets). */
    private static io.promethium.api.model.FloatHistogram histogram(java.util.TreeMap<Integer, Double> buckets, double sum) {
        int[] offsets = new int[buckets.size()];
        int[] lengths = new int[buckets.size()];
        double[] values = new double[buckets.size()];
        int spans = 0;
        int k = 0;
        Integer last = null;
        double count = 0;
        for (java.util.Map.Entry<Integer, Double> e : buckets.entrySet()) {
            if (last != null && e.getKey() == last + 1) {
                lengths[spans - 1]++;
            } else {
                offsets[spans] = last == null ? e.getKey() : e.getKey() - last - 1;
                lengths[spans++] = 1;
            }
            last = e.getKey();
            values[k++] = e.getValue();
            count += e.getValue();
        }
        return io.promethium.api.model.FloatHistogram.exponential(3, 1e-128, 0, count, sum,
                io.promethium.api.model.HistogramSpans.of(java.util.Arrays.copyOf(offsets, spans), java.util.Arrays.copyOf(lengths, spans)),
                values);
    }

    /**
     * Native histograms through the engine: counts of samples exact, histogram sums to
     * {@code 1e-12} relative (only the order of additions differs); {@code histogram_count} of
     * {@code increase} within the float counter's window bound (the histogram's count is a counter
     * reset with it, its increase per 5 m ≤ 5 × 20 + 1); {@code histogram_quantile(0.9, rate(...))}
     * within one schema-3 bucket's width (a factor 2^(1/8)): the companion's range starts at the
     * first window's end, which changes the rate by less than (5 m + 30 s) / 6 h ≈ 1.5 % of the
     * range's observations, too little to move the 0.9 quantile across more than its bucket.
     */
    @Test
    void nativeHistogramFunctionsAnswerAsRawDataAlsoWhereRawDataExpired() {
        for (long step : new long[] {HOUR, 6 * HOUR}) {
            String r = "[" + step / HOUR + "h]";
            for (String q : List.of("count_over_time(h" + r + ")", "histogram_count(sum_over_time(h" + r + "))",
                    "histogram_sum(sum_over_time(h" + r + "))", "histogram_count(increase(h" + r + "))",
                    "histogram_quantile(0.9, rate(h" + r + "))")) {
                QueryResult got = run(ds, q, step, -1);
                assertThat(got.stats().resolution()).as(q).isEqualTo(step == HOUR ? 5 * MIN : HOUR);
                SeriesData want = only(run(full, q, step, 0));
                SeriesData have = only(got);
                assertThat(have.length()).as(q + ": every step answered").isEqualTo(want.length());
                for (int i = 0; i < want.length(); i++) {
                    double w = want.values()[i];
                    double tol;
                    if (q.startsWith("count_over_time")) {
                        tol = 0;
                    } else if (q.contains("sum_over_time")) {
                        tol = 1e-12 * Math.abs(w) * step / SCRAPE;
                    } else if (q.startsWith("histogram_count(increase")) {
                        // 5 observations a scrape, scrapes 15–15.1 s apart: the float test's bound with these rates.
                        double rmax = 5.0 / SCRAPE;
                        double rmin = 5.0 / (SCRAPE + 100);
                        tol = rmax * ((step == HOUR ? 5 * MIN : HOUR) + 2 * SCRAPE) + (rmax - rmin) * step;
                    } else {
                        tol = Math.abs(w) * (Math.pow(2, 1.0 / 8) - 1);
                    }
                    assertThat(have.values()[i]).as(q + " at " + want.timestamps()[i] / HOUR + "h").isCloseTo(w, within(tol));
                }
            }
        }
    }

    @AfterAll
    static void close() {
        full.close();
        ds.close();
    }

    private static QueryResult run(Tsdb db, String query, long step, long maxResolution) {
        return ENGINE.withMaxSourceResolution(maxResolution).rangeQuery(db, query, 6 * HOUR, HOURS * HOUR, step);
    }

    private static SeriesData only(QueryResult r) {
        List<SeriesData> s = ((RangeMatrix) r.value()).series();
        assertThat(s).hasSize(1);
        return s.get(0);
    }

    @Test
    void overTimeAggregatesAnswerAsRawDataAlsoWhereRawDataExpired() {
        for (long step : new long[] {HOUR, 6 * HOUR}) {
            for (String f : List.of("sum_over_time", "min_over_time", "max_over_time", "count_over_time", "avg_over_time")) {
                String q = f + "(g[" + step / HOUR + "h])";
                QueryResult got = run(ds, q, step, -1);
                assertThat(got.stats().resolution()).as(q).isEqualTo(step == HOUR ? 5 * MIN : HOUR);
                SeriesData want = only(run(full, q, step, 0));
                SeriesData have = only(got);
                assertThat(have.length()).as(q + ": every step answered").isEqualTo(want.length());
                for (int i = 0; i < want.length(); i++) {
                    // Σ|v| ≤ |g|max (55) × the samples in the range.
                    double sumAbs = 55.0 * step / SCRAPE;
                    assertThat(have.values()[i]).as(q + " at " + want.timestamps()[i] / HOUR + "h")
                            .isCloseTo(want.values()[i], within(f.startsWith("sum") ? 1e-12 * sumAbs : f.startsWith("avg") ? 1e-12 * 55 : 0.0));
                }
            }
        }
    }

    /** The raw counter's increase over (a, b], resets added back. */
    private static double rawIncrease(long a, long b) {
        double inc = 0;
        double prev = Double.NaN;
        for (int i = 0; i < COUNTER_TIMES.size(); i++) {
            long t = COUNTER_TIMES.get(i)[0];
            double v = COUNTER_VALUES.get(i);
            if (t > b) {
                break;
            }
            if (t > a && !Double.isNaN(prev)) {
                inc += v >= prev ? v - prev : v;
            }
            prev = v;
        }
        return inc;
    }

    @Test
    void rateAndIncreaseStayWithinTheWindowBoundOfRawAnswers() {
        for (long step : new long[] {HOUR, 6 * HOUR}) {
            for (String f : List.of("rate", "increase")) {
                String q = f + "(c_total[" + step / HOUR + "h])";
                QueryResult got = run(ds, q, step, -1);
                long res = got.stats().resolution();
                assertThat(res).as(q).isPositive();
                SeriesData want = only(run(full, q, step, 0));
                SeriesData have = only(got);
                assertThat(have.length()).isEqualTo(want.length());
                for (int i = 0; i < want.length(); i++) {
                    long end = want.timestamps()[i];
                    double rmax = 0;
                    double rmin = Double.MAX_VALUE;
                    for (long w = end - step; w < end; w += 5 * MIN) {
                        double r = rawIncrease(w, w + 5 * MIN) / (5 * MIN);
                        rmax = Math.max(rmax, r);
                        rmin = Math.min(rmin, r);
                    }
                    double bound = rmax * (res + 2 * SCRAPE) + (rmax - rmin) * step;
                    if (f.equals("rate")) {
                        bound /= step / 1000.0;
                    }
                    assertThat(have.values()[i]).as(q + " at " + end / HOUR + "h").isCloseTo(want.values()[i], within(bound));
                }
            }
        }
    }

    @Test
    void functionsNeedingRawSamplesAndRawRequestsAnswerOnlyWhereRawDataIsLeft() {
        for (String q : List.of("quantile_over_time(0.5, g[1h])", "last_over_time(g[1h])", "irate(c_total[1h])", "sum_over_time(g[1h])")) {
            QueryResult got = run(ds, q, HOUR, q.startsWith("sum") ? 0 : -1);
            assertThat(got.stats().resolution()).as(q).isZero();
            SeriesData s = only(got);
            assertThat(s.timestamps()[0]).as(q + ": expired raw data is not answered").isGreaterThan(30 * HOUR);
        }
    }
}
