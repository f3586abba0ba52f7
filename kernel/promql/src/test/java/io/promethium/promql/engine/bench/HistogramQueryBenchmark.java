package io.promethium.promql.engine.bench;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.promql.engine.QueryEngine;
import io.promethium.promql.engine.QueryResult;
import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Native histograms end to end over the real TSDB: append throughput (one scrape of
 * {@link #SERIES} histograms per commit) and range-query throughput of
 * {@code histogram_quantile(0.9, rate(h[5m]))} and its aggregated form over {@link #SERIES}
 * series x 2 h at 15 s (480 samples each, 120 steps), for exponential histograms (schema 3, 20
 * populated buckets), custom-bucket histograms (NHCB, 10 bounds) and, for comparison, the same
 * distribution as classic {@code _bucket} series (11 per histogram). Single-threaded.
 *
 * <p>Run (JMH, about 4 minutes; {@code quick}: 5 timed rounds each without JMH, CPU time):
 * <pre>
 * mvn -B -q -pl kernel/promql -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
 * java -cp kernel/promql/target/test-classes:kernel/promql/target/classes:$(cat kernel/promql/target/bench.cp) \
 *     io.promethium.promql.engine.bench.HistogramQueryBenchmark [quick]
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g"})
public class HistogramQueryBenchmark {

    static final int SERIES = 1_000;
    static final long INTERVAL = 15_000;
    static final int SAMPLES = 480;
    static final long END = SAMPLES * INTERVAL;
    static final long STEP = 60_000;
    static final long START = 300_000;
    static final int BUCKETS = 20;
    static final double[] BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
    static final String[] LES = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf"};

    static final List<String> QUERIES = List.of(
            "histogram_quantile(0.9, rate(h_exp[5m]))",
            "histogram_quantile(0.9, sum(rate(h_exp[5m])))",
            "histogram_quantile(0.9, rate(h_nhcb[5m]))",
            "histogram_quantile(0.9, sum(rate(h_nhcb[5m])))",
            "histogram_quantile(0.9, rate(h_bucket[5m]))",
            "histogram_quantile(0.9, sum by (le) (rate(h_bucket[5m])))");

    @Param({"0", "1", "2", "3", "4", "5"})
    public int query;

    private Path dir;
    private Tsdb tsdb;
    private QueryEngine engine;

    /** Writes the three kinds of data the queries read. */
    static Tsdb load(Path dir) {
        Tsdb tsdb = Tsdb.open(TsdbOptions.defaults(dir));
        Scrape scrape = new Scrape(true);
        for (int i = 0; i < SAMPLES; i++) {
            scrape.append(tsdb, i * INTERVAL, i);
        }
        return tsdb;
    }

    /** One scrape's worth of appends, its histogram objects and label sets made once and reused. */
    static final class Scrape {
        private final Labels[] exp = new Labels[SERIES];
        private final Labels[] nhcb = new Labels[SERIES];
        private final Labels[][] classic;
        private final long[] refs;
        private final Histogram histogram = new Histogram();
        private final HistogramSpans expSpans = HistogramSpans.pairs(0, BUCKETS);
        private final HistogramSpans nhcbSpans = HistogramSpans.pairs(0, BOUNDS.length + 1);
        private final long[] deltas = new long[BUCKETS];
        private final long[] nhcbDeltas = new long[BOUNDS.length + 1];

        Scrape(boolean withClassic) {
            for (int s = 0; s < SERIES; s++) {
                exp[s] = Labels.of("__name__", "h_exp", "job", "job" + (s % 10), "instance", "host" + s);
                nhcb[s] = Labels.of("__name__", "h_nhcb", "job", "job" + (s % 10), "instance", "host" + s);
            }
            classic = new Labels[withClassic ? SERIES : 0][LES.length];
            for (int s = 0; s < classic.length; s++) {
                for (int b = 0; b < LES.length; b++) {
                    classic[s][b] = Labels.of("__name__", "h_bucket", "job", "job" + (s % 10), "instance", "host" + s, "le", LES[b]);
                }
            }
            refs = new long[SERIES * (2 + LES.length)];
        }

        /** Appends sample {@code i} of every series at {@code t} in one commit; returns the histograms appended. */
        int append(Tsdb tsdb, long t, long i) {
            Appender app = tsdb.appender();
            int r = 0;
            int histograms = 0;
            for (int s = 0; s < SERIES; s++) {
                // Absolute bucket counts grow with i, a different shape per series.
                long count = 0;
                long prev = 0;
                for (int b = 0; b < BUCKETS; b++) {
                    long c = (i + 1) * (1 + (b * 7 + s) % 5);
                    deltas[b] = c - prev;
                    prev = c;
                    count += c;
                }
                histogram.set(CounterResetHint.UNKNOWN, 3, 0.001, 0, count, 0.25 * count, expSpans, deltas, BUCKETS, HistogramSpans.EMPTY,
                        null, 0, null);
                refs[r] = app.appendHistogram(refs[r], exp[s], t, histogram);
                r++;
                long total = 0;
                prev = 0;
                for (int b = 0; b <= BOUNDS.length; b++) {
                    long c = (i + 1) * (1 + (b * 3 + s) % 4);
                    nhcbDeltas[b] = c - prev;
                    prev = c;
                    total += c;
                }
                histogram.set(CounterResetHint.UNKNOWN, Histogram.CUSTOM_BUCKETS_SCHEMA, 0, 0, total, 0.25 * total, nhcbSpans, nhcbDeltas,
                        nhcbDeltas.length, HistogramSpans.EMPTY, null, 0, BOUNDS);
                refs[r] = app.appendHistogram(refs[r], nhcb[s], t, histogram);
                r++;
                histograms += 2;
                if (s < classic.length) {
                    long cumulative = 0;
                    for (int b = 0; b < LES.length; b++) {
                        cumulative += (i + 1) * (1 + (b * 3 + s) % 4);
                        refs[r] = app.append(refs[r], classic[s][b], t, cumulative);
                        r++;
                    }
                }
            }
            app.commit();
            return histograms;
        }
    }

    static QueryEngine engine() {
        return QueryBenchmark.engine();
    }

    static Path tempDir() {
        try {
            return Files.createTempDirectory("histogram-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Setup
    public void setup() {
        dir = tempDir();
        tsdb = load(dir);
        engine = engine();
    }

    @TearDown
    public void tearDown() {
        tsdb.close();
        delete(dir);
    }

    @Benchmark
    public QueryResult rangeQuery() {
        return engine.rangeQuery(tsdb, QUERIES.get(query), START, END, STEP);
    }

    public static void main(String[] args) throws Exception {
        Path d = tempDir();
        long t0 = System.nanoTime();
        Tsdb db = load(d);
        System.out.printf("loaded %d series (%d histogram + %d float samples) in %.1f s%n", SERIES * (2 + LES.length),
                2L * SERIES * SAMPLES, (long) SERIES * LES.length * SAMPLES, (System.nanoTime() - t0) / 1e9);
        QueryEngine e = engine();
        long[] read = new long[QUERIES.size()];
        for (int q = 0; q < QUERIES.size(); q++) {
            read[q] = e.rangeQuery(db, QUERIES.get(q), START, END, STEP).stats().totalQueryableSamples();
        }
        if (args.length > 0 && args[0].equals("quick")) {
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            for (int q = 0; q < QUERIES.size(); q++) {
                for (int round = 0; round < 5; round++) {
                    long c0 = mx.getCurrentThreadCpuTime();
                    long w0 = System.nanoTime();
                    e.rangeQuery(db, QUERIES.get(q), START, END, STEP);
                    long cpu = mx.getCurrentThreadCpuTime() - c0;
                    System.out.printf("%s round %d: %.1f ms wall, %.1f ms cpu, %d samples read, %.3g samples read per cpu-s%n",
                            QUERIES.get(q), round, (System.nanoTime() - w0) / 1e6, cpu / 1e6, read[q], read[q] / (cpu / 1e9));
                }
            }
            Scrape scrape = new Scrape(false);
            Path ad = tempDir();
            try (Tsdb adb = Tsdb.open(TsdbOptions.defaults(ad))) {
                for (int round = 0; round < 5; round++) {
                    long c0 = mx.getCurrentThreadCpuTime();
                    long n = 0;
                    for (int k = 0; k < 100; k++) {
                        long i = round * 100L + k;
                        n += scrape.append(adb, i * INTERVAL, i);
                    }
                    long cpu = mx.getCurrentThreadCpuTime() - c0;
                    System.out.printf("append round %d: %d histograms in %.1f ms cpu, %.3g histograms per cpu-s%n", round, n, cpu / 1e6,
                            n / (cpu / 1e9));
                }
            }
            delete(ad);
            db.close();
            delete(d);
            return;
        }
        db.close();
        delete(d);
        Collection<RunResult> results = new Runner(new OptionsBuilder().include(HistogramQueryBenchmark.class.getName()).include(HistogramAppendBenchmark.class.getName()).build()).run();
        System.out.println();
        System.out.println("benchmark | score | samples read | samples read/s");
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            double score = r.getPrimaryResult().getScore();
            if (name.endsWith("append")) {
                System.out.printf("append (%d histograms per commit) | %.1f commits/s = %.3g histograms/s | - | -%n", 2 * SERIES, score,
                        score * 2 * SERIES);
            } else {
                int q = Integer.parseInt(r.getParams().getParam("query"));
                System.out.printf("%s | %.1f ms | %d | %.3g%n", QUERIES.get(q), score, read[q], read[q] / (score / 1000));
            }
        }
    }
}
