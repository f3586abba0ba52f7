import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak: the tarball's server runs everything at once for a set time, and what it holds is
 * sampled from outside to show whether it stays flat. Together: scraping of loopback targets
 * served from memory whose series churn (a share of them change a {@code pod} label once per churn
 * period, staggered so the churn is continuous), recording and alerting rules (one alert flapping
 * every 5 minutes) routed by the in-process Alertmanager to a loopback webhook, remote write to
 * the real VictoriaMetrics, pushes to the push endpoint (groups replaced and deleted), and
 * queries (instant, range, series, labels). Small blocks (5 m) and a short retention (20 m) make
 * the head cut, the planner's merges and block deletion happen many times in the run.
 *
 * <p>Sampled every {@code --sample} seconds: RSS, threads and open file descriptors (/proc, through
 * {@code Proc}), the heap after GC (the least heap a mixed or full collection left in the interval,
 * from the server's own {@code -Xlog:gc} file: after a young collection the heap still holds the old
 * generation's garbage; an interval without such a collection has no figure) and the heap committed, direct memory (the {@code Other} category of native memory
 * tracking, where the JDK counts {@code ByteBuffer.allocateDirect}, read with the runtime's
 * {@code jcmd}), and the log scanned for {@code level=ERROR} lines and JVM errors. At the end: over
 * the last 2/3 of the run (the last 40 minutes of an hour) RSS must stay flat within 10% (the
 * mean of the window's last quarter against that of its first quarter: RSS swings by a factor of
 * two with each head cut, a quarter of an hour's window holds two whole 5-minute cycles, and the
 * median of a quarter's samples falls in either half of the swing), the live heap too (a
 * full collection asked for through {@code jcmd GC.class_histogram} every 5 minutes of the window
 * and at its end, the only ones the soak forces, with the query and push loops held between two
 * requests meanwhile (a range query in flight held hundreds of MB that a reading counted as live;
 * each reading's largest classes are kept in the work folder as {@code live-heap-MM.txt}): G1 marks
 * the old generation seldom in a large heap, so the heap after its own collections says little of the live data; the largest reading
 * of the window's last quarter against the largest of its first, since one reading falls anywhere
 * in the head's cycle of cuts and churn, which moves the live data by a third), and
 * threads, file descriptors and direct memory must not grow (the last quarter's largest at most
 * 5% + 2 over the first quarter's largest); no error in the log, no failed query, push or remote
 * write sample. Native memory tracking costs the server a little CPU and memory; every run
 * measures with it on, so runs compare.
 *
 * <p>Run through {@code distribution/bench/soak}; loopback only, bounded by {@code --minutes}.
 */
public final class Soak {

    record Options(Path home, Path work, int minutes, int series, int seriesPerTarget, int interval, double churn, int churnMinutes,
                   int sampleSeconds, String block, String retention) {
    }

    /** One sample of the server from outside. */
    record Sample(double minute, double rssMb, double heapAfterGcMb, double heapCommittedMb, double threads, double fds, double directMb, double headSeries,
                  double rwPending, double rwLagSeconds, long logErrors) {
    }

    /** How often the soak forces a full collection in the window to read the live heap. */
    static final int LIVE_EVERY_MINUTES = 5;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /**
     * A pause that collects the old generation too, with the heap before, after and committed, e.g.
     * {@code Pause Young (Mixed) (G1 Evacuation Pause) 120M->41M(200M)} or {@code Pause Full (...) 1217M->91M(136M)}.
     * After a young pause the heap still holds the old generation's garbage, as much as G1 lets
     * build up before it marks, so only these tell the live data.
     */
    private static final Pattern GC_PAUSE = Pattern.compile("Pause (?:Young \\(Mixed\\)|Full)[^>]*? (\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");
    /** Any pause's committed heap (the figure in brackets). */
    private static final Pattern GC_COMMITTED = Pattern.compile("Pause .*?->\\d+[KMG]\\((\\d+)([KMG])\\)");
    private static final Pattern NMT_OTHER = Pattern.compile("Other \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");
    private static final List<String> QUERIES = List.of(
            "/api/v1/query?query=" + enc("sum(rate(soak_requests_total[1m]))"),
            "/api/v1/query?query=" + enc("topk(5, instance:soak_requests:rate1m)"),
            "/api/v1/query?query=" + enc("job:soak_requests:rate1m"),
            "/api/v1/query?query=" + enc("sum(instance:soak_series:count)"),
            "/api/v1/query?query=" + enc("ALERTS"),
            "/api/v1/query?query=" + enc("sum by (instance) (soak_pushed_total)"),
            "/api/v1/query_range?query=" + enc("sum by (instance) (rate(soak_requests_total[1m]))") + "&start={now-10m}&end={now}&step=15",
            "/api/v1/query_range?query=" + enc("job:soak_requests:rate1m") + "&start={now-1h}&end={now}&step=15",
            "/api/v1/series?match%5B%5D=" + enc("soak_requests_total{series=\"7\"}") + "&start={now-10m}&end={now}",
            "/api/v1/labels",
            "/api/v1/label/pod/values",
            "/api/v1/alerts");

    public static void main(String[] args) throws Exception {
        Options o = parse(args);
        Files.createDirectories(o.work());
        int targetCount = Math.max(1, o.series() / o.seriesPerTarget());
        System.out.printf(Locale.ROOT, "soak: %d series (%d targets × %d), %d min, scrape every %d s, churn %.0f%% of the series every %d min,"
                        + " blocks %s, retention %s; work folder %s%n", targetCount * o.seriesPerTarget(), targetCount, o.seriesPerTarget(),
                o.minutes(), o.interval(), o.churn() * 100, o.churnMinutes(), o.block(), o.retention(), o.work());
        AtomicLong notifications = new AtomicLong();
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        hook.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            notifications.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        hook.start();
        List<HttpServer> targets = Targets.serve(targetCount, t -> page(o, t, System.currentTimeMillis()));
        Process vm = null;
        Process server = null;
        List<Thread> load = new ArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        boolean failed = false;
        try {
            int vmPort = Proc.freePort();
            vm = startVictoriaMetrics(o.work().resolve("victoria-metrics"), vmPort);
            int port = Proc.freePort();
            writeConfigs(o, targets, vmPort, hook.getAddress().getPort());
            server = startServer(o, port);
            long pid = server.pid();
            waitReady(server, "http://127.0.0.1:" + port + "/-/ready", Duration.ofMinutes(3));
            long start = System.nanoTime();
            System.out.printf(Locale.ROOT, "soak: server ready (pid %d, port %d), load average %s%n", pid, port, Proc.loadAverage());

            Counter queries = new Counter();
            Counter pushes = new Counter();
            // The loops hold the read side around each request; a live-heap reading takes the write side, so that
            // no query's or push's transient data (a range query over 500k series holds hundreds of MB) is counted as retained.
            ReadWriteLock requests = new ReentrantReadWriteLock(true);
            load.add(Thread.ofPlatform().name("queries").start(() -> queryLoop(port, running, queries, requests.readLock())));
            load.add(Thread.ofPlatform().name("pushes").start(() -> pushLoop(port, running, pushes, requests.readLock())));

            List<Sample> samples = new ArrayList<>();
            GcLog gc = new GcLog(o.work().resolve("gc.log"));
            LogScan log = new LogScan(o.work().resolve("promethium.log"));
            long end = start + TimeUnit.MINUTES.toNanos(o.minutes());
            String jcmd = o.home().resolve("runtime/bin/jcmd").toString();
            printHeader();
            double lastAppended = Double.NaN;
            long lastAt = start;
            long windowStart = start + TimeUnit.SECONDS.toNanos(o.minutes() * 20L);
            long nextLive = windowStart;
            List<double[]> live = new ArrayList<>();
            while (System.nanoTime() < end) {
                if (System.nanoTime() >= nextLive) {
                    double minute = (System.nanoTime() - start) / 60e9;
                    double mb = liveHeapMb(jcmd, pid, port, gc, requests.writeLock(), o.work().resolve(String.format(Locale.ROOT, "live-heap-%02.0f.txt", minute)));
                    live.add(new double[] {minute, mb});
                    System.out.printf(Locale.ROOT, "soak: live heap (a full collection, jcmd GC.class_histogram): %.0f MB%n", mb);
                    nextLive += TimeUnit.MINUTES.toNanos(LIVE_EVERY_MINUTES);
                }
                Thread.sleep(Math.min(TimeUnit.SECONDS.toMillis(o.sampleSeconds()), Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                if (!server.isAlive()) {
                    throw new IllegalStateException("the server exited (code " + server.exitValue() + "); see " + o.work().resolve("promethium.log"));
                }
                Map<String, Double> m = metrics(port);
                double heapAfterGc = gc.leastAfterSinceLastRead();
                Sample s = new Sample((System.nanoTime() - start) / 60e9, Proc.rssBytes(pid) / 1e6, heapAfterGc, gc.committedMb,
                        Proc.threads(pid), Proc.openFds(pid), directMemoryMb(jcmd, pid), m.getOrDefault("prometheus_tsdb_head_series", Double.NaN),
                        m.getOrDefault("prometheus_remote_storage_samples_pending", Double.NaN), remoteWriteLag(m), log.errors());
                samples.add(s);
                double appended = m.getOrDefault("prometheus_tsdb_head_samples_appended_total", Double.NaN);
                long now = System.nanoTime();
                printSample(s, (appended - lastAppended) / ((now - lastAt) / 1e9), queries, pushes, notifications.get());
                lastAppended = appended;
                lastAt = now;
            }
            live.add(new double[] {(System.nanoTime() - start) / 60e9, liveHeapMb(jcmd, pid, port, gc, requests.writeLock(),
                    o.work().resolve("live-heap-end.txt"))});
            running.set(false);
            for (Thread t : load) {
                t.join(30_000);
            }
            Map<String, Double> m = metrics(port);
            log.errors();
            boolean ok = verdict(o, samples, m, queries, pushes, notifications.get(), log, live);
            System.out.printf(Locale.ROOT, "load average at the end: %s (2 cores shared)%n", Proc.loadAverage());
            System.out.println(ok ? "soak: PASS" : "soak: FAIL");
            failed = !ok;
        } finally {
            running.set(false);
            stop(server);
            stop(vm);
            targets.forEach(t -> t.stop(0));
            hook.stop(0);
        }
        if (failed) {
            System.exit(1); // after the finally block: the server and VictoriaMetrics are stopped
        }
    }

    // ---- the load -------------------------------------------------------------------------

    /**
     * A target's page: {@code seriesPerTarget} series, a tenth of them gauges. The first
     * {@code churn} share of them carry a {@code pod} label whose generation moves once per churn
     * period, each at its own offset in the period, so some series end and others start at every
     * scrape.
     */
    static byte[] page(Options o, int target, long nowMillis) {
        int n = o.seriesPerTarget();
        int churning = (int) (n * o.churn());
        long period = TimeUnit.MINUTES.toMillis(o.churnMinutes());
        double t = nowMillis / 1000.0;
        StringBuilder sb = new StringBuilder(n * 64);
        sb.append("# TYPE soak_requests_total counter\n");
        int counters = n - n / 10;
        for (int i = 0; i < n; i++) {
            if (i == counters) {
                sb.append("# TYPE soak_queue_depth gauge\n");
            }
            long generation = i < churning ? (nowMillis + period * i / Math.max(1, churning)) / period : 0;
            sb.append(i < counters ? "soak_requests_total{series=\"" : "soak_queue_depth{series=\"").append(i)
                    .append("\",pod=\"pod-").append(target).append('-').append(generation).append("\"} ");
            sb.append(i < counters ? (long) (t * (1 + (i + target) % 7)) : (long) (50 + 40 * Math.sin(t / 60 + i))).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Successes, failures and the slowest answer of a kind of request, since the last {@link #take}. */
    static final class Counter {
        final AtomicLong ok = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong slowestMicros = new AtomicLong();
        final AtomicLong totalOk = new AtomicLong();
        final AtomicLong totalFailed = new AtomicLong();
        volatile String lastFailure = "";

        void record(boolean success, long nanos, String failure) {
            (success ? ok : failed).incrementAndGet();
            (success ? totalOk : totalFailed).incrementAndGet();
            slowestMicros.accumulateAndGet(nanos / 1000, Math::max);
            if (!success) {
                lastFailure = failure;
            }
        }

        String take() {
            return String.format(Locale.ROOT, "%d/%d/%.0f", ok.getAndSet(0), failed.getAndSet(0), slowestMicros.getAndSet(0) / 1000.0);
        }
    }

    /** One request of the query set each second, in turn. */
    static void queryLoop(int port, AtomicBoolean running, Counter counter, Lock request) {
        for (int i = 0; running.get(); i++) {
            String path = QUERIES.get(i % QUERIES.size());
            long now = System.currentTimeMillis() / 1000;
            path = path.replace("{now-10m}", Long.toString(now - 600)).replace("{now-1h}", Long.toString(now - 3600))
                    .replace("{now}", Long.toString(now));
            request.lock();
            long t0 = System.nanoTime();
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
                counter.record(r.statusCode() == 200, System.nanoTime() - t0, path + " answered " + r.statusCode() + ": " + abbreviate(r.body()));
            } catch (IOException | InterruptedException e) {
                counter.record(false, System.nanoTime() - t0, path + ": " + e);
            } finally {
                request.unlock();
            }
            pause(1000);
        }
    }

    /**
     * Every 2 s a push to one of 50 groups (100 series each, a counter per series), round robin;
     * every tenth push deletes a group instead (5,000 pushed series at most), which the next round pushes again.
     */
    static void pushLoop(int port, AtomicBoolean running, Counter counter, Lock request) {
        for (int i = 0; running.get(); i++) {
            int group = i % 50;
            URI uri = URI.create("http://127.0.0.1:" + port + "/metrics/job/soak_push/instance/group-" + group);
            HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
            if (i % 10 == 9) {
                builder.DELETE();
            } else {
                StringBuilder body = new StringBuilder("# TYPE soak_pushed_total counter\n");
                for (int s = 0; s < 100; s++) {
                    body.append("soak_pushed_total{item=\"").append(s).append("\"} ").append(i + s).append('\n');
                }
                builder.PUT(HttpRequest.BodyPublishers.ofString(body.toString()));
            }
            request.lock();
            long t0 = System.nanoTime();
            try {
                HttpResponse<String> r = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
                counter.record(r.statusCode() / 100 == 2, System.nanoTime() - t0, uri + " answered " + r.statusCode() + ": " + abbreviate(r.body()));
            } catch (IOException | InterruptedException e) {
                counter.record(false, System.nanoTime() - t0, uri + ": " + e);
            } finally {
                request.unlock();
            }
            pause(2000);
        }
    }

    // ---- the servers ----------------------------------------------------------------------

    static void writeConfigs(Options o, List<HttpServer> targets, int vmPort, int hookPort) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("global:\n  scrape_interval: ").append(o.interval()).append("s\n  evaluation_interval: ").append(o.interval()).append("s\n");
        sb.append("rule_files: [rules.yml]\n");
        sb.append("remote_write:\n  - url: http://127.0.0.1:").append(vmPort).append("/api/v1/write\n    name: victoria-metrics\n");
        sb.append("scrape_configs:\n  - job_name: soak\n    static_configs:\n      - targets:\n");
        for (HttpServer t : targets) {
            sb.append("          - 127.0.0.1:").append(t.getAddress().getPort()).append('\n');
        }
        Files.writeString(o.work().resolve("prometheus.yml"), sb.toString());
        Files.writeString(o.work().resolve("rules.yml"), """
                groups:
                  - name: soak
                    rules:
                      - record: instance:soak_requests:rate1m
                        expr: sum by (instance) (rate(soak_requests_total[1m]))
                      - record: job:soak_requests:rate1m
                        expr: sum(instance:soak_requests:rate1m)
                      - record: instance:soak_series:count
                        expr: count by (instance) (soak_requests_total)
                      - alert: SoakTargetBusy
                        expr: instance:soak_requests:rate1m > 0
                        for: 1m
                        labels: {severity: ticket}
                      - alert: SoakFlapping
                        expr: vector(1) * ((time() % 300) < bool 150) > 0
                        for: 30s
                        labels: {severity: page}
                """);
        Files.writeString(o.work().resolve("alertmanager.yml"), """
                route:
                  receiver: hook
                  group_by: [alertname]
                  group_wait: 10s
                  group_interval: 30s
                  repeat_interval: 5m
                receivers:
                  - name: hook
                    webhook_configs:
                      - url: http://127.0.0.1:%d/hook
                """.formatted(hookPort));
    }

    static Process startServer(Options o, int port) throws IOException {
        Path data = o.work().resolve("promethium");
        Files.createDirectories(data);
        List<String> command = List.of(o.home().resolve("bin/promethium").toString(),
                "--config.file=" + o.work().resolve("prometheus.yml"), "--storage.tsdb.path=" + data,
                "--web.listen-address=127.0.0.1:" + port, "--plugins.dir=" + o.work().resolve("promethium-plugins"),
                "--alertmanager.config.file=" + o.work().resolve("alertmanager.yml"),
                "--storage.tsdb.min-block-duration=" + o.block(), "--storage.tsdb.retention.time=" + o.retention());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(o.work().resolve("promethium.log").toFile()));
        // The heap after each collection from G1's own log; direct memory from native memory tracking.
        pb.environment().merge("PROMETHIUM_JAVA_OPTS", "-Xlog:gc:file=" + o.work().resolve("gc.log") + " -XX:NativeMemoryTracking=summary",
                (mine, added) -> mine + " " + added);
        return pb.start(); // bin/promethium execs java: its pid is the JVM's
    }

    static Process startVictoriaMetrics(Path data, int port) throws Exception {
        Files.createDirectories(data);
        Process p = new ProcessBuilder(binary("victoria-metrics", "victoria-metrics-prod"), "-storageDataPath=" + data,
                "-httpListenAddr=127.0.0.1:" + port, "-retentionPeriod=100y")
                .redirectErrorStream(true).redirectOutput(data.getParent().resolve("victoria-metrics.log").toFile()).start();
        waitReady(p, "http://127.0.0.1:" + port + "/health", Duration.ofMinutes(1));
        return p;
    }

    static void waitReady(Process p, String url, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException(url + ": the process exited; see its log in the work folder");
            }
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(url + " not ready within " + timeout);
    }

    static void stop(Process p) throws InterruptedException {
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    // ---- measuring ------------------------------------------------------------------------

    /** The server's own metrics, summed over their label sets, by name. */
    static Map<String, Double> metrics(int port) {
        Map<String, Double> m = new LinkedHashMap<>();
        try {
            String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(30))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            for (String line : body.split("\n")) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int brace = line.indexOf('{');
                int space = line.lastIndexOf(' ');
                String name = line.substring(0, brace >= 0 && brace < space ? brace : line.indexOf(' '));
                try {
                    m.merge(name, Double.parseDouble(line.substring(space + 1)), Double::sum);
                } catch (NumberFormatException e) {
                    // a value such as NaN spelled otherwise: not needed here
                }
            }
        } catch (IOException | InterruptedException e) {
            System.out.println("soak: /metrics failed: " + e);
        }
        return m;
    }

    /** How far remote write is behind what was appended, in seconds (Prometheus's PrometheusRemoteWriteBehind). */
    static double remoteWriteLag(Map<String, Double> m) {
        return m.getOrDefault("prometheus_remote_storage_highest_timestamp_in_seconds", Double.NaN)
                - m.getOrDefault("prometheus_remote_storage_queue_highest_sent_timestamp_seconds", Double.NaN);
    }

    /**
     * The live heap in MB: a full collection asked for with {@code jcmd PID GC.class_histogram}
     * (not {@code GC.run}: bin/promethium sets {@code -XX:+ExplicitGCInvokesConcurrent}, which makes
     * that a concurrent cycle; the histogram's collection is always a full one; it returns
     * once the collection is done), read back from the GC log. Twice a run: it perturbs what it measures.
     */
    static double liveHeapMb(String jcmd, long pid, int port, GcLog gc, Lock quiet, Path histogram) throws IOException, InterruptedException {
        quiet.lock();
        try {
            awaitRuleEvaluationEnd(port);
            Process p = new ProcessBuilder(jcmd, Long.toString(pid), "GC.class_histogram").redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            p.waitFor(120, TimeUnit.SECONDS);
            // The classes holding the most, kept to tell a reading's outlier from growth.
            List<String> lines = new String(out, StandardCharsets.UTF_8).lines().limit(43).toList();
            Files.write(histogram, lines);
        } finally {
            quiet.unlock();
        }
        for (int i = 0; i < 20; i++) {
            gc.leastAfterSinceLastRead();
            if (!Double.isNaN(gc.lastFullAfterMb)) {
                double live = gc.lastFullAfterMb;
                gc.lastFullAfterMb = Double.NaN;
                return live;
            }
            Thread.sleep(250); // the log line may lag the command's answer
        }
        return Double.NaN;
    }

    /**
     * Returns just after the rule group finished an evaluation (its last-evaluation timestamp, set
     * when one ends, changed), or after 30 s: at 500k series an evaluation takes ~3 s of every 10,
     * and a reading taken during one counted the ~350 MB its selection held (900k series views and
     * their labels) as live.
     */
    static void awaitRuleEvaluationEnd(int port) throws InterruptedException {
        String key = "prometheus_rule_group_last_evaluation_timestamp_seconds";
        double before = metrics(port).getOrDefault(key, Double.NaN);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && metrics(port).getOrDefault(key, Double.NaN) == before) {
            Thread.sleep(100);
        }
    }

    /** Direct memory in MB: the committed {@code Other} of {@code jcmd PID VM.native_memory summary}; NaN when it cannot be read. */
    static double directMemoryMb(String jcmd, long pid) {
        try {
            Process p = new ProcessBuilder(jcmd, Long.toString(pid), "VM.native_memory", "summary", "scale=KB").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            Matcher matcher = NMT_OTHER.matcher(out);
            return matcher.find() ? Long.parseLong(matcher.group(2)) / 1e3 : Double.NaN;
        } catch (IOException | InterruptedException e) {
            return Double.NaN;
        }
    }

    /** Reads the server's GC log as it grows. */
    static final class GcLog {
        private final Path file;
        private long offset;
        /** The heap committed after the last pause read, MB. */
        double committedMb = Double.NaN;
        /** The heap after the last full collection read, MB. */
        double lastFullAfterMb = Double.NaN;

        GcLog(Path file) {
            this.file = file;
        }

        /** The least heap (MB) a mixed or full collection left since the last call; NaN when none ran. */
        double leastAfterSinceLastRead() throws IOException {
            if (!Files.exists(file)) {
                return Double.NaN;
            }
            double least = Double.NaN;
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
                if (f.length() < offset) {
                    offset = 0; // rotated
                }
                f.seek(offset);
                byte[] bytes = new byte[(int) (f.length() - offset)];
                f.readFully(bytes);
                String text = new String(bytes, StandardCharsets.UTF_8);
                int complete = text.lastIndexOf('\n') + 1;
                offset += text.substring(0, complete).getBytes(StandardCharsets.UTF_8).length;
                Matcher m = GC_PAUSE.matcher(text.substring(0, complete));
                while (m.find()) {
                    double after = Long.parseLong(m.group(3)) * unitMb(m.group(4));
                    least = Double.isNaN(least) ? after : Math.min(least, after);
                    if (m.group(0).startsWith("Pause Full")) {
                        lastFullAfterMb = after;
                    }
                }
                Matcher c = GC_COMMITTED.matcher(text.substring(0, complete));
                while (c.find()) {
                    committedMb = Long.parseLong(c.group(1)) * unitMb(c.group(2));
                }
            }
            return least;
        }

        private static double unitMb(String unit) {
            return switch (unit) {
                case "K" -> 1 / 1024.0;
                case "G" -> 1024;
                default -> 1;
            };
        }
    }

    /** Counts the log's errors as it grows: {@code level=ERROR} lines and the JVM's own errors; keeps the first few. */
    static final class LogScan {
        private static final Pattern ERROR = Pattern.compile("level=ERROR|OutOfMemoryError|StackOverflowError|A fatal error has been detected");
        private final Path file;
        private long offset;
        long count;
        final List<String> first = new ArrayList<>();

        LogScan(Path file) {
            this.file = file;
        }

        long errors() throws IOException {
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
                f.seek(offset);
                byte[] bytes = new byte[(int) (f.length() - offset)];
                f.readFully(bytes);
                String text = new String(bytes, StandardCharsets.UTF_8);
                int complete = text.lastIndexOf('\n') + 1;
                offset += text.substring(0, complete).getBytes(StandardCharsets.UTF_8).length;
                for (String line : text.substring(0, complete).split("\n")) {
                    if (ERROR.matcher(line).find()) {
                        count++;
                        if (first.size() < 5) {
                            first.add(abbreviate(line));
                        }
                    }
                }
            }
            return count;
        }
    }

    // ---- output ---------------------------------------------------------------------------

    static void printHeader() {
        System.out.println("  min  RSS MB  heap-after-GC MB  heap committed MB  threads  fds  direct MB  head series  samples/s  rw pending  rw lag s"
                + "  queries ok/failed/slowest ms  pushes ok/failed/slowest ms  notifications  log errors");
    }

    static void printSample(Sample s, double rate, Counter queries, Counter pushes, long notifications) {
        System.out.printf(Locale.ROOT, "%5.1f  %6.0f  %16.1f  %17.0f  %7.0f  %3.0f  %9.1f  %11.0f  %9.0f  %10.0f  %8.1f  %28s  %26s  %13d  %10d%n",
                s.minute(), s.rssMb(), s.heapAfterGcMb(), s.heapCommittedMb(), s.threads(), s.fds(), s.directMb(), s.headSeries(), rate, s.rwPending(),
                s.rwLagSeconds(), queries.take(), pushes.take(), notifications, s.logErrors());
    }

    /** Prints the verdict table; true when every check holds. */
    static boolean verdict(Options o, List<Sample> samples, Map<String, Double> m, Counter queries, Counter pushes, long notifications,
                           LogScan log, List<double[]> live) {
        double from = o.minutes() / 3.0;
        List<Sample> window = samples.stream().filter(s -> s.minute() >= from).toList();
        System.out.printf(Locale.ROOT, "%nsoak: %d series, %d min; the window is the last %.1f min (2/3 of the run), %d samples%n",
                Math.max(1, o.series() / o.seriesPerTarget()) * o.seriesPerTarget(), o.minutes(), o.minutes() - from, window.size());
        if (window.size() < 4) {
            System.out.println("soak: too few samples in the window to judge (run longer or sample more often)");
            return false;
        }
        boolean ok = true;
        System.out.println("| measure | first quarter (mean) | last quarter (mean) | min | max | change | limit | verdict |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        ok &= flat(window, "RSS (MB)", Sample::rssMb);
        ok &= liveFlat(live, from, o.minutes());
        flat(window, "heap after GC (MB, mixed or full collections; not judged: few when G1 seldom marks)", Sample::heapAfterGcMb);
        flat(window, "heap committed (MB, not judged: RSS follows it)", Sample::heapCommittedMb);
        ok &= noGrowth(window, "threads", Sample::threads);
        ok &= noGrowth(window, "open file descriptors", Sample::fds);
        ok &= noGrowth(window, "direct memory (MB, NMT Other)", Sample::directMb);
        System.out.printf(Locale.ROOT, "RSS trend over the window (least squares, not judged): %+.1f%% of its mean%n", trend(window, Sample::rssMb) * 100);
        double failed = m.getOrDefault("prometheus_remote_storage_samples_failed_total", 0.0);
        double dropped = m.getOrDefault("prometheus_remote_storage_samples_dropped_total", 0.0);
        double sent = m.getOrDefault("prometheus_remote_storage_samples_total", Double.NaN);
        System.out.printf(Locale.ROOT, "remote write: %.0f samples sent, %.0f failed, %.0f dropped, lag at the end %.1f s%n", sent, failed, dropped,
                remoteWriteLag(m));
        ok &= failed == 0 && dropped == 0;
        System.out.printf(Locale.ROOT, "queries: %d answered, %d failed%s%n", queries.totalOk.get(), queries.totalFailed.get(),
                queries.totalFailed.get() > 0 ? " (last: " + queries.lastFailure + ")" : "");
        System.out.printf(Locale.ROOT, "pushes: %d answered, %d failed%s%n", pushes.totalOk.get(), pushes.totalFailed.get(),
                pushes.totalFailed.get() > 0 ? " (last: " + pushes.lastFailure + ")" : "");
        ok &= queries.totalFailed.get() == 0 && pushes.totalFailed.get() == 0 && queries.totalOk.get() > 0;
        System.out.printf(Locale.ROOT, "rules: %.0f evaluations, %.0f failed; webhook notifications received: %d; compactions %.0f (failed %.0f),"
                        + " head cuts (truncations) %.0f, blocks loaded now %.0f%n",
                m.getOrDefault("prometheus_rule_evaluations_total", Double.NaN), m.getOrDefault("prometheus_rule_evaluation_failures_total", Double.NaN),
                notifications, m.getOrDefault("prometheus_tsdb_compactions_total", Double.NaN),
                m.getOrDefault("prometheus_tsdb_compactions_failed_total", Double.NaN), m.getOrDefault("prometheus_tsdb_head_truncations_total", Double.NaN),
                m.getOrDefault("prometheus_tsdb_blocks_loaded", Double.NaN));
        ok &= m.getOrDefault("prometheus_rule_evaluation_failures_total", 0.0) == 0 && notifications > 0;
        ok &= m.getOrDefault("prometheus_tsdb_compactions_failed_total", 0.0) == 0;
        System.out.printf(Locale.ROOT, "errors in the log: %d%n", log.count);
        log.first.forEach(l -> System.out.println("  " + l));
        ok &= log.count == 0;
        return ok;
    }

    /**
     * The live heap flat within 10%: the largest full-collection reading of the window's last
     * quarter within ±10% of the largest of its first quarter (each quarter holds readings from
     * two or more of the head's cycles, so the largest of each is the same point of the cycle).
     */
    static boolean liveFlat(List<double[]> live, double from, double to) {
        double quarter = (to - from) / 4;
        double first = live.stream().filter(r -> r[0] < from + quarter + 0.5).mapToDouble(r -> r[1]).max().orElse(Double.NaN);
        double last = live.stream().filter(r -> r[0] >= to - quarter - 0.5).mapToDouble(r -> r[1]).max().orElse(Double.NaN);
        double min = live.stream().mapToDouble(r -> r[1]).min().orElse(Double.NaN);
        double max = live.stream().mapToDouble(r -> r[1]).max().orElse(Double.NaN);
        double change = last / first - 1;
        boolean flat = Math.abs(change) <= 0.10;
        System.out.printf(Locale.ROOT, "| live heap (MB, full collections every %d min; largest of each quarter) | %.1f | %.1f | %.1f | %.1f | %+.1f%% | ±10%% | %s |%n",
                LIVE_EVERY_MINUTES, first, last, min, max, change * 100, flat ? "flat" : "NOT flat");
        return flat;
    }

    /** Flat within 10%: the mean of the window's last quarter within ±10% of its first quarter's. */
    static boolean flat(List<Sample> window, String label, ToDoubleFunction<Sample> measure) {
        double[] v = window.stream().mapToDouble(measure).filter(Double::isFinite).toArray();
        if (v.length < 4) {
            System.out.printf(Locale.ROOT, "| %s | — | — | — | — | — | ±10%% | not measured |%n", label);
            return false;
        }
        int q = Math.max(1, v.length / 4);
        double first = Arrays.stream(v, 0, q).average().orElseThrow();
        double last = Arrays.stream(v, v.length - q, v.length).average().orElseThrow();
        double change = last / first - 1;
        boolean ok = Math.abs(change) <= 0.10;
        System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %+.1f%% | ±10%% | %s |%n", label, first, last,
                Arrays.stream(v).min().orElseThrow(), Arrays.stream(v).max().orElseThrow(), change * 100, ok ? "flat" : "NOT flat");
        return ok;
    }

    /** No growth: the largest of the window's last quarter at most 5% + 2 over the largest of its first quarter. */
    static boolean noGrowth(List<Sample> window, String label, ToDoubleFunction<Sample> measure) {
        double[] v = window.stream().mapToDouble(measure).filter(Double::isFinite).toArray();
        if (v.length < 4) {
            System.out.printf(Locale.ROOT, "| %s | — | — | — | — | — | no growth | not measured |%n", label);
            return false;
        }
        int q = Math.max(1, v.length / 4);
        double first = Arrays.stream(v, 0, q).max().orElseThrow();
        double last = Arrays.stream(v, v.length - q, v.length).max().orElseThrow();
        boolean ok = last <= first * 1.05 + 2;
        System.out.printf(Locale.ROOT, "| %s | %.1f (max) | %.1f (max) | %.1f | %.1f | %+.1f | no growth (≤ +5%% + 2) | %s |%n", label, first, last,
                Arrays.stream(v).min().orElseThrow(), Arrays.stream(v).max().orElseThrow(), last - first, ok ? "no growth" : "GROWS");
        return ok;
    }

    /** The change across the window of a least-squares line through the samples, as a share of their mean. */
    static double trend(List<Sample> window, ToDoubleFunction<Sample> measure) {
        double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (Sample sample : window) {
            double y = measure.applyAsDouble(sample);
            if (Double.isFinite(y)) {
                double x = sample.minute();
                n++;
                sx += x;
                sy += y;
                sxx += x * x;
                sxy += x * y;
            }
        }
        double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        double span = window.getLast().minute() - window.getFirst().minute();
        return slope * span / (sy / n);
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
        String home = a.remove("home");
        String work = a.remove("work");
        if (home == null || work == null) {
            throw new IllegalArgumentException("--home= and --work= are required");
        }
        Options o = new Options(Path.of(home), Path.of(work), Integer.parseInt(a.getOrDefault("minutes", "60")),
                Integer.parseInt(a.getOrDefault("series", "500000")), Integer.parseInt(a.getOrDefault("series-per-target", "1000")),
                Integer.parseInt(a.getOrDefault("interval", "10")), Double.parseDouble(a.getOrDefault("churn", "0.1")),
                Integer.parseInt(a.getOrDefault("churn-minutes", "10")), Integer.parseInt(a.getOrDefault("sample", "30")),
                a.getOrDefault("block", "5m"), a.getOrDefault("retention", "20m"));
        a.keySet().removeAll(List.of("minutes", "series", "series-per-target", "interval", "churn", "churn-minutes", "sample", "block", "retention"));
        if (!a.isEmpty()) {
            throw new IllegalArgumentException("unknown arguments " + a.keySet());
        }
        if (o.minutes() < 3 || o.series() < 1 || o.seriesPerTarget() < 10 || o.churn() < 0 || o.churn() > 1 || o.churnMinutes() < 1) {
            throw new IllegalArgumentException("--minutes ≥ 3, --series ≥ 1, --series-per-target ≥ 10, 0 ≤ --churn ≤ 1, --churn-minutes ≥ 1");
        }
        return o;
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

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
