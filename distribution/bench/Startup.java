import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Start-up benchmark, in one run so the ratios are fair on a shared machine: {@code promtool
 * check config} against {@code bin/promethium check config} on the same typical file, and
 * Prometheus against Promethium from process start to {@code /-/ready} answering 200, first on an
 * empty data folder, then on one holding a WAL to replay. Prints the median of N runs of each
 * (runs interleaved, so a burst of load hits both), the CPU the runs used, and the load average.
 * Loopback only; bounded in count and time.
 *
 * <p>Run through {@code distribution/bench/startup}, which builds the tarball and finds a JDK;
 * this file is a single-file Java program with no dependencies.
 */
public final class Startup {

    record Options(Path home, int runs, int series, Duration fill, Path work, boolean replay, Duration idle, boolean shippedPlugins) {
    }

    /** A command's runs: wall-clock and CPU (user + system) seconds of each. */
    record Runs(List<Double> wall, List<Double> cpu) {
        Runs() {
            this(new ArrayList<>(), new ArrayList<>());
        }

        void add(double[] wallAndCpu) {
            wall.add(wallAndCpu[0]);
            cpu.add(wallAndCpu[1]);
        }

        String summary() {
            return String.format(Locale.ROOT, "%6.3f s  (min %.3f, max %.3f; CPU %.3f s)", median(wall), min(wall), max(wall), median(cpu));
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

    public static void main(String[] args) throws Exception {
        Options o = parse(args);
        Files.createDirectories(o.work());
        Path config = writeFiles(o.work());
        System.out.printf(Locale.ROOT, "startup: %d runs each, work folder %s, Promethium's plugin folder %s%n", o.runs(), o.work(),
                o.shippedPlugins() ? "as shipped (" + o.home().resolve("plugins") + ")" : "empty");
        System.out.printf(Locale.ROOT, "load average (1, 5, 15 min) at the start: %s (%d cores)%n", Proc.loadAverage(),
                Runtime.getRuntime().availableProcessors());
        Map<String, Runs> results = new LinkedHashMap<>();

        // The tools: one warm-up run each (the page cache, and a first-run CDS archive if any).
        List<String> promtool = List.of("promtool", "check", "config", config.toString());
        List<String> promethium = List.of(o.home().resolve("bin/promethium").toString(), "check", "config", config.toString());
        tool(promtool, o.work());
        tool(promethium, o.work());
        Runs promtoolRuns = results.computeIfAbsent("promtool check config", k -> new Runs());
        Runs promethiumRuns = results.computeIfAbsent("bin/promethium check config", k -> new Runs());
        for (int i = 0; i < o.runs(); i++) {
            timeTool(promtool, o.work(), promtoolRuns);
            timeTool(promethium, o.work(), promethiumRuns);
        }

        // The servers on an empty data folder: a fresh folder for every run.
        Runs prometheusEmpty = results.computeIfAbsent("prometheus start -> ready (empty data)", k -> new Runs());
        Runs victoriaEmpty = results.computeIfAbsent("victoria-metrics start -> ready (empty data)", k -> new Runs());
        Runs promethiumEmpty = results.computeIfAbsent("promethium start -> ready (empty data)", k -> new Runs());
        startOnce("promethium", o, config, o.work().resolve("warm-up")); // warm-up: page cache
        startOnce("victoria-metrics", o, config, o.work().resolve("warm-up-vm"));
        for (int i = 0; i < o.runs(); i++) {
            prometheusEmpty.add(startOnce("prometheus", o, config, o.work().resolve("prometheus-empty-" + i)));
            victoriaEmpty.add(startOnce("victoria-metrics", o, config, o.work().resolve("victoria-metrics-empty-" + i)));
            promethiumEmpty.add(startOnce("promethium", o, config, o.work().resolve("promethium-empty-" + i)));
        }

        Idle idle = o.idle().isZero() ? null : idle(o);

        if (o.replay()) {
            // The same WAL content for both: each scrapes the same generated targets for the same
            // time, then stops; every restart replays it (the targets are gone by then).
            var targets = startTargets(o.series());
            Path fillConfig = o.work().resolve("fill.yml");
            Files.writeString(fillConfig, fillConfig(targets));
            Path prometheusData = o.work().resolve("prometheus-wal");
            Path promethiumData = o.work().resolve("promethium-wal");
            Process p1 = start("prometheus", o, fillConfig, prometheusData);
            Process p2 = start("promethium", o, fillConfig, promethiumData);
            try {
                waitReady(p1, portOf(prometheusData));
                waitReady(p2, portOf(promethiumData));
                Thread.sleep(o.fill().toMillis());
            } finally {
                stop(p1);
                stop(p2);
                targets.forEach(t -> t.stop(0));
            }
            System.out.printf(Locale.ROOT, "WAL to replay: prometheus %.1f MB, promethium %.1f MB (%d series scraped every second for %s)%n",
                    Proc.size(prometheusData.resolve("wal")) / 1e6, Proc.size(promethiumData.resolve("wal")) / 1e6, o.series(), o.fill());
            Runs prometheusWal = results.computeIfAbsent("prometheus start -> ready (WAL replay)", k -> new Runs());
            Runs promethiumWal = results.computeIfAbsent("promethium start -> ready (WAL replay)", k -> new Runs());
            for (int i = 0; i < o.runs(); i++) {
                prometheusWal.add(startOnce("prometheus", o, config, prometheusData));
                promethiumWal.add(startOnce("promethium", o, config, promethiumData));
            }
        }

        System.out.println();
        System.out.printf(Locale.ROOT, "%-46s %s%n", "median of " + o.runs() + " runs", "wall-clock");
        results.forEach((name, runs) -> System.out.printf(Locale.ROOT, "%-46s %s%n", name, runs.summary()));
        System.out.printf(Locale.ROOT, "%nratio check config (promethium / promtool): %.1f×%n",
                median(promethiumRuns.wall()) / median(promtoolRuns.wall()));
        System.out.printf(Locale.ROOT, "ratio start -> ready, empty (promethium / prometheus): %.1f×, (promethium / victoria-metrics): %.1f×%n",
                median(promethiumEmpty.wall()) / median(prometheusEmpty.wall()), median(promethiumEmpty.wall()) / median(victoriaEmpty.wall()));
        if (o.replay()) {
            System.out.printf(Locale.ROOT, "ratio start -> ready, WAL replay (promethium / prometheus): %.1f×%n",
                    median(results.get("promethium start -> ready (WAL replay)").wall())
                            / median(results.get("prometheus start -> ready (WAL replay)").wall()));
        }
        if (idle != null) {
            System.out.printf(Locale.ROOT, "%nidle, %d s after ready then %d s measured (no targets, no rules, empty data folder):%n",
                    IDLE_SETTLE.toSeconds(), o.idle().toSeconds());
            System.out.printf(Locale.ROOT, "  prometheus %.1f ms of CPU a second, RSS %.0f MB%n", idle.prometheus().cpuMillisPerSecond(),
                    idle.prometheus().rssMb());
            System.out.printf(Locale.ROOT, "  victoria-metrics %.1f ms of CPU a second, RSS %.0f MB%n", idle.victoriaMetrics().cpuMillisPerSecond(),
                    idle.victoriaMetrics().rssMb());
            System.out.printf(Locale.ROOT, "  promethium %.1f ms of CPU a second, RSS %.0f MB; busiest threads (ms/s): %s%n",
                    idle.promethium().cpuMillisPerSecond(), idle.promethium().rssMb(), idle.promethiumThreads());
        }
        System.out.printf(Locale.ROOT, "load average at the end: %s%n", Proc.loadAverage());
    }

    /** After ready, the start's own work (JIT, class loading) dies down for this long before the idle window. */
    static final Duration IDLE_SETTLE = Duration.ofSeconds(40);

    /** One server's idle figures. */
    record IdleServer(double cpuMillisPerSecond, double rssMb) {
    }

    record Idle(IdleServer prometheus, IdleServer victoriaMetrics, IdleServer promethium, String promethiumThreads) {
    }

    /**
     * The three servers started side by side on fresh folders (Prometheus and Promethium with a config
     * of no targets and no rules), and left alone: the CPU each takes a second over the window (its timers, its runtime's threads) and
     * its RSS at the end. Promethium's busiest threads are named, as what an idle server spends its
     * CPU on is the point.
     */
    static Idle idle(Options o) throws Exception {
        Path config = Files.writeString(o.work().resolve("idle.yml"), "global:\n  scrape_interval: 15s\n");
        List<String> names = List.of("prometheus", "victoria-metrics", "promethium");
        List<Path> data = names.stream().map(n -> o.work().resolve(n + "-idle")).toList();
        List<Process> processes = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < names.size(); i++) {
                processes.add(start(names.get(i), o, config, data.get(i)));
            }
            for (int i = 0; i < names.size(); i++) {
                waitReady(processes.get(i), portOf(data.get(i)));
            }
            Thread.sleep(IDLE_SETTLE.toMillis());
            double[] cpu0 = new double[names.size()];
            for (int i = 0; i < names.size(); i++) {
                cpu0[i] = Proc.cpuSeconds(processes.get(i).pid());
            }
            long promethiumPid = processes.get(2).pid();
            Map<String, Long> threads0 = Proc.threadTicks(promethiumPid);
            long t0 = System.nanoTime();
            Thread.sleep(o.idle().toMillis());
            double seconds = (System.nanoTime() - t0) / 1e9;
            IdleServer[] idle = new IdleServer[names.size()];
            for (int i = 0; i < names.size(); i++) {
                long pid = processes.get(i).pid();
                idle[i] = new IdleServer(1000 * (Proc.cpuSeconds(pid) - cpu0[i]) / seconds, Proc.rssBytes(pid) / 1e6);
            }
            Map<String, Long> threads1 = Proc.threadTicks(promethiumPid);
            StringBuilder busiest = new StringBuilder();
            Proc.threadGroupTicks(threads0, threads1).entrySet().stream().limit(6)
                    .forEach(e -> busiest.append(busiest.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%s %.1f",
                            e.getKey(), 1000.0 * e.getValue() / Proc.CLOCK_TICKS / seconds)));
            return new Idle(idle[0], idle[1], idle[2], busiest.isEmpty() ? "none" : busiest.toString());
        } finally {
            for (Process p : processes) {
                stop(p);
            }
        }
    }

    // ---- the tools ------------------------------------------------------------------------

    static void timeTool(List<String> command, Path work, Runs runs) throws Exception {
        double cpu0 = Proc.childrenCpuSeconds();
        long t0 = System.nanoTime();
        tool(command, work);
        runs.wall().add((System.nanoTime() - t0) / 1e9);
        runs.cpu().add(Proc.childrenCpuSeconds() - cpu0);
    }

    static void tool(List<String> command, Path work) throws Exception {
        Path log = work.resolve("tool.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new IllegalStateException(command + " did not finish within 60 s");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(command + " failed (exit " + p.exitValue() + "):\n" + Files.readString(log));
        }
    }

    // ---- the servers ----------------------------------------------------------------------

    /** Starts a server on the data folder, times it to ready, stops it (SIGTERM); wall and CPU seconds. */
    static double[] startOnce(String name, Options o, Path config, Path data) throws Exception {
        long t0 = System.nanoTime();
        Process p = start(name, o, config, data);
        try {
            waitReady(p, portOf(data));
            double wall = (System.nanoTime() - t0) / 1e9;
            return new double[] {wall, Proc.cpuSeconds(p.pid())};
        } finally {
            stop(p);
        }
    }

    static Process start(String name, Options o, Path config, Path data) throws IOException {
        Files.createDirectories(data);
        int port = Proc.freePort();
        Files.writeString(data.resolveSibling(data.getFileName() + ".port"), Integer.toString(port));
        List<String> command = switch (name) {
            case "prometheus" -> List.of("prometheus", "--config.file=" + config, "--storage.tsdb.path=" + data,
                    "--web.listen-address=127.0.0.1:" + port);
            // No scraping for VictoriaMetrics (its -promscrape.config would take the file): the start of the store alone.
            case "victoria-metrics" -> List.of(SideBySide.binary("victoria-metrics", "victoria-metrics-prod"), "-storageDataPath=" + data,
                    "-httpListenAddr=127.0.0.1:" + port);
            case "promethium" -> List.of(o.home().resolve("bin/promethium").toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + data, "--web.listen-address=127.0.0.1:" + port,
                    "--alertmanager.storage.path=" + data.resolveSibling(data.getFileName() + "-am"),
                    "--plugins.dir=" + (o.shippedPlugins() ? o.home().resolve("plugins") : o.work().resolve("promethium-plugins")));
            default -> throw new IllegalArgumentException("unknown server " + name);
        };
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(o.work().resolve(name + ".log").toFile())).start();
    }

    static int portOf(Path data) throws IOException {
        return Integer.parseInt(Files.readString(data.resolveSibling(data.getFileName() + ".port")).trim());
    }

    /** Polls /-/ready every 10 ms until it answers 200. */
    static void waitReady(Process p, int port) throws Exception {
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready")).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException(p.info().command().orElse("server") + " exited before ready; see its log in the work folder");
            }
            try {
                if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("not ready within " + READY_TIMEOUT);
    }

    static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
    }

    // ---- the files ------------------------------------------------------------------------

    /** A typical config: static and file targets, relabelling, a rule file, an Alertmanager. */
    static Path writeFiles(Path work) throws IOException {
        Files.writeString(work.resolve("targets.json"), "[{\"targets\": [\"127.0.0.1:9100\"], \"labels\": {\"env\": \"bench\"}}]\n");
        Files.writeString(work.resolve("rules.yml"), """
                groups:
                  - name: node
                    rules:
                      - record: instance:node_cpu:rate5m
                        expr: sum by (instance) (rate(node_cpu_seconds_total{mode!="idle"}[5m]))
                      - alert: InstanceDown
                        expr: up == 0
                        for: 5m
                        labels: {severity: page}
                        annotations: {summary: '{{ $labels.instance }} of {{ $labels.job }} is down'}
                """);
        Path config = work.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 15s
                  evaluation_interval: 15s
                  external_labels: {region: eu}
                rule_files: [rules.yml]
                alerting:
                  alertmanagers: [{static_configs: [{targets: ['127.0.0.1:9093']}]}]
                scrape_configs:
                  - job_name: node
                    static_configs: [{targets: ['127.0.0.1:9100']}]
                    relabel_configs:
                      - {source_labels: [__address__], regex: '([^:]+):.*', target_label: host}
                  - job_name: files
                    file_sd_configs: [{files: [targets.json]}]
                    metric_relabel_configs:
                      - {source_labels: [__name__], regex: 'go_.*', action: drop}
                """);
        return config;
    }

    static String fillConfig(List<com.sun.net.httpserver.HttpServer> targets) {
        StringBuilder sb = new StringBuilder("global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: fill\n    static_configs:\n      - targets:\n");
        for (var t : targets) {
            sb.append("          - 127.0.0.1:").append(t.getAddress().getPort()).append('\n');
        }
        return sb.toString();
    }

    /** Ten loopback targets serving {@code series / 10} gauges each, whose values change at every scrape. */
    static List<com.sun.net.httpserver.HttpServer> startTargets(int series) throws IOException {
        List<com.sun.net.httpserver.HttpServer> servers = new ArrayList<>();
        int perTarget = Math.max(1, series / 10);
        for (int t = 0; t < 10; t++) {
            var server = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
            server.createContext("/metrics", exchange -> {
                StringBuilder sb = new StringBuilder(perTarget * 48);
                long now = System.currentTimeMillis();
                sb.append("# TYPE bench_value gauge\n");
                for (int i = 0; i < perTarget; i++) {
                    sb.append("bench_value{series=\"").append(i).append("\"} ").append((now / 1000 + i) % 1000).append('\n');
                }
                byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            servers.add(server);
        }
        return servers;
    }

    // ---- measuring ------------------------------------------------------------------------

    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length == 0 ? Double.NaN : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    static Options parse(String[] args) {
        Path home = null;
        int runs = 5;
        int series = 20_000;
        Duration fill = Duration.ofSeconds(30);
        Path work = null;
        boolean replay = true;
        Duration idle = Duration.ofSeconds(60);
        boolean shippedPlugins = false;
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            String value = kv.length > 1 ? kv[1] : "";
            switch (kv[0]) {
                case "--home" -> home = Path.of(value);
                case "--runs" -> runs = Math.max(1, Math.min(50, Integer.parseInt(value)));
                case "--series" -> series = Math.max(10, Math.min(500_000, Integer.parseInt(value)));
                case "--fill" -> fill = Duration.ofSeconds(Math.max(1, Math.min(600, Long.parseLong(value.replace("s", "")))));
                case "--work" -> work = Path.of(value);
                case "--no-replay" -> replay = false;
                case "--shipped-plugins" -> shippedPlugins = true;
                case "--idle" -> idle = Duration.ofSeconds(Math.max(0, Math.min(600, Long.parseLong(value.replace("s", "")))));
                default -> throw new IllegalArgumentException("unknown argument " + arg
                        + " (--home=DIR --runs=N --series=N --fill=SECONDS --work=DIR --no-replay --idle=SECONDS --shipped-plugins)");
            }
        }
        if (home == null || work == null) {
            throw new IllegalArgumentException("--home and --work are required");
        }
        return new Options(home, runs, series, fill, work, replay, idle, shippedPlugins);
    }

    private Startup() {
    }
}
