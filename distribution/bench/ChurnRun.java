import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Series churn ({@code side-by-side --churn=P/INTERVAL}): the servers find their targets in a
 * file_sd file; every INTERVAL of the window, P% of the targets (in turn, the oldest first) are
 * replaced by new ones on new ports with a new {@code pod} label, as a rollout replaces pods, so
 * every series of a replaced target ends and a new one begins. A replaced target keeps answering
 * until the next replacement (a server that reads the file late still gets its page). Prometheus
 * and Promethium watch the file; VictoriaMetrics is told to read it every 5 s (its default is 5
 * minutes). With {@code --head-block=D} Prometheus and Promethium cut their head into blocks of D
 * (their default is 2 h), so a short run shows what head compaction leaves.
 *
 * <p>Printed: at each replacement, each server's head series (VictoriaMetrics: the series of the
 * current hour) and RSS; at the end, CPU per sample over the window, peak RSS and RSS at the end,
 * head series, index bytes on disk, and queries on the churned metric (warm medians, server CPU
 * per request), each with Promethium's ratio; then a verdict per target of the scenario
 * (docs/performance.md#series-churn): memory and the index against Prometheus's, every query on
 * the churned metric against both peers'. Part of {@link SideBySide}.
 */
final class ChurnRun {
    private ChurnRun() {
    }

    /** Queries that read the churned series: the live ones, then every pod of the run. */
    static final Map<String, String> QUERIES = new LinkedHashMap<>();

    static {
        QUERIES.put("instant `sum by (mode) (rate(node_cpu_seconds_total[1m]))`", "sum by (mode) (rate(node_cpu_seconds_total[1m]))");
        QUERIES.put("the same over the last hour at 15 s",
                "/api/v1/query_range?query=sum%20by%20(mode)%20(rate(node_cpu_seconds_total%5B1m%5D))&start={now-1h}&end={now}&step=15");
        QUERIES.put("`/api/v1/series?match[]=node_load1`, last hour", "/api/v1/series?match%5B%5D=node_load1&start={now-1h}&end={now}");
        QUERIES.put("`/api/v1/label/pod/values`", "/api/v1/label/pod/values");
        // What Grafana sends for a variable's values or its label browser: the dashboard's range.
        QUERIES.put("`/api/v1/label/pod/values`, last hour", "/api/v1/label/pod/values?start={now-1h}&end={now}");
        QUERIES.put("`/api/v1/labels`, last hour", "/api/v1/labels?start={now-1h}&end={now}");
    }

    record Figures(double cpuSeconds, double samples, double seriesCreated, long peakRss, long rssAtEnd, double headSeriesAtEnd,
                   double headSeriesMost, long indexBytes, long dataBytes, int blocks, Map<String, Double> queryMillis,
                   Map<String, Double> queryCpuMicros, List<Long> rssAtSteps) {
    }

    static void run(SideBySide.Options o, SideBySide.Pages pages) throws Exception {
        int n = o.targets();
        int perStep = Math.max(1, (int) Math.round(n * o.churn().percent() / 100));
        int steps = (int) (o.window().toSeconds() / o.churn().every().toSeconds());
        long live = n * (pages.samplesPerTarget() + 5);
        System.out.printf(Locale.ROOT, "churn: %d of %d targets replaced every %d s, %d times in the window (%d live series, %d new per step)%n",
                perStep, n, o.churn().every().toSeconds(), steps, live, perStep * (pages.samplesPerTarget() + 5));
        HttpServer[] slots = Targets.serve(n, pages::page).toArray(HttpServer[]::new);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i;
        }
        int nextId = n;
        int cursor = 0;
        List<HttpServer> retired = new ArrayList<>();
        List<Integer> retiredIds = new ArrayList<>();
        Path file = o.work().resolve("targets.json");
        writeTargets(file, slots, ids);
        Path config = o.work().resolve("prometheus.yml");
        Files.writeString(config, "global:\n  scrape_interval: " + o.interval().toSeconds() + "s\n"
                + "scrape_configs:\n  - job_name: node\n    file_sd_configs:\n      - files: ['" + file + "']\n");
        List<SideBySide.Server> servers = new ArrayList<>();
        Map<String, Figures> figures = new LinkedHashMap<>();
        try {
            for (String name : o.servers()) {
                if (name.equals("victoria-metrics") && !SideBySide.installed("victoria-metrics", "victoria-metrics-prod")) {
                    System.out.println("victoria-metrics is not installed: left out (Debian package victoria-metrics)");
                    continue;
                }
                servers.add(SideBySide.start(name, o, config, o.work().resolve(name)));
            }
            for (SideBySide.Server s : servers) {
                SideBySide.waitReady(s, Duration.ofMinutes(2));
            }
            SideBySide.sleep(o.warmup());
            Map<String, double[]> before = new LinkedHashMap<>();
            Map<String, Double> most = new LinkedHashMap<>();
            Map<String, List<Long>> rssAtSteps = new LinkedHashMap<>();
            for (SideBySide.Server s : servers) {
                before.put(s.name(), new double[] {Proc.cpuSeconds(s.process().pid()), SideBySide.samples(s), created(s)});
            }
            String load = Proc.loadAverage();
            double generator0 = Proc.cpuSeconds(ProcessHandle.current().pid());
            long start = System.nanoTime();
            for (int step = 1; step <= steps; step++) {
                long due = start + step * o.churn().every().toNanos();
                Thread.sleep(Math.max(0, (due - System.nanoTime()) / 1_000_000));
                // The targets replaced at the step before stop now: every server has read the file since.
                retired.forEach(t -> t.stop(0));
                retiredIds.forEach(pages::forget);
                retired.clear();
                retiredIds.clear();
                List<HttpServer> fresh = Targets.serve(nextId, perStep, pages::page);
                for (int k = 0; k < perStep; k++) {
                    int slot = cursor;
                    cursor = (cursor + 1) % n;
                    retired.add(slots[slot]);
                    retiredIds.add(ids[slot]);
                    slots[slot] = fresh.get(k);
                    ids[slot] = nextId++;
                }
                writeTargets(file, slots, ids);
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  +%4d s, %d targets replaced so far:", 
                        (System.nanoTime() - start) / 1_000_000_000L, step * perStep));
                for (SideBySide.Server s : servers) {
                    double head = headSeries(s);
                    most.merge(s.name(), head, Math::max);
                    long rss = Proc.rssBytes(s.process().pid());
                    rssAtSteps.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(rss);
                    line.append(String.format(Locale.ROOT, " %s %,.0f series, RSS %.0f MB;", s.name(), head, rss / 1e6));
                }
                System.out.println(line);
            }
            long end = start + o.window().toNanos();
            Thread.sleep(Math.max(0, (end - System.nanoTime()) / 1_000_000));
            double generator = Proc.cpuSeconds(ProcessHandle.current().pid()) - generator0;
            System.out.printf(Locale.ROOT, "load average at the window's start %s, at its end %s (2 cores shared); "
                    + "load generator (this process, pages from memory) CPU in the window %.2f s (%.1f%% of a core)%n",
                    load, Proc.loadAverage(), generator, 100 * generator / o.window().toSeconds());
            Map<String, double[]> ingest = new LinkedHashMap<>();
            for (SideBySide.Server s : servers) {
                long pid = s.process().pid();
                double[] b = before.get(s.name());
                double head = headSeries(s);
                most.merge(s.name(), head, Math::max);
                ingest.put(s.name(), new double[] {Proc.cpuSeconds(pid) - b[0], SideBySide.samples(s) - b[1], created(s) - b[2],
                        Proc.peakRssBytes(pid), Proc.rssBytes(pid), head});
            }
            Map<Long, Double> ingestRate = new LinkedHashMap<>();
            for (SideBySide.Server s : servers) {
                ingestRate.put(s.process().pid(), ingest.get(s.name())[0] / o.window().toSeconds());
            }
            Settling settling = new Settling();
            for (SideBySide.Server s : servers) {
                Map<String, Double> latencies = new LinkedHashMap<>();
                Map<String, Double> cpu = new LinkedHashMap<>();
                for (String q : QUERIES.values()) {
                    settling.settle(ingestRate, s.name() + " " + q);
                    try {
                        SideBySide.measure(s, q, o.queryRepeats(), null, latencies, cpu);
                    } catch (IOException e) {
                        System.out.printf(Locale.ROOT, "%s: %s failed: %s%n", s.name(), q, e);
                    }
                }
                double[] in = ingest.get(s.name());
                long[] disk = disk(s);
                figures.put(s.name(), new Figures(in[0], in[1], in[2], (long) in[3], (long) in[4], in[5], most.get(s.name()),
                        disk[0], disk[1], (int) disk[2], latencies, cpu, rssAtSteps.getOrDefault(s.name(), List.of())));
            }
            settling.print();
        } finally {
            for (SideBySide.Server s : servers) {
                s.process().destroy();
                if (!s.process().waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                    s.process().destroyForcibly();
                }
            }
            for (HttpServer t : slots) {
                t.stop(0);
            }
            retired.forEach(t -> t.stop(0));
        }
        print(o, figures, live);
        System.out.printf(Locale.ROOT, "load average after the run: %s%n", Proc.loadAverage());
    }

    /** The file_sd file, replaced at once (written aside, then moved over) so no server reads half of it. */
    static void writeTargets(Path file, HttpServer[] slots, int[] ids) throws IOException {
        StringBuilder sb = new StringBuilder("[\n");
        for (int i = 0; i < slots.length; i++) {
            sb.append(i == 0 ? "" : ",\n").append("  {\"targets\": [\"127.0.0.1:").append(slots[i].getAddress().getPort())
                    .append("\"], \"labels\": {\"pod\": \"node-").append(ids[i])
                    .append("\"}}");
        }
        sb.append("\n]\n");
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, sb);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The head's series (Prometheus, Promethium) or VictoriaMetrics' series of the current hour. */
    static double headSeries(SideBySide.Server s) throws Exception {
        return s.name().equals("victoria-metrics") ? metric(s, "vm_cache_entries", "type=\"storage/hour_metric_ids\"")
                : metric(s, "prometheus_tsdb_head_series", null);
    }

    /** Series created so far, from the server's own counter. */
    static double created(SideBySide.Server s) throws Exception {
        return s.name().equals("victoria-metrics") ? metric(s, "vm_new_timeseries_created_total", null)
                : metric(s, "prometheus_tsdb_head_series_created_total", null);
    }

    /** The sum of a metric's samples on the server's /metrics whose labels hold {@code labels} (null: all), NaN when absent. */
    static double metric(SideBySide.Server s, String name, String labels) throws Exception {
        String metrics = SideBySide.get(s, "/metrics").body();
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*})? (\\S+)$").matcher(metrics);
        double sum = Double.NaN;
        while (m.find()) {
            if (labels == null || (m.group(1) != null && m.group(1).contains(labels))) {
                sum = (Double.isNaN(sum) ? 0 : sum) + Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }

    /** Index bytes on disk (the blocks' index files, Promethium's symbol tables; VictoriaMetrics' indexdb), the data folder's bytes, blocks. */
    static long[] disk(SideBySide.Server s) throws IOException {
        long index = 0;
        int blocks = 0;
        if (s.name().equals("victoria-metrics")) {
            index = Math.max(0, Proc.size(s.data().resolve("indexdb")));
        } else {
            try (Stream<Path> dirs = Files.list(s.data())) {
                for (Path b : dirs.filter(x -> Files.exists(x.resolve("meta.json"))).toList()) {
                    index += Proc.size(b.resolve("index"));
                    index += Math.max(0, Proc.size(b.resolve("symbols")));
                    blocks++;
                }
            }
        }
        return new long[] {index, Proc.size(s.data()), blocks};
    }

    interface Measure {
        double of(Figures f);
    }

    static void print(SideBySide.Options o, Map<String, Figures> figures, long live) {
        List<String> names = new ArrayList<>(figures.keySet());
        List<String> others = names.stream().filter(n -> !n.equals("promethium")).toList();
        boolean ratios = figures.containsKey("promethium");
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%n| churn: %d targets, %s%% replaced every %d s, %d s, %d live series |",
                o.targets(), fmt(o.churn().percent()), o.churn().every().toSeconds(), o.window().toSeconds(), live));
        names.forEach(n -> sb.append(' ').append(n).append(" |"));
        if (ratios) {
            others.forEach(n -> sb.append(" promethium / ").append(n).append(" |"));
        }
        sb.append("\n|---|").append("---|".repeat(names.size() + (ratios ? others.size() : 0))).append('\n');
        Verdicts v = new Verdicts(figures);
        v.row(sb, names, others, ratios, "CPU per sample (µs)", f -> f.cpuSeconds() / f.samples() * 1e6, "%.2f", NONE);
        v.row(sb, names, others, ratios, "samples in the window", Figures::samples, "%.0f", NONE);
        v.row(sb, names, others, ratios, "series created in the window", Figures::seriesCreated, "%.0f", NONE);
        v.row(sb, names, others, ratios, "peak RSS (MB)", f -> f.peakRss() / 1e6, "%.0f", PROMETHEUS);
        v.row(sb, names, others, ratios, "RSS at the end (MB)", f -> f.rssAtEnd() / 1e6, "%.0f", PROMETHEUS);
        v.row(sb, names, others, ratios, "head series at the end (VictoriaMetrics: this hour's)", Figures::headSeriesAtEnd, "%.0f", NONE);
        v.row(sb, names, others, ratios, "head series, most seen", Figures::headSeriesMost, "%.0f", NONE);
        v.row(sb, names, others, ratios, "blocks written", f -> f.blocks(), "%.0f", NONE);
        v.row(sb, names, others, ratios, "index on disk (MB; VictoriaMetrics: indexdb)", f -> f.indexBytes() / 1e6, "%.2f", NONE);
        // The head is cut at each server's own time, so a run may end with one block more in one of them.
        v.row(sb, names, others, ratios, "index on disk per block written (MB)",
                f -> f.blocks() == 0 ? Double.NaN : f.indexBytes() / 1e6 / f.blocks(), "%.2f", PROMETHEUS);
        v.row(sb, names, others, ratios, "data folder (MB)", f -> f.dataBytes() / 1e6, "%.1f", NONE);
        for (Map.Entry<String, String> q : QUERIES.entrySet()) {
            v.row(sb, names, others, ratios, q.getKey() + " (ms, warm median)",
                    f -> f.queryMillis().getOrDefault(q.getValue(), Double.NaN), "%.2f", BOTH);
        }
        for (Map.Entry<String, String> q : QUERIES.entrySet()) {
            v.row(sb, names, others, ratios, q.getKey() + " (server CPU µs per request)",
                    f -> f.queryCpuMicros().getOrDefault(q.getValue(), Double.NaN), "%.0f", NONE);
        }
        System.out.println(sb);
        if (figures.containsKey("promethium") && figures.containsKey("prometheus")) {
            v.rssAtEachReplacement();
            v.print();
        }
    }

    /** Which peers a row's figure is held to: Promethium's at most theirs. */
    private static final List<String> NONE = List.of();
    private static final List<String> PROMETHEUS = List.of("prometheus");
    private static final List<String> BOTH = List.of("prometheus", "victoria-metrics");

    /** The table's rows, and a verdict for each figure a target holds to a peer's (printed after the table). */
    private static final class Verdicts {
        private final Map<String, Figures> figures;
        private final StringBuilder lines = new StringBuilder();
        private int met;
        private int missed;
        private int unmeasured;

        Verdicts(Map<String, Figures> figures) {
            this.figures = figures;
        }

        void row(StringBuilder sb, List<String> names, List<String> others, boolean ratios, String label, Measure m, String format,
                 List<String> heldTo) {
            ChurnRun.row(sb, figures, names, others, ratios, label, m, format);
            for (String peer : heldTo) {
                if (figures.containsKey("promethium") && figures.containsKey(peer)) {
                    verdict(label + " against " + possessive(peer), m.of(figures.get("promethium")), m.of(figures.get(peer)), "");
                }
            }
        }

        /** "RSS ≤ Prometheus's" at every replacement, not only at the peak and the end. */
        void rssAtEachReplacement() {
            List<Long> ours = figures.get("promethium").rssAtSteps();
            List<Long> theirs = figures.get("prometheus").rssAtSteps();
            int at = -1;
            for (int i = 0; i < Math.min(ours.size(), theirs.size()); i++) {
                if (at < 0 || ours.get(i) / (double) theirs.get(i) > ours.get(at) / (double) theirs.get(at)) {
                    at = i;
                }
            }
            verdict("RSS at each replacement against " + possessive("prometheus"), at < 0 ? Double.NaN : ours.get(at),
                    at < 0 ? Double.NaN : theirs.get(at), at < 0 ? "" : " (the highest, at replacement " + (at + 1) + ")");
        }

        private static String possessive(String server) {
            return server.equals("victoria-metrics") ? "VictoriaMetrics'" : server.equals("prometheus") ? "Prometheus's" : server + "'s";
        }

        /**
         * Met when Promethium's figure is at most the peer's. A figure the peer lacks (no block
         * written in a short run, a query it failed) is not measured, neither met nor missed;
         * one Promethium lacks is missed.
         */
        private void verdict(String what, double ours, double theirs, String detail) {
            double ratio = ours / theirs;
            boolean known = Double.isFinite(ratio);
            boolean ok = known && ratio <= 1;
            boolean judged = known || !Double.isFinite(ours);
            if (!judged) {
                unmeasured++;
            } else if (ok) {
                met++;
            } else {
                missed++;
            }
            lines.append(String.format(Locale.ROOT, "  %s %s: %s%s, target ≤ 1×%n", !judged ? "-" : ok ? "✓" : "✗", what,
                    known ? String.format(Locale.ROOT, "%.2f×", ratio) : "not measured", detail));
        }

        void print() {
            System.out.print("targets (promethium / peer):\n" + lines);
            String unknown = unmeasured == 0 ? "" : "; " + unmeasured + " not measured";
            System.out.printf(Locale.ROOT, "%s%s%n", missed == 0 ? "every target measured met (" + met + ") ✓"
                    : missed + " of " + (met + missed) + " targets not met ✗", unknown);
        }
    }

    static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    static void row(StringBuilder sb, Map<String, Figures> figures, List<String> names, List<String> others, boolean ratios,
                    String label, Measure m, String format) {
        sb.append("| ").append(label).append(" |");
        for (String n : names) {
            double v = m.of(figures.get(n));
            sb.append(' ').append(Double.isFinite(v) ? String.format(Locale.ROOT, format, v) : "—").append(" |");
        }
        if (ratios) {
            double ours = m.of(figures.get("promethium"));
            for (String n : others) {
                double r = ours / m.of(figures.get(n));
                // A ratio to nothing measured (CPU under /proc's 10 ms tick) is no ratio.
                sb.append(' ').append(Double.isFinite(r) && Math.abs(r) < 1e6 ? String.format(Locale.ROOT, "%.2f×", r) : "—").append(" |");
            }
        }
        sb.append('\n');
    }

    /**
     * Waits before each measured query until every server works at no more than twice its CPU
     * rate over the window (ingestion, its own compactions) over 2 s, at most {@link #MAX_SECONDS}.
     * A head cut (a block written, then the head collected; Prometheus's third took 42 s of a core
     * at 512k series) falls at its own wall-clock time in each run: one during the last server's
     * queries queued that server's answers behind it (load average 6.5, a millisecond request
     * measured at seven times its CPU). Every server's queries wait alike; the waits are printed.
     */
    private static final class Settling {
        static final int MAX_SECONDS = 60;
        private double waited;
        private double longest;
        private String longestBefore = "";
        private final List<String> unsettled = new ArrayList<>();

        void settle(Map<Long, Double> ingestRate, String before) throws Exception {
            long t0 = System.nanoTime();
            while (true) {
                Map<Long, Double> cpu0 = new LinkedHashMap<>();
                for (long pid : ingestRate.keySet()) {
                    cpu0.put(pid, Proc.cpuSeconds(pid));
                }
                long s0 = System.nanoTime();
                Thread.sleep(2000);
                double seconds = (System.nanoTime() - s0) / 1e9;
                boolean quiet = true;
                for (Map.Entry<Long, Double> e : ingestRate.entrySet()) {
                    double rate = (Proc.cpuSeconds(e.getKey()) - cpu0.get(e.getKey())) / seconds;
                    quiet &= rate <= Math.max(2 * e.getValue(), 0.1);
                }
                double spent = (System.nanoTime() - t0) / 1e9;
                if (quiet || spent >= MAX_SECONDS) {
                    if (!quiet) {
                        unsettled.add(before);
                    }
                    // The first 2 s are the check itself.
                    double extra = spent - seconds;
                    waited += extra;
                    if (extra > longest) {
                        longest = extra;
                        longestBefore = before;
                    }
                    return;
                }
            }
        }

        void print() {
            System.out.printf(Locale.ROOT, "settling before each query (every server at most twice its CPU rate over the window, 2 s): "
                    + "waited %.0f s in all, longest %.0f s (before %s)%s%n", waited, longest, longestBefore,
                    unsettled.isEmpty() ? "" : "; not settled after " + MAX_SECONDS + " s before " + unsettled);
        }
    }
}
