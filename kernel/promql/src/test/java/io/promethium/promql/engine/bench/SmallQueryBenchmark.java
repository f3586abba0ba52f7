package io.promethium.promql.engine.bench;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.promql.engine.QueryEngine;
import io.promethium.promql.engine.QueryResult;
import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbOptions;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * The engine's share of a dashboard's instant queries over the real TSDB's head: a query's fixed
 * cost (parse, set-up, result shaping: {@code vector(1)}, an unknown metric) and the small
 * queries of a dashboard over {@link #SERIES} node-like counters and {@link #HISTOGRAMS} classic
 * histograms (11 {@code le} series each), 30 min at 15 s. Single-threaded; µs per query.
 *
 * <p>Run (JMH, about 3 minutes; {@code quick}: 5 rounds of 2,000 queries or 1 s of CPU each, CPU time per query):
 * <pre>
 * mvn -B -q -pl kernel/promql -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
 * java -cp kernel/promql/target/test-classes:kernel/promql/target/classes:$(cat kernel/promql/target/bench.cp) \
 *     io.promethium.promql.engine.bench.SmallQueryBenchmark [quick [N]]
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class SmallQueryBenchmark {

    static final int SERIES = 1_000;
    static final int HISTOGRAMS = 100;
    static final long INTERVAL = 15_000;
    static final int SAMPLES = 120;
    static final long END = (SAMPLES - 1) * INTERVAL;
    static final String[] LES = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf"};

    static final List<String> QUERIES = List.of(
            "vector(1)",
            "no_such_metric",
            "avg_over_time(x[2m])",
            "rate(x[5m])",
            "sum by (mode) (rate(x[1m]))",
            "topk(5, rate(x[1m]))",
            "histogram_quantile(0.9, sum by (le) (rate(h_bucket[5m])))");

    @Param({"0", "1", "2", "3", "4", "5", "6"})
    public int query;

    private Path dir;
    private Tsdb tsdb;
    private QueryEngine engine;

    static Tsdb load(Path dir) {
        Tsdb tsdb = Tsdb.open(TsdbOptions.defaults(dir));
        String[] modes = {"idle", "user", "system", "iowait", "irq", "softirq", "steal", "nice"};
        Labels[] xs = new Labels[SERIES];
        for (int s = 0; s < SERIES; s++) {
            xs[s] = Labels.of("__name__", "x", "cpu", Integer.toString(s / modes.length), "instance", "host" + (s % 50) + ":9100",
                    "job", "node", "mode", modes[s % modes.length]);
        }
        Labels[][] hs = new Labels[HISTOGRAMS][LES.length];
        for (int s = 0; s < HISTOGRAMS; s++) {
            for (int b = 0; b < LES.length; b++) {
                hs[s][b] = Labels.of("__name__", "h_bucket", "instance", "host" + s + ":9100", "job", "node", "le", LES[b]);
            }
        }
        long[] refs = new long[SERIES + HISTOGRAMS * LES.length];
        for (int i = 0; i < SAMPLES; i++) {
            long t = i * INTERVAL;
            Appender app = tsdb.appender();
            int r = 0;
            for (int s = 0; s < SERIES; s++) {
                refs[r] = app.append(refs[r], xs[s], t, (double) i * (1 + s % 7) + 0.25 * (s % 3));
                r++;
            }
            for (int s = 0; s < HISTOGRAMS; s++) {
                long cumulative = 0;
                for (int b = 0; b < LES.length; b++) {
                    cumulative += (i + 1) * (1 + (b * 3 + s) % 4);
                    refs[r] = app.append(refs[r], hs[s][b], t, cumulative);
                    r++;
                }
            }
            app.commit();
        }
        return tsdb;
    }

    @Setup
    public void setup() {
        dir = HistogramQueryBenchmark.tempDir();
        tsdb = load(dir);
        engine = QueryBenchmark.engine();
    }

    @TearDown
    public void tearDown() {
        tsdb.close();
        HistogramQueryBenchmark.delete(dir);
    }

    @Benchmark
    public QueryResult instantQuery() {
        return engine.instantQuery(tsdb, QUERIES.get(query), END);
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("quick")) {
            Path d = HistogramQueryBenchmark.tempDir();
            try (Tsdb db = load(d)) {
                QueryEngine e = QueryBenchmark.engine();
                ThreadMXBean mx = ManagementFactory.getThreadMXBean();
                // quick N: only the query of index N (for profiling)
                List<String> queries = args.length > 1 ? List.of(QUERIES.get(Integer.parseInt(args[1]))) : QUERIES;
                for (String q : queries) {
                    for (int round = 0; round < 5; round++) {
                        // 2,000 queries or 1 s of CPU, whichever comes first.
                        int n = 0;
                        long c0 = mx.getCurrentThreadCpuTime();
                        long cpu;
                        do {
                            e.instantQuery(db, q, END);
                            n++;
                            cpu = mx.getCurrentThreadCpuTime() - c0;
                        } while (n < 2_000 && cpu < 1_000_000_000L);
                        System.out.printf("%s round %d: %.1f µs cpu per query (%d queries)%n", q, round, cpu / 1e3 / n, n);
                    }
                }
            } finally {
                HistogramQueryBenchmark.delete(d);
            }
            return;
        }
        Collection<RunResult> results = new Runner(new OptionsBuilder().include(SmallQueryBenchmark.class.getName()).build()).run();
        System.out.println();
        System.out.println("instant query | µs/query");
        for (RunResult r : results) {
            int q = Integer.parseInt(r.getParams().getParam("query"));
            System.out.printf("%s | %.1f ± %.1f%n", QUERIES.get(q), r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError());
        }
    }
}
