import java.io.IOException;
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
import java.util.List;
import java.util.Locale;

/**
 * The fixed cost of a small query: starts a server (Promethium from an unpacked tarball, or
 * Prometheus), sends {@code --warm} then {@code --requests} GETs of {@code /api/v1/query} one
 * after another on one keep-alive connection, and prints the server's CPU per request (from
 * /proc, utime + stime) and the client's median and 90th percentile latency of the measured
 * requests. With {@code --targets=N} the server first scrapes N loopback targets (each a page of
 * {@code --series} gauges, every 10 s), so that {@code /api/v1/label/instance/values} has N
 * values; the server's CPU over an idle stretch as long as the requests took, measured right
 * after them, is then taken off (scraping's share). Loopback only, bounded by the request count.
 *
 * <pre>
 * java distribution/bench/SmallQuery.java --server=promethium --home=/tmp/home --requests=5000
 * java distribution/bench/SmallQuery.java --server=prometheus --requests=5000
 * java distribution/bench/SmallQuery.java --server=promethium --home=/tmp/home --path=/api/v1/label/job/values
 * java distribution/bench/SmallQuery.java --server=prometheus --targets=1000 --path=/api/v1/label/instance/values
 * </pre>
 */
public final class SmallQuery {

    public static void main(String[] args) throws Exception {
        String server = "promethium";
        Path home = null;
        int warm = 3000;
        int requests = 5000;
        String query = "vector(1)";
        String path = null;
        int targets = 0;
        int series = 20;
        for (String a : args) {
            String value = a.substring(a.indexOf('=') + 1);
            if (a.startsWith("--server=")) {
                server = value;
            } else if (a.startsWith("--home=")) {
                home = Path.of(value);
            } else if (a.startsWith("--warm=")) {
                warm = Integer.parseInt(value);
            } else if (a.startsWith("--requests=")) {
                requests = Integer.parseInt(value);
            } else if (a.startsWith("--query=")) {
                query = value;
            } else if (a.startsWith("--path=")) {
                path = value; // another API request instead, e.g. /api/v1/label/job/values
                query = value;
            } else if (a.startsWith("--targets=")) {
                targets = Integer.parseInt(value);
            } else if (a.startsWith("--series=")) {
                series = Integer.parseInt(value);
            } else {
                throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        // The targets first: their ports are taken before the server's is chosen.
        List<com.sun.net.httpserver.HttpServer> pages = startTargets(targets, series);
        int port = Proc.freePort();
        Path work = Files.createTempDirectory("small-query-");
        Path config = work.resolve("prometheus.yml");
        StringBuilder yml = new StringBuilder("global:\n  scrape_interval: 10s\n");
        if (targets > 0) {
            yml.append("scrape_configs:\n  - job_name: page\n    static_configs:\n      - targets:\n");
            for (var t : pages) {
                yml.append("          - 127.0.0.1:").append(t.getAddress().getPort()).append('\n');
            }
        }
        Files.writeString(config, yml.toString());
        List<String> command = switch (server) {
            case "promethium" -> List.of(home.resolve("bin/promethium").toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + work.resolve("data"), "--web.listen-address=127.0.0.1:" + port);
            case "prometheus" -> List.of("prometheus", "--config.file=" + config, "--storage.tsdb.path=" + work.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port);
            default -> throw new IllegalArgumentException("--server=promethium|prometheus");
        };
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("server.log").toFile()).start();
        try {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI uri = URI.create("http://127.0.0.1:" + port
                    + (path != null ? path : "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)));
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build();
            awaitReady(client, port);
            long pid = pid(process);
            if (targets > 0) {
                Thread.sleep(12_000); // every target scraped at least once
            }
            for (int i = 0; i < warm; i++) {
                send(client, request);
            }
            double cpuBefore = Proc.cpuSeconds(pid);
            long[] nanos = new long[requests];
            long start = System.nanoTime();
            for (int i = 0; i < requests; i++) {
                long t = System.nanoTime();
                send(client, request);
                nanos[i] = System.nanoTime() - t;
            }
            double wall = (System.nanoTime() - start) / 1e9;
            double cpu = Proc.cpuSeconds(pid) - cpuBefore;
            // The server's own CPU meanwhile (scraping, timers, GC of it): as long a stretch, idle.
            double idleBefore = Proc.cpuSeconds(pid);
            Thread.sleep((long) (wall * 1000));
            double idle = Proc.cpuSeconds(pid) - idleBefore;
            Arrays.sort(nanos);
            System.out.printf(Locale.ROOT, "%s %s: %d requests after %d warm-up in %.2f s: server CPU %.3f ms/request"
                            + " (%.3f less its idle CPU of %.2f s), latency median %.3f ms, p90 %.3f ms (load average %s)%n", server, query,
                    requests, warm, wall, cpu * 1000 / requests, (cpu - idle) * 1000 / requests, idle, nanos[requests / 2] / 1e6,
                    nanos[requests * 9 / 10] / 1e6, Proc.loadAverage());
        } finally {
            process.destroy();
            process.waitFor();
            pages.forEach(t -> t.stop(0));
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** {@code n} loopback targets, each a page of {@code series} gauges whose values move between scrapes. */
    private static List<com.sun.net.httpserver.HttpServer> startTargets(int n, int series) throws IOException {
        return Targets.serve(n, target -> {
            StringBuilder page = new StringBuilder("# TYPE bench_gauge gauge\n");
            long now = System.currentTimeMillis();
            for (int s = 0; s < series; s++) {
                page.append("bench_gauge{series=\"").append(s).append("\"} ").append((now / 1000 + s) % 1000).append('\n');
            }
            return page.toString().getBytes(StandardCharsets.UTF_8);
        });
    }

    private static void send(HttpClient client, HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("status " + response.statusCode() + ": " + new String(response.body(), StandardCharsets.UTF_8));
        }
    }

    private static void awaitReady(HttpClient client, int port) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready")).timeout(Duration.ofSeconds(5)).build();
        while (System.nanoTime() < deadline) {
            try {
                if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("server not ready in 120 s");
    }

    /**
     * bin/promethium execs java, so the process is the JVM; Prometheus is itself. A process the
     * server starts (a JFR dump, a helper) is not the server: a descendant counts only when the
     * started process is not itself the server (a wrapper that does not exec).
     */
    private static long pid(Process process) {
        String command = process.info().command().orElse("");
        if (command.endsWith("/java") || command.endsWith("/prometheus") || command.equals("prometheus")) {
            return process.pid();
        }
        List<ProcessHandle> children = new ArrayList<>(process.descendants().toList());
        return children.isEmpty() ? process.pid() : children.get(0).pid();
    }

}
