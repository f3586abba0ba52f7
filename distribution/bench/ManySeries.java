import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Queries over very many series at the default limits: the tarball's server scrapes
 * {@code --series} series (10 million by default) from {@code --targets} loopback targets, then
 * answers, one after another, the requests an operator or a dashboard could send over all of them
 * (a count, the raw selector, a range query, a regex, the series and label-values APIs). Each must
 * be answered, or refused by a limit with Prometheus's error, while a health check and a small
 * query, sent every 100 ms from beside, answer within 1 s throughout; the server must not run out
 * of heap nor stop. Prints a line per request (status, bytes, seconds, the error if any), the
 * slowest health check and small query, RSS and head series, then the verdict. Outside CI (the
 * server needs ~13 GB of RAM at 10M series); loopback only, bounded by the series count.
 *
 * <pre>
 * java distribution/bench/ManySeries.java --home=/path/to/unpacked --work=/tmp/many --series=10000000
 * </pre>
 */
public final class ManySeries {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** What the side checks must stay under. */
    private static final Duration RESPONSIVE = Duration.ofSeconds(1);
    /** The request being answered, for the side checks' slow answers. */
    private static volatile String inFlight = "scraping only";

    record Options(Path home, Path work, int series, int targets, int interval) {
    }

    /** One request's outcome. */
    record Outcome(String what, int status, long bytes, double seconds, String error) {
    }

    public static void main(String[] args) throws Exception {
        Path home = null;
        Path work = null;
        int series = 10_000_000;
        int targets = 100;
        int interval = 30;
        for (String a : args) {
            String v = a.substring(a.indexOf('=') + 1);
            if (a.startsWith("--home=")) {
                home = Path.of(v);
            } else if (a.startsWith("--work=")) {
                work = Path.of(v);
            } else if (a.startsWith("--series=")) {
                series = Integer.parseInt(v);
            } else if (a.startsWith("--targets=")) {
                targets = Integer.parseInt(v);
            } else if (a.startsWith("--interval=")) {
                interval = Integer.parseInt(v);
            } else {
                throw new IllegalArgumentException("unknown argument " + a + " (--home --work --series --targets --interval)");
            }
        }
        if (home == null || work == null) {
            throw new IllegalArgumentException("--home and --work are needed");
        }
        Options o = new Options(home, work, series, targets, interval);
        System.exit(run(o) ? 0 : 1);
    }

    static boolean run(Options o) throws Exception {
        Files.createDirectories(o.work());
        int perTarget = o.series() / o.targets();
        // Each target's page rendered once: the load generator costs the server nothing but the bytes.
        List<byte[]> pages = new ArrayList<>(o.targets());
        for (int t = 0; t < o.targets(); t++) {
            pages.add(page(perTarget));
        }
        System.out.printf(Locale.ROOT, "many-series: %,d series (%d targets × %,d, %.1f MB a page), scraped every %d s; work folder %s%n",
                (long) perTarget * o.targets(), o.targets(), perTarget, pages.getFirst().length / 1e6, o.interval(), o.work());
        List<HttpServer> targets = Targets.serve(o.targets(), pages::get);
        Process server = null;
        try {
            int port = Proc.freePort();
            writeConfig(o, targets);
            server = startServer(o, port);
            long pid = server.pid();
            Soak.waitReady(server, "http://127.0.0.1:" + port + "/-/ready", Duration.ofMinutes(3));
            String base = "http://127.0.0.1:" + port;
            long wanted = (long) perTarget * o.targets();
            long created = System.nanoTime();
            long deadline = created + TimeUnit.MINUTES.toNanos(20);
            double head = 0;
            while ((head = metric(base, "prometheus_tsdb_head_series")) < wanted) {
                if (!server.isAlive() || System.nanoTime() > deadline) {
                    System.out.printf(Locale.ROOT, "many-series: FAIL: %,.0f of %,d series in the head%s%n", head, wanted,
                            server.isAlive() ? " after 20 minutes" : ", the server exited");
                    return false;
                }
                Thread.sleep(2_000);
            }
            System.out.printf(Locale.ROOT, "many-series: %,.0f series in the head %.0f s after ready; RSS %,d MB; load average %s%n", head,
                    (System.nanoTime() - created) / 1e9, Proc.rssBytes(pid) >> 20, Proc.loadAverage());
            // Two more scrapes: every series has a few samples, so rate() has something to do.
            Thread.sleep(2_000L * o.interval() + 5_000);

            Side health = new Side(base + "/-/healthy");
            Side small = new Side(base + "/api/v1/query?query=vector(1)");
            AtomicBoolean running = new AtomicBoolean(true);
            Thread h = Thread.ofPlatform().name("health").start(() -> health.loop(running));
            Thread s = Thread.ofPlatform().name("small-query").start(() -> small.loop(running));
            List<Outcome> outcomes = new ArrayList<>();
            long now = System.currentTimeMillis() / 1000;
            String last10m = "&start=" + (now - 600) + "&end=" + now + "&step=15";
            String[][] requests = {
                {"count(many_series)", "/api/v1/query?query=" + Soak.enc("count(many_series)")},
                {"count by (n) (many_series)", "/api/v1/query?query=" + Soak.enc("count by (n) (many_series)")},
                {"topk(5, many_series)", "/api/v1/query?query=" + Soak.enc("topk(5, many_series)")},
                {"many_series{n=~\".*7\"} (a regex, 1/10 of them)", "/api/v1/query?query=" + Soak.enc("count(many_series{n=~\".*7\"})")},
                {"many_series (every series in the answer)", "/api/v1/query?query=" + Soak.enc("many_series")},
                {"sum(rate(many_series[1m])), last 10 min at 15 s", "/api/v1/query_range?query=" + Soak.enc("sum(rate(many_series[1m]))") + last10m},
                {"many_series, last 10 min at 15 s", "/api/v1/query_range?query=" + Soak.enc("many_series") + last10m},
                {"/api/v1/series?match[]=many_series", "/api/v1/series?match%5B%5D=" + Soak.enc("many_series")},
                {"/api/v1/label/n/values", "/api/v1/label/n/values"},
                {"/api/v1/status/tsdb", "/api/v1/status/tsdb"},
            };
            for (String[] r : requests) {
                inFlight = r[0];
                Outcome out = send(base, r[0], r[1]);
                inFlight = "between requests";
                outcomes.add(out);
                System.out.printf(Locale.ROOT, "many-series: %-52s %3d %,15d B %7.1f s %s; RSS %,d MB%n", out.what(), out.status(), out.bytes(),
                        out.seconds(), out.error() == null ? "" : out.error(), server.isAlive() ? Proc.rssBytes(pid) >> 20 : -1);
                if (!server.isAlive()) {
                    break;
                }
            }
            running.set(false);
            h.join();
            s.join();
            String log = Files.readString(o.work().resolve("promethium.log"));
            boolean oom = log.contains("OutOfMemoryError");
            boolean alive = server.isAlive();
            System.out.printf(Locale.ROOT, "many-series: health checks %d, slowest %.3f s, failed %d; small queries %d, slowest %.3f s, failed %d%n",
                    health.count.get(), health.slowestNanos.get() / 1e9, health.failed.get(), small.count.get(), small.slowestNanos.get() / 1e9,
                    small.failed.get());
            for (Side side : List.of(health, small)) {
                side.slow.forEach(line -> System.out.println("many-series:   slow " + side.url.substring(base.length()) + ": " + line));
            }
            System.out.printf(Locale.ROOT, "many-series: peak RSS %,d MB; load average %s%n", alive ? Proc.peakRssBytes(pid) >> 20 : -1,
                    Proc.loadAverage());
            List<String> failures = new ArrayList<>();
            for (Outcome out : outcomes) {
                boolean refusedClearly = out.status() >= 400 && out.status() < 600 && out.error() != null && !out.error().isBlank()
                        && out.status() != 500 && out.status() != 503;
                if (out.status() != 200 && !refusedClearly) {
                    failures.add(out.what() + ": " + out.status() + " " + out.error());
                }
            }
            if (outcomes.size() < requests.length) {
                failures.add("the server stopped during the requests");
            }
            if (!alive) {
                failures.add("the server exited");
            }
            if (oom) {
                failures.add("OutOfMemoryError in the log");
            }
            if (health.slowestNanos.get() > RESPONSIVE.toNanos() || health.failed.get() > 0) {
                failures.add("a health check took more than 1 s or failed");
            }
            if (small.slowestNanos.get() > RESPONSIVE.toNanos() || small.failed.get() > 0) {
                failures.add("a small query took more than 1 s or failed");
            }
            System.out.println(failures.isEmpty() ? "many-series: PASS" : "many-series: FAIL: " + String.join("; ", failures));
            return failures.isEmpty();
        } finally {
            Soak.stop(server);
            targets.forEach(t -> t.stop(0));
        }
    }

    /** {@code perTarget} gauges named many_series, told apart by {@code n}; the target adds instance. */
    static byte[] page(int perTarget) {
        StringBuilder b = new StringBuilder(perTarget * 32);
        b.append("# TYPE many_series gauge\n");
        for (int i = 0; i < perTarget; i++) {
            b.append("many_series{n=\"").append(i).append("\"} ").append(i % 1000).append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    static void writeConfig(Options o, List<HttpServer> targets) throws IOException {
        StringBuilder t = new StringBuilder();
        for (HttpServer s : targets) {
            t.append(t.isEmpty() ? "" : ", ").append("'127.0.0.1:").append(s.getAddress().getPort()).append('\'');
        }
        Files.writeString(o.work().resolve("prometheus.yml"), """
                global:
                  scrape_interval: %ds
                  scrape_timeout: %ds
                scrape_configs:
                  - job_name: many
                    static_configs: [{targets: [%s]}]
                """.formatted(o.interval(), Math.max(10, o.interval() - 5), t));
    }

    static Process startServer(Options o, int port) throws IOException {
        Path data = o.work().resolve("promethium");
        Files.createDirectories(data);
        ProcessBuilder pb = new ProcessBuilder(o.home().resolve("bin/promethium").toString(),
                "--config.file=" + o.work().resolve("prometheus.yml"), "--storage.tsdb.path=" + data,
                "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(o.work().resolve("promethium.log").toFile()));
        // The collector's pauses, to read beside the side checks' slow answers.
        pb.environment().merge("PROMETHIUM_JAVA_OPTS", "-Xlog:gc:file=" + o.work().resolve("gc.log"), (mine, added) -> mine + " " + added);
        return pb.start(); // bin/promethium execs java: its pid is the JVM's
    }

    /** Sends one request, reading (and counting) the whole answer; the error is Prometheus's "error" field. */
    static Outcome send(String base, String what, String path) {
        long t0 = System.nanoTime();
        try {
            HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(5)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            long bytes = 0;
            byte[] head = new byte[600];
            int headLength = 0;
            byte[] buffer = new byte[1 << 16];
            try (InputStream in = r.body()) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    if (headLength < head.length) {
                        int k = Math.min(n, head.length - headLength);
                        System.arraycopy(buffer, 0, head, headLength, k);
                        headLength += k;
                    }
                    bytes += n;
                }
            }
            String start = new String(head, 0, headLength, StandardCharsets.UTF_8);
            String error = null;
            int at = start.indexOf("\"error\":\"");
            if (r.statusCode() != 200 && at >= 0) {
                int end = start.indexOf('"', at + 9);
                error = start.substring(at + 9, end < 0 ? start.length() : end);
            } else if (r.statusCode() != 200) {
                error = start.strip();
            }
            return new Outcome(what, r.statusCode(), bytes, (System.nanoTime() - t0) / 1e9, error);
        } catch (IOException | InterruptedException e) {
            return new Outcome(what, -1, 0, (System.nanoTime() - t0) / 1e9, e.toString());
        }
    }

    /** A check sent every 100 ms beside the requests: its count, failures and slowest answer. */
    static final class Side {
        final String url;
        final AtomicLong count = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong slowestNanos = new AtomicLong();
        /** Each answer over 1 s: how long, and which request was being answered. */
        final List<String> slow = new java.util.concurrent.CopyOnWriteArrayList<>();

        Side(String url) {
            this.url = url;
        }

        void loop(AtomicBoolean running) {
            while (running.get()) {
                long t0 = System.nanoTime();
                try {
                    int status = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (status != 200) {
                        failed.incrementAndGet();
                    }
                } catch (IOException | InterruptedException e) {
                    failed.incrementAndGet();
                }
                long took = System.nanoTime() - t0;
                if (took > RESPONSIVE.toNanos()) {
                    slow.add(String.format(Locale.ROOT, "%.2f s during %s", took / 1e9, inFlight));
                }
                count.incrementAndGet();
                slowestNanos.accumulateAndGet(took, Math::max);
                try {
                    Thread.sleep(Math.max(0, 100 - took / 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** A metric's value on the server's /metrics, 0 when it is not there (yet). */
    static double metric(String base, String name) {
        try {
            String body = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (String line : body.split("\n")) {
                if (line.startsWith(name + " ")) {
                    return Double.parseDouble(line.substring(name.length() + 1).strip());
                }
            }
        } catch (IOException | InterruptedException | NumberFormatException e) {
            // not answering now: asked again
        }
        return 0;
    }
}
