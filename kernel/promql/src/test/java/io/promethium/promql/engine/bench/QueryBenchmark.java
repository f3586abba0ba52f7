package io.promethium.promql.engine.bench;

import io.promethium.api.model.Labels;
import io.promethium.promql.engine.EngineOptions;
import io.promethium.promql.engine.QueryEngine;
import io.promethium.promql.engine.QueryResult;
import io.promethium.promql.engine.RangeMatrix;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Range-query evaluation over 10,000 series x 1 day at 15 s (5,760 samples each), 1,000 steps,
 * single-threaded. Each query is a benchmark; {@link #main} runs them with JMH and prints, per
 * query, time per query, the samples read from storage and the window samples the functions
 * processed (Prometheus's "samples touched": a sample inside k steps' windows counts k times),
 * as ns per sample and samples per second.
 *
 * <p>Run (about 2 minutes):
 * <pre>
 * mvn -B -q -pl kernel/promql test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
 * java -cp kernel/promql/target/test-classes:kernel/promql/target/classes:$(cat kernel/promql/target/bench.cp) \
 *     io.promethium.promql.engine.bench.QueryBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class QueryBenchmark {

    static final int SERIES = 10_000;
    static final long INTERVAL = 15_000;
    static final long DAY = 86_400_000;
    static final int STEPS = 1_000;
    static final long START = 600_000;
    static final long STEP = (DAY - START) / (STEPS - 1);

    static final List<String> QUERIES = List.of(
            "rate(x[5m])",
            "sum by (job) (rate(x[5m]))",
            "histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m])))",
            "topk(10, x)");

    @Param({"0", "1", "2", "3"})
    public int query;

    private QueryEngine engine;
    private SyntheticStorage storage;

    static SyntheticStorage storage() {
        List<Labels> labels = new ArrayList<>();
        for (int i = 0; i < SERIES; i++) {
            labels.add(Labels.of("__name__", "x", "job", "job" + (i % 10), "instance", "host" + i));
        }
        String[] les = {"0.005", "0.01", "0.05", "0.1", "0.5", "1", "5", "10", "50", "+Inf"};
        for (int i = 0; i < SERIES / les.length; i++) {
            for (String le : les) {
                labels.add(Labels.of("__name__", "h_bucket", "job", "job" + (i % 10), "instance", "host" + i, "le", le));
            }
        }
        return new SyntheticStorage(labels, INTERVAL, DAY);
    }

    static QueryEngine engine() {
        return QueryEngine.create(EngineOptions.DEFAULTS.withMaxSamples(500_000_000L).withTimeout(java.time.Duration.ofMinutes(10)));
    }

    @Setup
    public void setup() {
        engine = engine();
        storage = storage();
    }

    @Benchmark
    public QueryResult rangeQuery() {
        return engine.rangeQuery(storage, QUERIES.get(query), START, START + (STEPS - 1) * STEP, STEP);
    }

    /** Window samples per query: for each step the samples inside each series' range window. */
    static long windowSamples(String query) {
        long perWindow = 300_000 / INTERVAL;
        long series = query.startsWith("topk") ? 0 : SERIES;
        return series * STEPS * perWindow;
    }

    public static void main(String[] args) throws Exception {
        SyntheticStorage s = storage();
        QueryEngine e = engine();
        if (args.length > 0 && args[0].equals("quick")) {
            // Without JMH: a few timed rounds per query, for profiling and quick comparisons.
            for (String q : QUERIES) {
                java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
                for (int round = 0; round < 5; round++) {
                    long t0 = System.nanoTime();
                    long c0 = mx.getCurrentThreadCpuTime();
                    QueryResult r = e.rangeQuery(s, q, START, START + (STEPS - 1) * STEP, STEP);
                    long ns = System.nanoTime() - t0;
                    long cpu = mx.getCurrentThreadCpuTime() - c0;
                    long read = r.stats().totalQueryableSamples();
                    long windows = windowSamples(q);
                    System.out.printf("%s round %d: %.1f ms wall, %.1f ms cpu; per cpu-second: %.3g samples read, %.3g window samples; "
                            + "%.2f ns cpu per sample read%n", q, round, ns / 1e6, cpu / 1e6, read / (cpu / 1e9), windows / (cpu / 1e9),
                            (double) cpu / read);
                }
            }
            return;
        }
        long[] read = new long[QUERIES.size()];
        for (int q = 0; q < QUERIES.size(); q++) {
            QueryResult r = e.rangeQuery(s, QUERIES.get(q), START, START + (STEPS - 1) * STEP, STEP);
            read[q] = r.stats().totalQueryableSamples();
            System.out.printf("%s: %d result series, %d samples read%n", QUERIES.get(q), ((RangeMatrix) r.value()).series().size(), read[q]);
        }
        Collection<RunResult> results = new Runner(new OptionsBuilder().include(QueryBenchmark.class.getName()).build()).run();
        System.out.println();
        System.out.println("query | ms/query | samples read | ns/sample read | samples read/s | window samples | ns/window sample | window samples/s");
        for (RunResult r : results) {
            int q = Integer.parseInt(r.getParams().getParam("query"));
            double ms = r.getPrimaryResult().getScore();
            long windows = windowSamples(QUERIES.get(q));
            System.out.printf("%s | %.1f | %d | %.2f | %.3g | %d | %s | %s%n", QUERIES.get(q), ms, read[q], ms * 1e6 / read[q],
                    read[q] / (ms / 1000), windows, windows == 0 ? "-" : String.format("%.2f", ms * 1e6 / windows),
                    windows == 0 ? "-" : String.format("%.3g", windows / (ms / 1000)));
        }
    }
}
