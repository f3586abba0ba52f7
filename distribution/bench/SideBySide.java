import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Side-by-side ingestion and query benchmark: Prometheus, VictoriaMetrics (when installed) and
 * Promethium scrape the same loopback targets, each serving a real node_exporter page whose
 * counters and gauges move between scrapes, each server with its default flags. Measured from
 * outside: CPU from /proc, peak RSS (VmHWM), samples and series from each server's own
 * counters, WAL bytes, query latency, WAL replay to ready. Loopback only, bounded in time.
 * {@code --series=N} repeats the page to N series per target; {@code --churn=P/INTERVAL} replaces
 * targets as a rollout does ({@link ChurnRun}); {@code --targets=1} measures the fixed and the
 * marginal cost ({@link SmallScale}); {@code --capacity=STEP} ramps each server alone until it no
 * longer keeps up ({@link Capacity}). The targets' pages are rendered once per interval and served
 * from memory (a capacity ramp, one server at a time, renders each as it sends it); the load
 * generator's own CPU is printed.
 *
 * <p>Run through {@code distribution/bench/side-by-side}, which builds the tarball and finds a
 * JDK; this file is a single-file Java program with no dependencies.
 */
public final class SideBySide {

    record Options(Path home, int targets, Duration interval, Duration warmup, Duration window, int queryRepeats,
                   List<String> servers, Path work, boolean ingestOnly, boolean threads, int series, Churn churn,
                   Duration headBlock, int marginalTargets, long capacity, Duration hold, long capacityMax) {
    }

    /** {@code --churn=P/INTERVAL}: {@code percent} of the targets replaced every {@code every} by new ones with new {@code pod} labels. */
    record Churn(double percent, Duration every) {
        static Churn parse(String s) {
            int slash = s.indexOf('/');
            if (slash < 0) {
                throw new IllegalArgumentException("--churn=P/INTERVAL (for example 10/60s, 10%/1m), got " + s);
            }
            double percent = Double.parseDouble(s.substring(0, slash).replace("%", ""));
            if (!(percent > 0 && percent <= 100)) {
                throw new IllegalArgumentException("--churn: the percentage must be in (0, 100], got " + s);
            }
            return new Churn(percent, duration(s.substring(slash + 1)));
        }
    }

    /** One line of the template page: text before the value, the value, and how it moves. */
    record Line(String prefix, double base, char kind) {
    }

    /** A server under test. */
    record Server(String name, Process process, int port, Path data) {
    }

    /** What was measured of one server. */
    record Figures(double cpuSeconds, double samples, double series, long peakRssBytes, long walBytes, double walBytesPerSample,
                   long peakRssAfterQueries, Map<String, Double> coldQueryMillis, Map<String, Double> queryMillis, Map<String, Double> queryCpuMicros,
                   double replaySeconds) {
    }

    /**
     * HTTP/1.1, as Grafana's Go client speaks to a data source over http://. The JDK client's
     * default (HTTP/2 asked for by an upgrade header) added about half a millisecond to every
     * request in every server, as much as a small panel's whole query.
     */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    /** The one query of the set that reads every series. */
    static final String EVERY_SERIES = "count({__name__=~\"node_.+\"})";

    static final List<String> QUERIES = List.of(
            "vector(1)",
            "no_such_metric",
            "avg_over_time(node_memory_MemFree_bytes[2m])",
            "sum by (mode) (rate(node_cpu_seconds_total[1m]))",
            "topk(5, rate(node_network_receive_bytes_total[1m]))",
            EVERY_SERIES,
            // A dashboard's other requests (a path instead of an instant query; {now} is the time of the request, in s).
            "/api/v1/query_range?query=sum%20by%20(mode)%20(rate(node_cpu_seconds_total%5B1m%5D))&start={now-1h}&end={now}&step=15",
            "/api/v1/labels",
            "/api/v1/label/instance/values",
            "/api/v1/series?match%5B%5D=node_load1&start={now-1h}&end={now}");

    public static void main(String[] args) throws Exception {
        Options o = parse(args);
        Files.createDirectories(o.work());
        System.out.printf(Locale.ROOT, "side-by-side: %d targets, interval %s, warm-up %s, window %s, servers %s%n",
                o.targets(), o.interval(), o.warmup(), o.window(), o.servers());
        List<Line> node = template(o.work());
        List<Line> page = expand(node, o.series());
        System.out.printf(Locale.ROOT, "node_exporter page: %d samples, served as %d samples per target%n",
                node.stream().filter(l -> l.kind() != '#').count(), page.stream().filter(l -> l.kind() != '#').count());
        Pages pages = new Pages(page, o.interval());
        if (o.targets() == 1) {
            SmallScale.run(o, pages);
            return;
        }
        if (o.churn() != null) {
            ChurnRun.run(o, pages);
            return;
        }
        if (o.capacity() > 0) {
            Capacity.run(o, pages);
            return;
        }
        List<com.sun.net.httpserver.HttpServer> targets = startTargets(pages, o.targets());
        List<Server> servers = new ArrayList<>();
        Map<String, Figures> figures = new LinkedHashMap<>();
        try {
            Path config = writeConfig(o, targets);
            for (String name : o.servers()) {
                if (name.equals("victoria-metrics") && !installed("victoria-metrics", "victoria-metrics-prod")) {
                    System.out.println("victoria-metrics is not installed: left out (Debian package victoria-metrics)");
                    continue;
                }
                servers.add(start(name, o, config, o.work().resolve(name)));
            }
            for (Server s : servers) {
                waitReady(s, Duration.ofMinutes(2));
            }
            sleep(o.warmup());
            Map<String, double[]> before = new LinkedHashMap<>();
            Map<String, Map<String, Long>> threadsBefore = new LinkedHashMap<>();
            for (Server s : servers) {
                before.put(s.name(), new double[] {Proc.cpuSeconds(s.process().pid()), samples(s)});
                if (o.threads()) {
                    threadsBefore.put(s.name(), Proc.threadTicks(s.process().pid()));
                }
            }
            String loadBefore = Proc.loadAverage();
            double generator0 = Proc.cpuSeconds(ProcessHandle.current().pid());
            sleep(o.window());
            double generator = Proc.cpuSeconds(ProcessHandle.current().pid()) - generator0;
            System.out.printf(Locale.ROOT, "load average (1, 5, 15 min) at the window's start: %s, at its end: %s (2 cores shared)%n",
                    loadBefore, Proc.loadAverage());
            System.out.printf(Locale.ROOT, "load generator (this process, pages from memory) CPU in the window: %.2f s (%.1f%% of a core)%n",
                    generator, 100 * generator / o.window().toSeconds());
            if (o.threads()) {
                for (Server s : servers) {
                    printThreads(s, threadsBefore.get(s.name()), Proc.threadTicks(s.process().pid()), o.window());
                }
            }
            // Ingestion figures of every server first, at the same moment, before any query runs
            // (queries allocate and take time, which would blur the later servers' figures).
            Map<String, double[]> ingest = new LinkedHashMap<>();
            for (Server s : servers) {
                double cpu = Proc.cpuSeconds(s.process().pid()) - before.get(s.name())[0];
                double total = samples(s);
                double samples = total - before.get(s.name())[1];
                long wal = s.data() == null ? -1 : Proc.size(s.data().resolve("wal"));
                ingest.put(s.name(), new double[] {cpu, samples, Proc.peakRssBytes(s.process().pid()), wal, wal < 0 ? Double.NaN : wal / total});
            }
            // Every target's page plus its five report series: the fallback when a server cannot
            // count its series in time (500k series on a loaded machine).
            long expectedSeries = o.targets() * (pages.samplesPerTarget() + 5);
            for (Server s : servers) {
                double[] in = ingest.get(s.name());
                System.out.printf(Locale.ROOT, "%s ingesting: %.2f µs CPU per sample, peak RSS %.0f B per expected series (%d)%n",
                        s.name(), in[1] > 0 ? in[0] / in[1] * 1e6 : Double.NaN, in[2] / expectedSeries, expectedSeries);
            }
            if (o.ingestOnly()) {
                return;
            }
            for (Server s : servers) {
                double[] in = ingest.get(s.name());
                double series;
                try {
                    series = query1(s, "count({__name__=~\".+\"})");
                } catch (IOException e) {
                    System.out.printf(Locale.ROOT, "%s: counting its series failed (%s); using the expected %d%n", s.name(), e, expectedSeries);
                    series = expectedSeries;
                }
                if (!(series > 0)) {
                    // VictoriaMetrics answers an error, not a count, past its series limit (512k series).
                    System.out.printf(Locale.ROOT, "%s: no series count in its answer; using the expected %d%n", s.name(), expectedSeries);
                    series = expectedSeries;
                }
                Map<String, Double> cold = new LinkedHashMap<>();
                Map<String, Double> latencies = new LinkedHashMap<>();
                Map<String, Double> cpuPerQuery = new LinkedHashMap<>();
                for (String q : QUERIES) {
                    // First as a dashboard's first look finds it, then warm: a JVM compiles the
                    // query path only after a few thousand requests (Go's code is compiled ahead).
                    try {
                        measure(s, q, o.queryRepeats(), cold, latencies, cpuPerQuery);
                    } catch (IOException e) {
                        // A query that times out leaves its rows empty; the other figures stand.
                        System.out.printf(Locale.ROOT, "%s: %s failed: %s%n", s.name(), q, e);
                    }
                }
                figures.put(s.name(), new Figures(in[0], in[1], series, (long) in[2], (long) in[3], in[4], Proc.peakRssBytes(s.process().pid()),
                        cold, latencies, cpuPerQuery, Double.NaN));
            }
            // WAL replay: every server stops hard at once (as a crash would); each is then restarted
            // alone and timed to ready, and stopped before the next: a replay timed while another
            // server ran would share the cores with that server's own restart or ingestion.
            for (Server s : servers) {
                s.process().destroyForcibly().waitFor();
            }
            for (int i = 0; i < servers.size(); i++) {
                Server s = servers.get(i);
                if (s.name().equals("victoria-metrics")) {
                    continue;
                }
                long t0 = System.nanoTime();
                Server again = start(s.name(), o, config, s.data().getParent().resolve(s.name()));
                servers.set(i, again);
                waitReady(again, Duration.ofMinutes(5));
                double replay = (System.nanoTime() - t0) / 1e9;
                again.process().destroyForcibly().waitFor();
                Figures f = figures.get(s.name());
                figures.put(s.name(), new Figures(f.cpuSeconds(), f.samples(), f.series(), f.peakRssBytes(), f.walBytes(),
                        f.walBytesPerSample(), f.peakRssAfterQueries(), f.coldQueryMillis(), f.queryMillis(), f.queryCpuMicros(), replay));
            }
        } finally {
            for (Server s : servers) {
                s.process().destroy();
                if (!s.process().waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                    s.process().destroyForcibly();
                }
            }
            targets.forEach(t -> t.stop(0));
        }
        print(figures);
        System.out.printf(Locale.ROOT, "load average after the run: %s%n", Proc.loadAverage());
    }

    // ---- the page -------------------------------------------------------------------------

    /** Captures a real page from node_exporter on a loopback port and turns it into a template. */
    static List<Line> template(Path work) throws Exception {
        int port = Proc.freePort();
        Process p = new ProcessBuilder(binary("prometheus-node-exporter", "node_exporter"),
                "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(work.resolve("node_exporter.log").toFile()).start();
        try {
            String body = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (body == null && System.nanoTime() < deadline) {
                try {
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    body = r.statusCode() == 200 ? r.body() : null;
                } catch (IOException e) {
                    Thread.sleep(200);
                }
            }
            if (body == null) {
                throw new IllegalStateException("node_exporter did not answer on 127.0.0.1:" + port);
            }
            return parsePage(body);
        } finally {
            p.destroy();
        }
    }

    static List<Line> parsePage(String body) {
        Map<String, Character> types = new LinkedHashMap<>();
        List<Line> lines = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] f = line.split(" ");
                if (f.length >= 4 && f[1].equals("TYPE")) {
                    types.put(f[2], f[3].equals("counter") ? 'c' : f[3].equals("gauge") ? 'g' : 'k');
                }
                lines.add(new Line(line, 0, '#'));
                continue;
            }
            int space = line.lastIndexOf(' ');
            String prefix = line.substring(0, space + 1);
            double value;
            try {
                value = Double.parseDouble(line.substring(space + 1));
            } catch (NumberFormatException e) {
                continue;
            }
            String name = line.substring(0, Math.max(line.indexOf('{') < 0 ? space : line.indexOf('{'), 0));
            char kind = types.getOrDefault(name, 'k');
            if (kind == 'k') {
                for (Map.Entry<String, Character> t : types.entrySet()) {
                    if (name.startsWith(t.getKey() + "_")) {
                        kind = t.getValue() == 'c' ? 'c' : 'k'; // histogram/summary parts: _count/_sum grow
                        kind = name.endsWith("_count") || name.endsWith("_sum") || name.endsWith("_bucket") ? 'c' : kind;
                    }
                }
            }
            lines.add(new Line(prefix, value, kind));
        }
        return lines;
    }

    /** The page of one target at a time: counters grow at a per-series rate, gauges wander. */
    static byte[] render(List<Line> page, int target, long nowMillis) {
        StringBuilder sb = new StringBuilder(64 * page.size());
        double t = nowMillis / 1000.0;
        for (int i = 0; i < page.size(); i++) {
            appendLine(sb, page, i, target, t);
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The same page as {@link #render}, written in pieces of about 64 KB so that no more than one is held. */
    static void write(List<Line> page, int target, long nowMillis, OutputStream out) throws IOException {
        StringBuilder sb = new StringBuilder(1 << 16);
        double t = nowMillis / 1000.0;
        for (int i = 0; i < page.size(); i++) {
            appendLine(sb, page, i, target, t);
            if (sb.length() >= (1 << 16) - 512) {
                out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
                sb.setLength(0);
            }
        }
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void appendLine(StringBuilder sb, List<Line> page, int i, int target, double t) {
        Line l = page.get(i);
        if (l.kind() == '#') {
            sb.append(l.prefix()).append('\n');
            return;
        }
        int h = (i * 31 + target) * 0x9E3779B1;
        double v = switch (l.kind()) {
            case 'c' -> Math.floor(l.base() + ((h >>> 8) % 1000) / 10.0 * t % 1e9);
            case 'g' -> l.base() == 0 ? 0 : Math.round(l.base() * (1 + 0.02 * Math.sin(t / 60 + (h & 0xff)))) ;
            default -> l.base();
        };
        sb.append(l.prefix());
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            sb.append((long) v);
        } else {
            sb.append(v);
        }
        sb.append('\n');
    }

    static List<com.sun.net.httpserver.HttpServer> startTargets(Pages pages, int n) throws IOException {
        return Targets.serve(n, pages::page);
    }

    /**
     * The page repeated until it holds {@code series} samples ({@code 0}: the page as it is): each
     * sample line {@code series / samples} times, the first {@code series % samples} lines once
     * more, each copy after the first with a {@code copy="N"} label, so a family's lines stay
     * together under its one HELP and TYPE.
     */
    static List<Line> expand(List<Line> page, int series) {
        long samples = page.stream().filter(l -> l.kind() != '#').count();
        if (series == 0 || series == samples) {
            return page;
        }
        List<Line> out = new ArrayList<>();
        int j = 0;
        for (Line l : page) {
            if (l.kind() == '#') {
                out.add(l);
                continue;
            }
            long copies = series / samples + (j++ < series % samples ? 1 : 0);
            for (int c = 0; c < copies; c++) {
                out.add(c == 0 ? l : new Line(withLabel(l.prefix(), "copy", Integer.toString(c)), l.base(), l.kind()));
            }
        }
        return out;
    }

    /** A sample line's prefix ({@code name{a="b"} } or {@code name }) with one more label. */
    static String withLabel(String prefix, String name, String value) {
        String p = prefix.stripTrailing();
        String label = name + "=\"" + value + "\"";
        if (!p.endsWith("}")) {
            return p + "{" + label + "} ";
        }
        return p.substring(0, p.length() - 1) + (p.endsWith("{}") ? "" : ",") + label + "} ";
    }

    /**
     * The load generator's pages, from memory: each target's page is rendered once per scrape
     * interval and the same bytes served to every server that scrapes it in that interval, so the
     * generator does a third of the work it would rendering per request (its CPU is reported).
     * {@link #write} instead renders the page as it is sent and keeps nothing, for a server that
     * scrapes alone ({@link Capacity}): a ramp to 20M series would otherwise keep ~2 GB of pages,
     * grow the generator's heap to several GB and leave the next server a smaller machine.
     */
    static final class Pages {
        private final List<Line> page;
        private final long intervalMillis;
        private final java.util.concurrent.ConcurrentHashMap<Integer, Rendered> rendered = new java.util.concurrent.ConcurrentHashMap<>();

        record Rendered(long tick, byte[] bytes) {
        }

        Pages(List<Line> page, Duration interval) {
            this.page = page;
            this.intervalMillis = interval.toMillis();
        }

        byte[] page(int target) {
            long tick = System.currentTimeMillis() / intervalMillis;
            return rendered.compute(target, (k, r) -> r != null && r.tick() == tick ? r
                    : new Rendered(tick, render(page, k, tick * intervalMillis))).bytes();
        }

        /** Writes the page {@link #page} would serve now, rendered as it goes and kept nowhere. */
        void write(int target, OutputStream out) throws IOException {
            long tick = System.currentTimeMillis() / intervalMillis;
            SideBySide.write(page, target, tick * intervalMillis, out);
        }

        /** A target that is gone: its page is no longer kept. */
        void forget(int target) {
            rendered.remove(target);
        }

        long samplesPerTarget() {
            return page.stream().filter(l -> l.kind() != '#').count();
        }
    }

    // ---- the servers ----------------------------------------------------------------------

    static Path writeConfig(Options o, List<com.sun.net.httpserver.HttpServer> targets) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("global:\n  scrape_interval: ").append(o.interval().toSeconds()).append("s\n");
        sb.append("scrape_configs:\n  - job_name: node\n    static_configs:\n      - targets:\n");
        for (var t : targets) {
            sb.append("          - 127.0.0.1:").append(t.getAddress().getPort()).append('\n');
        }
        Path config = o.work().resolve("prometheus.yml");
        Files.writeString(config, sb.toString());
        return config;
    }

    static Server start(String name, Options o, Path config, Path data) throws IOException {
        Files.createDirectories(data);
        int port = Proc.freePort();
        List<String> command = switch (name) {
            case "prometheus" -> List.of(binary("prometheus"), "--config.file=" + config, "--storage.tsdb.path=" + data,
                    "--web.listen-address=127.0.0.1:" + port);
            case "victoria-metrics" -> List.of(binary("victoria-metrics", "victoria-metrics-prod"), "-promscrape.config=" + config,
                    "-storageDataPath=" + data, "-httpListenAddr=127.0.0.1:" + port,
                    // Its rollup result cache answers a repeated range query from the last answer; Prometheus and
                    // Promethium compute every request, so the warm medians compare computations only (as bench/week).
                    "-search.disableCache");
            case "promethium" -> List.of(o.home().resolve("bin/promethium").toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + data, "--web.listen-address=127.0.0.1:" + port,
                    "--plugins.dir=" + o.work().resolve("promethium-plugins"));
            default -> throw new IllegalArgumentException("unknown server " + name + " (prometheus, victoria-metrics, promethium)");
        };
        command = new ArrayList<>(command);
        if (o.headBlock() != null && !name.equals("victoria-metrics")) {
            // The head is cut into a block (and its gone series dropped) once it spans 1.5 times this.
            command.add("--storage.tsdb.min-block-duration=" + o.headBlock().toSeconds() + "s");
        }
        if ((o.churn() != null || o.capacity() > 0) && name.equals("victoria-metrics")) {
            // VictoriaMetrics reads file_sd files every 5 minutes by default (Prometheus and Promethium watch them).
            command.add("-promscrape.fileSDCheckInterval=5s");
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(o.work().resolve(name + ".log").toFile())).start();
        // bin/promethium execs java: the pid measured is the JVM's.
        return new Server(name, p, port, data);
    }

    static void waitReady(Server s, Duration timeout) throws Exception {
        String path = s.name().equals("victoria-metrics") ? "/health" : "/-/ready";
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!s.process().isAlive()) {
                throw new IllegalStateException(s.name() + " exited; see its log in the work folder");
            }
            try {
                if (get(s, path).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(s.name() + " not ready within " + timeout);
    }

    // ---- measuring ------------------------------------------------------------------------

    /**
     * The window's CPU by thread group (digits in names folded, so "C2 CompilerThread0" and "1" are
     * one group): where a JVM's CPU goes beside the samples (JIT, GC, timers).
     */
    static void printThreads(Server s, Map<String, Long> before, Map<String, Long> after, Duration window) {
        Map<String, Long> groups = Proc.threadGroupTicks(before, after);
        long all = groups.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf(Locale.ROOT, "%s: CPU by thread in the window (threads alive at its end), %.2f s in all:%n", s.name(),
                all / Proc.CLOCK_TICKS);
        groups.entrySet().stream().limit(15).forEach(e ->
                System.out.printf(Locale.ROOT, "  %-24s %6.2f s %5.1f%% (%.2f ms per second)%n", e.getKey(), e.getValue() / Proc.CLOCK_TICKS,
                        100.0 * e.getValue() / Math.max(1, all), e.getValue() * 10.0 / window.toSeconds()));
    }

    /** Samples ingested so far, from the server's own counters. */
    static double samples(Server s) throws Exception {
        return metric(s, s.name().equals("victoria-metrics") ? "vm_rows_added_to_storage_total" : "prometheus_tsdb_head_samples_appended_total");
    }

    /** The sum of a metric's series on the server's own /metrics page (0 when it has none). */
    static double metric(Server s, String name) throws Exception {
        String metrics = get(s, "/metrics").body();
        double sum = 0;
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*})? (\\S+)$").matcher(metrics);
        while (m.find()) {
            sum += Double.parseDouble(m.group(2));
        }
        return sum;
    }

    static double query1(Server s, String query) throws Exception {
        String body = get(s, "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)).body();
        Matcher m = Pattern.compile("\"value\":\\[[^,]+,\"([^\"]+)\"]").matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    static double medianQueryMillis(Server s, String query, int repeats) throws Exception {
        String path = path(query);
        for (int i = 0; i < 3; i++) {
            get(s, path); // warm
        }
        double[] ms = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = get(s, path);
            ms[i] = (System.nanoTime() - t0) / 1e6;
            if (r.statusCode() != 200) {
                return Double.NaN;
            }
        }
        Arrays.sort(ms);
        return ms[repeats / 2];
    }

    /**
     * One query of a set: its first requests' median into {@code cold} (left out when null), then
     * warmed up and measured warm, its median latency into {@code warm} and its server CPU per
     * request into {@code cpu}.
     */
    static void measure(Server s, String query, int repeats, Map<String, Double> cold, Map<String, Double> warm,
                        Map<String, Double> cpu) throws Exception {
        if (cold != null) {
            cold.put(query, medianQueryMillis(s, query, repeats));
        }
        warmUp(s, query);
        Warm w = warm(s, query, repeats);
        warm.put(query, w.medianMillis());
        cpu.put(query, w.cpuMicros());
    }

    /** Repeats a query until 3,000 were answered or 10 s passed. */
    static void warmUp(Server s, String query) throws Exception {
        String path = path(query);
        long t0 = System.nanoTime();
        for (int n = 0; n < 3000 && System.nanoTime() - t0 < 10_000_000_000L; n++) {
            get(s, path);
        }
    }

    /** A warm query's figures: the median latency of its measured requests and the server's CPU per request. */
    record Warm(double medianMillis, double cpuMicros) {
    }

    /** Rounds of requests then idle, and how long each stretch of requests lasts (at least one request). */
    static final int WARM_ROUNDS = 3;
    static final long WARM_BUSY_NANOS = 1_500_000_000L;

    /**
     * A warm query measured the same way on every server: {@value #WARM_ROUNDS} rounds, each a
     * stretch of back-to-back requests of at least 1.5 s (at least one request) followed by an
     * idle stretch as long. The server's CPU (/proc, utime + stime) over the idle stretches is
     * what it spends meanwhile without requests (scraping, compaction, GC of ingestion); scaled
     * to the busy stretches' length and taken off their CPU, the rest is the requests', divided
     * by their number. A baseline taken beside the requests follows ingestion as it is at that
     * moment; thousands of small requests per query make /proc's 10 ms ticks negligible. The
     * latency is the median over every timed request: the {@code repeats} first ones, then those
     * of the busy stretches.
     */
    static Warm warm(Server s, String query, int repeats) throws Exception {
        String path = path(query);
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = get(s, path);
            ms.add((System.nanoTime() - t0) / 1e6);
            if (r.statusCode() != 200) {
                return new Warm(Double.NaN, Double.NaN);
            }
        }
        long pid = s.process().pid();
        double busyCpu = 0;
        double idleCpu = 0;
        long busyNanos = 0;
        long idleNanos = 0;
        int requests = 0;
        for (int round = 0; round < WARM_ROUNDS; round++) {
            double cpu0 = Proc.cpuSeconds(pid);
            long t0 = System.nanoTime();
            long t;
            do {
                long r0 = System.nanoTime();
                get(s, path);
                t = System.nanoTime();
                ms.add((t - r0) / 1e6);
                requests++;
            } while (t - t0 < WARM_BUSY_NANOS);
            double cpu1 = Proc.cpuSeconds(pid);
            busyCpu += cpu1 - cpu0;
            busyNanos += t - t0;
            Thread.sleep((t - t0) / 1_000_000);
            idleCpu += Proc.cpuSeconds(pid) - cpu1;
            idleNanos += System.nanoTime() - t;
        }
        double used = busyCpu - idleCpu * busyNanos / idleNanos;
        double[] sorted = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Warm(sorted[sorted.length / 2], Math.max(0, used) / requests * 1e6);
    }

    /** The request of a query-set entry: an instant query, or a path as is (its {@code {now}} and {@code {now-1h}} filled in). */
    static String path(String entry) {
        if (!entry.startsWith("/")) {
            return "/api/v1/query?query=" + URLEncoder.encode(entry, StandardCharsets.UTF_8);
        }
        long now = System.currentTimeMillis() / 1000;
        return entry.replace("{now-1h}", Long.toString(now - 3600)).replace("{now}", Long.toString(now));
    }

    static HttpResponse<String> get(Server s, String path) throws Exception {
        return get(s, path, Duration.ofSeconds(60));
    }

    static HttpResponse<String> get(Server s, String path, Duration timeout) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path)).timeout(timeout).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    // ---- output ---------------------------------------------------------------------------

    static void print(Map<String, Figures> figures) {
        List<String> names = new ArrayList<>(figures.keySet());
        StringBuilder sb = new StringBuilder("\n| measure |");
        names.forEach(n -> sb.append(' ').append(n).append(" |"));
        boolean ratios = figures.containsKey("promethium");
        List<String> others = names.stream().filter(n -> !n.equals("promethium")).toList();
        if (ratios) {
            others.forEach(n -> sb.append(" promethium / ").append(n).append(" |"));
        }
        sb.append("\n|---|").append("---|".repeat(names.size() + (ratios ? others.size() : 0))).append('\n');
        row(sb, figures, names, others, ratios, "CPU per sample (µs)", f -> f.samples() > 0 ? f.cpuSeconds() / f.samples() * 1e6 : Double.NaN, "%.2f");
        row(sb, figures, names, others, ratios, "samples in window", Figures::samples, "%.0f");
        row(sb, figures, names, others, ratios, "series", Figures::series, "%.0f");
        row(sb, figures, names, others, ratios, "peak RSS per series, ingesting (B)", f -> f.series() > 0 ? f.peakRssBytes() / f.series() : Double.NaN, "%.0f");
        row(sb, figures, names, others, ratios, "peak RSS per series after the queries (B)",
                f -> f.series() > 0 ? f.peakRssAfterQueries() / f.series() : Double.NaN, "%.0f");
        row(sb, figures, names, others, ratios, "WAL (MB)", f -> f.walBytes() < 0 ? Double.NaN : f.walBytes() / 1e6, "%.1f");
        row(sb, figures, names, others, ratios, "WAL bytes per sample appended", Figures::walBytesPerSample, "%.2f");
        row(sb, figures, names, others, ratios, "WAL replay to ready (s)", Figures::replaySeconds, "%.2f");
        for (String q : QUERIES) {
            row(sb, figures, names, others, ratios, "`" + q + "` (ms, median, first requests)", f -> f.coldQueryMillis().getOrDefault(q, Double.NaN), "%.2f");
        }
        for (String q : QUERIES) {
            row(sb, figures, names, others, ratios, "`" + q + "` (ms, median, warm)", f -> f.queryMillis().getOrDefault(q, Double.NaN), "%.2f");
        }
        for (String q : QUERIES) {
            row(sb, figures, names, others, ratios, "`" + q + "` (server CPU µs per query)", f -> f.queryCpuMicros().getOrDefault(q, Double.NaN), "%.0f");
        }
        System.out.println(sb);
        if (ratios) {
            System.out.println(verdicts(figures));
        }
    }

    /** A target: promethium's figure over another server's, at most {@code limit}. */
    record Target(String label, String against, double limit, Measure measure) {
    }

    /**
     * The targets as this harness measures them. Aggregations must be 2× faster only over
     * 100k+ series: of the query set, only {@code count({__name__=~"node_.+"})} reads every series;
     * the others read a few series per target and must be no slower. First requests are printed in
     * the table but are no target: a dashboard meets a server that has been answering for a while.
     */
    static List<Target> targets(Map<String, Figures> figures) {
        double series = figures.get("promethium").series();
        List<Target> t = new ArrayList<>();
        t.add(new Target("CPU per sample", "prometheus", 0.5, f -> f.samples() > 0 ? f.cpuSeconds() / f.samples() : Double.NaN));
        t.add(new Target("peak RSS per series, ingesting", "victoria-metrics", 1, f -> f.peakRssBytes() / f.series()));
        t.add(new Target("WAL bytes per sample", "prometheus", 1, Figures::walBytesPerSample));
        t.add(new Target("WAL replay to ready", "prometheus", 1, Figures::replaySeconds));
        for (String q : QUERIES) {
            boolean big = q.equals(EVERY_SERIES) && series >= 100_000;
            t.add(new Target("`" + q + "` warm", "prometheus", big ? 0.5 : 1, f -> f.queryMillis().getOrDefault(q, Double.NaN)));
        }
        return t;
    }

    static String verdicts(Map<String, Figures> figures) {
        StringBuilder sb = new StringBuilder("targets (promethium / other ≤ limit):\n");
        int met = 0;
        int judged = 0;
        for (Target t : targets(figures)) {
            Figures other = figures.get(t.against());
            if (other == null) {
                sb.append(String.format(Locale.ROOT, "  -  %s: %s not measured%n", t.label(), t.against()));
                continue;
            }
            double r = t.measure().of(figures.get("promethium")) / t.measure().of(other);
            boolean ok = r <= t.limit();
            judged++;
            met += ok ? 1 : 0;
            sb.append(String.format(Locale.ROOT, "  %s %s: %s vs %s, limit %.1f×%n", ok ? "✓" : "✗", t.label(),
                    Double.isFinite(r) ? String.format(Locale.ROOT, "%.2f×", r) : "—", t.against(), t.limit()));
        }
        sb.append(String.format(Locale.ROOT, "%d of %d targets met%s", met, judged,
                figures.size() < 3 ? " (run all three servers to judge every target)" : ""));
        return sb.toString();
    }

    interface Measure {
        double of(Figures f);
    }

    static void row(StringBuilder sb, Map<String, Figures> figures, List<String> names, List<String> others, boolean ratios,
                    String label, Measure measure, String format) {
        sb.append("| ").append(label).append(" |");
        for (String n : names) {
            double v = measure.of(figures.get(n));
            sb.append(' ').append(Double.isNaN(v) ? "—" : String.format(Locale.ROOT, format, v)).append(" |");
        }
        if (ratios) {
            double ours = measure.of(figures.get("promethium"));
            for (String n : others) {
                double theirs = measure.of(figures.get(n));
                double r = ours / theirs;
                sb.append(' ').append(Double.isNaN(r) || Double.isInfinite(r) ? "—" : String.format(Locale.ROOT, "%.2f×", r)).append(" |");
            }
        }
        sb.append('\n');
    }

    // ---- plumbing -------------------------------------------------------------------------

    static Options parse(String[] args) {
        Map<String, String> a = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("arguments are --name=value, got " + arg);
            }
            a.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        boolean marginalGiven = a.containsKey("marginal-targets");
        boolean capacityGiven = a.containsKey("hold") || a.containsKey("capacity-max");
        Options o = new Options(Path.of(required(a, "home")), Integer.parseInt(a.getOrDefault("targets", "20")),
                seconds(a.getOrDefault("interval", "10")), seconds(a.getOrDefault("warmup", "30")),
                seconds(a.getOrDefault("window", "60")), Integer.parseInt(a.getOrDefault("query-repeats", "21")),
                List.of(a.getOrDefault("servers", "prometheus,victoria-metrics,promethium").split(",")),
                Path.of(a.getOrDefault("work", "/tmp/promethium-side-by-side")),
                Boolean.parseBoolean(a.getOrDefault("ingest-only", "false")), Boolean.parseBoolean(a.getOrDefault("threads", "false")),
                Integer.parseInt(a.getOrDefault("series", "0")), a.containsKey("churn") ? Churn.parse(a.get("churn")) : null,
                a.containsKey("head-block") ? duration(a.get("head-block")) : null, Integer.parseInt(a.getOrDefault("marginal-targets", "20")),
                Long.parseLong(a.getOrDefault("capacity", "0")), duration(a.getOrDefault("hold", "60")),
                Long.parseLong(a.getOrDefault("capacity-max", "0")));
        a.keySet().removeAll(List.of("home", "targets", "interval", "warmup", "window", "query-repeats", "servers", "work", "ingest-only",
                "threads", "series", "churn", "head-block", "marginal-targets", "capacity", "hold", "capacity-max"));
        if (!a.isEmpty()) {
            throw new IllegalArgumentException("unknown arguments " + a.keySet());
        }
        if (o.targets() < 1 || o.series() < 0 || o.marginalTargets() < 2) {
            throw new IllegalArgumentException("--targets ≥ 1, --series ≥ 0 and --marginal-targets ≥ 2, got " + args.length + " arguments: "
                    + String.join(" ", args));
        }
        if (o.targets() == 1 && (o.churn() != null || o.threads())) {
            throw new IllegalArgumentException("--targets=1 measures the fixed and the marginal cost: --churn and --threads do not apply");
        }
        if (o.churn() != null && (o.ingestOnly() || o.threads())) {
            throw new IllegalArgumentException("--churn has its own figures: --ingest-only and --threads do not apply");
        }
        if (o.capacity() < 0 || (o.capacity() > 0 && (o.churn() != null || o.targets() == 1 || o.ingestOnly() || o.threads()))) {
            throw new IllegalArgumentException("--capacity=STEP (series per step, above 0) ramps each server alone: --churn, --targets=1, "
                    + "--ingest-only and --threads do not apply");
        }
        if (o.capacity() == 0 && capacityGiven) {
            throw new IllegalArgumentException("--hold and --capacity-max apply with --capacity only");
        }
        if (o.targets() != 1 && marginalGiven) {
            throw new IllegalArgumentException("--marginal-targets applies with --targets=1 only");
        }
        return o;
    }

    static String required(Map<String, String> a, String name) {
        String v = a.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + "= is required");
        }
        return v;
    }

    static Duration seconds(String s) {
        return Duration.ofSeconds(Long.parseLong(s.replaceFirst("s$", "")));
    }

    /** A duration as seconds ({@code 60}, {@code 60s}) or minutes ({@code 2m}). */
    static Duration duration(String s) {
        Duration d = s.endsWith("m") ? Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1))) : seconds(s);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("a duration above zero, got " + s);
        }
        return d;
    }

    static String binary(String... names) {
        for (String name : names) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p.toString();
                }
            }
        }
        throw new IllegalStateException(String.join(" or ", names) + " is not installed (distribution/dev/install-peers installs it)");
    }

    static boolean installed(String... names) {
        try {
            binary(names);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    static void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

}
