package io.promethium.promql.engine.bench;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SeriesSet;
import io.promethium.promql.engine.QueryEngine;
import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The side-by-side harness's queries at its largest scale without the harness: the real TSDB's
 * head holding {@code targets} copies (default 1,000, about 512,000 series) of the node_exporter
 * page the harness's targets serve, {@link #SAMPLES} scrapes (default 24) at 10 s (counters growing, gauges
 * constant, as the served page is), then each query (engine or storage API) repeated. Prints
 * wall (median) and process CPU (mean: the JVM counts it in 10 ms ticks) milliseconds per query,
 * leaving out each query's first run (process CPU includes the engine's helper threads, the JIT
 * and the collector) and the megabytes the query thread
 * allocated: in a server with a tight heap, allocation is collection work traced over the whole
 * head's live set. Run it with the server's collector flags ({@code bin/promethium}) to see that.
 *
 * <pre>
 * mvn -B -q -pl kernel/promql -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
 * java -Xmx6g -cp kernel/promql/target/test-classes:kernel/promql/target/classes:$(cat kernel/promql/target/bench.cp) \
 *     io.promethium.promql.engine.bench.ManySeriesQueryBenchmark [targets [rounds [query index]]]
 * </pre>
 */
public final class ManySeriesQueryBenchmark {

    /**
     * Scrapes per series ({@code -Dbench.samples}, default 24). A head chunk holds 120, and a
     * selector decodes its open chunk from the start: 119 shows the cost just before all series
     * cut their chunks (they do so together, as a server's do), 121 just after.
     */
    static final int SAMPLES = Integer.getInteger("bench.samples", 24);
    static final long INTERVAL = 10_000;
    static final long END = (SAMPLES - 1) * INTERVAL + 2_000;
    static final Path PAGE = Path.of("kernel/scrape/src/test/resources/bench/node_exporter.prom");

    /** A named query: either the engine's (instant or 1 h range at 15 s) or a storage call (the label and series APIs). */
    record Query(String name, Consumer<Env> run) {
    }

    record Env(Tsdb tsdb, QueryEngine engine) {
    }

    static final List<Query> QUERIES = List.of(
            instant("avg_over_time(node_memory_MemFree_bytes[2m])"),
            instant("sum by (mode) (rate(node_cpu_seconds_total[1m]))"),
            instant("topk(5, rate(node_network_receive_bytes_total[1m]))"),
            instant("count({__name__=~\"node_.+\"})"),
            new Query("range 1h/15s sum by (mode) (rate(node_cpu_seconds_total[1m]))",
                    env -> env.engine().rangeQuery(env.tsdb(), "sum by (mode) (rate(node_cpu_seconds_total[1m]))", END - 3_600_000, END, 15_000)),
            new Query("label values instance", env -> {
                try (Querier q = env.tsdb().querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                    q.labelValues("instance", List.of());
                }
            }),
            new Query("series node_load1 (1h)", env -> {
                try (Querier q = env.tsdb().querier(END - 3_600_000, END)) {
                    SeriesSet set = q.select(false, null, List.of(Matcher.equal("__name__", "node_load1")));
                    int n = 0;
                    while (set.next()) {
                        n += set.at().labels().size();
                    }
                    if (n == 0) {
                        throw new IllegalStateException("no node_load1");
                    }
                }
            }));

    private ManySeriesQueryBenchmark() {
    }

    static Query instant(String q) {
        return new Query(q, env -> env.engine().instantQuery(env.tsdb(), q, END));
    }

    /** One sample line of the page: labels without {@code instance}/{@code job}, value, whether it grows. */
    record PageSample(List<String> pairs, double value, boolean counter) {
    }

    static List<PageSample> page(Path file) throws IOException {
        Set<String> counters = new HashSet<>();
        List<PageSample> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("# TYPE ")) {
                String[] f = line.split(" ");
                if (f[3].equals("counter")) {
                    counters.add(f[2]);
                }
                continue;
            }
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int sp = line.lastIndexOf(' ');
            String series = line.substring(0, sp);
            double value = Double.parseDouble(line.substring(sp + 1).replace("+Inf", "Infinity").replace("-Inf", "-Infinity"));
            List<String> pairs = new ArrayList<>();
            int brace = series.indexOf('{');
            String name = brace < 0 ? series : series.substring(0, brace);
            pairs.add("__name__");
            pairs.add(name);
            if (brace >= 0) {
                parseLabels(series.substring(brace + 1, series.length() - 1), pairs);
            }
            out.add(new PageSample(pairs, value, counters.contains(name)));
        }
        return out;
    }

    private static void parseLabels(String s, List<String> pairs) {
        int i = 0;
        while (i < s.length()) {
            int eq = s.indexOf('=', i);
            pairs.add(s.substring(i, eq).trim());
            StringBuilder v = new StringBuilder();
            int j = eq + 2;
            while (s.charAt(j) != '"') {
                char c = s.charAt(j++);
                if (c == '\\') {
                    char n = s.charAt(j++);
                    v.append(n == 'n' ? '\n' : n);
                } else {
                    v.append(c);
                }
            }
            pairs.add(v.toString());
            i = j + 1;
            if (i < s.length() && s.charAt(i) == ',') {
                i++;
            }
        }
    }

    /** Appends {@code targets} copies of the page, scrape by scrape, as the scrape loops would. */
    static Tsdb load(Path dir, List<PageSample> page, int targets) {
        Tsdb tsdb = Tsdb.open(TsdbOptions.defaults(dir));
        Labels[][] labels = new Labels[targets][page.size()];
        for (int t = 0; t < targets; t++) {
            for (int s = 0; s < page.size(); s++) {
                List<String> pairs = new ArrayList<>(page.get(s).pairs());
                pairs.add("instance");
                pairs.add("127.0.0.1:" + (20000 + t));
                pairs.add("job");
                pairs.add("node");
                labels[t][s] = Labels.of(pairs.toArray(String[]::new));
            }
        }
        long[][] refs = new long[targets][page.size()];
        for (int i = 0; i < SAMPLES; i++) {
            for (int t = 0; t < targets; t++) {
                // Scrapes of a target are a few ms off the grid, as real ones are.
                long ts = i * INTERVAL + (t % 97) * 10 + (i * 7 + t) % 5;
                Appender app = tsdb.appender();
                for (int s = 0; s < page.size(); s++) {
                    PageSample p = page.get(s);
                    double v = p.counter() ? p.value() + i * (1 + (s + t) % 13) : p.value();
                    refs[t][s] = app.append(refs[t][s], labels[t][s], ts, v);
                }
                app.commit();
            }
        }
        return tsdb;
    }

    public static void main(String[] args) throws Exception {
        int targets = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        List<Query> queries = args.length > 2 ? List.of(QUERIES.get(Integer.parseInt(args[2]))) : QUERIES;
        Path pageFile = Files.exists(PAGE) ? PAGE : Path.of("..", "..").resolve(PAGE);
        List<PageSample> page = page(pageFile);
        Path dir = Files.createTempDirectory("many-series-bench-");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try {
            long t0 = System.nanoTime();
            try (Tsdb tsdb = load(dir, page, targets)) {
                System.out.printf("loaded %d targets x %d series x %d samples in %.1f s; load average %.2f%n", targets, page.size(), SAMPLES,
                        (System.nanoTime() - t0) / 1e9, os.getSystemLoadAverage());
                Env env = new Env(tsdb, QueryBenchmark.engine());
                for (Query q : queries) {
                    double[] wall = new double[rounds];
                    double[] cpu = new double[rounds];
                    double[] mb = new double[rounds];
                    for (int r = 0; r < rounds; r++) {
                        long w0 = System.nanoTime();
                        long c0 = os.getProcessCpuTime();
                        long a0 = threads.getCurrentThreadAllocatedBytes();
                        q.run().accept(env);
                        mb[r] = (threads.getCurrentThreadAllocatedBytes() - a0) / 1e6;
                        wall[r] = (System.nanoTime() - w0) / 1e6;
                        cpu[r] = (os.getProcessCpuTime() - c0) / 1e6;
                    }
                    System.out.printf("%-62s first %8.2f ms | rest: median %8.2f ms wall, mean %8.2f ms process cpu, %8.2f MB allocated%n",
                            q.name(), wall[0], medianOfRest(wall), meanOfRest(cpu), medianOfRest(mb));
                }
                System.out.printf("load average at the end %.2f%n", os.getSystemLoadAverage());
            }
        } finally {
            HistogramQueryBenchmark.delete(dir);
        }
    }

    /** The mean, not the median, of the JVM's 10 ms CPU ticks. */
    private static double meanOfRest(double[] xs) {
        double sum = 0;
        for (int i = 1; i < xs.length; i++) {
            sum += xs[i];
        }
        return xs.length < 2 ? xs[0] : sum / (xs.length - 1);
    }

    private static double medianOfRest(double[] xs) {
        if (xs.length < 2) {
            return xs[0];
        }
        double[] rest = java.util.Arrays.copyOfRange(xs, 1, xs.length);
        java.util.Arrays.sort(rest);
        return rest[rest.length / 2];
    }

}
