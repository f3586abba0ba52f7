import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The plugin admin API's cost and availability: starts the server of an unpacked tarball with
 * {@code --web.enable-admin-api} (loopback, so the actions are allowed), polls {@code /-/ready}
 * and {@code GET /api/v1/admin/plugins} every 20 ms from the start and prints when each first
 * answered 200 and which statuses the admin API answered before that; then sends {@code --warm}
 * and {@code --requests} {@code GET /api/v1/admin/plugins} on one keep-alive connection, for
 * {@code --rounds} rounds, and prints the server's CPU per request (from /proc), the client's
 * median and 90th percentile latency. {@code --rounds=0} measures the start alone. Loopback only,
 * bounded by the request count.
 *
 * <pre>
 * java distribution/bench/AdminApi.java --home=/tmp/home --requests=5000 --rounds=2
 * </pre>
 */
public final class AdminApi {

    public static void main(String[] args) throws Exception {
        Path home = null;
        int warm = 3000;
        int requests = 5000;
        int rounds = 2;
        for (String a : args) {
            String value = a.substring(a.indexOf('=') + 1);
            if (a.startsWith("--home=")) {
                home = Path.of(value);
            } else if (a.startsWith("--warm=")) {
                warm = Integer.parseInt(value);
            } else if (a.startsWith("--requests=")) {
                requests = Integer.parseInt(value);
            } else if (a.startsWith("--rounds=")) {
                rounds = Integer.parseInt(value);
            } else {
                throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        if (home == null) {
            throw new IllegalArgumentException("--home=<unpacked tarball> is needed");
        }
        Path work = Files.createTempDirectory("admin-api-");
        Files.createDirectories(work.resolve("plugins"));
        Files.writeString(work.resolve("prometheus.yml"), "global:\n  scrape_interval: 10s\n");
        int port = Proc.freePort();
        List<String> command = List.of(home.resolve("bin/promethium").toString(), "--config.file=" + work.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + work.resolve("data"), "--plugins.dir=" + work.resolve("plugins"),
                "--web.listen-address=127.0.0.1:" + port, "--web.enable-admin-api");
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("server.log").toFile()).start();
        try {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready")).timeout(Duration.ofSeconds(10)).build();
            HttpRequest admin = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/admin/plugins"))
                    .timeout(Duration.ofSeconds(60)).build();
            double readyAt = -1;
            double adminAt = -1;
            double adminWaitedMs = 0;
            double readyCpu = -1;
            Map<Integer, Integer> before = new LinkedHashMap<>();
            long deadline = started + Duration.ofSeconds(120).toNanos();
            while ((readyAt < 0 || adminAt < 0) && System.nanoTime() < deadline) {
                try {
                    if (readyAt < 0 && client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        readyAt = (System.nanoTime() - started) / 1e9;
                        readyCpu = Proc.cpuSeconds(process.pid());
                    }
                    if (adminAt < 0) {
                        long t = System.nanoTime();
                        int status = client.send(admin, HttpResponse.BodyHandlers.discarding()).statusCode();
                        if (status == 200) {
                            adminAt = (System.nanoTime() - started) / 1e9;
                            adminWaitedMs = (System.nanoTime() - t) / 1e6;
                        } else {
                            before.merge(status, 1, Integer::sum);
                        }
                    }
                } catch (IOException e) {
                    before.merge(0, 1, Integer::sum); // not listening yet
                }
                Thread.sleep(20);
            }
            if (readyAt < 0 || adminAt < 0) {
                throw new IllegalStateException("not ready or admin API not served in 120 s:\n" + Files.readString(work.resolve("server.log")));
            }
            System.out.printf(Locale.ROOT, "ready after %.2f s (server CPU %.2f s); admin API first 200 after %.2f s (that request took %.0f ms,"
                    + " server CPU then %.2f s); before: %s (status: polls, 0 = no connection)%n", readyAt, readyCpu, adminAt, adminWaitedMs,
                    Proc.cpuSeconds(process.pid()), before);
            long pid = process.pid();
            for (int round = 1; round <= rounds; round++) {
                for (int i = 0; i < warm; i++) {
                    send(client, admin);
                }
                double cpuBefore = Proc.cpuSeconds(pid);
                long[] nanos = new long[requests];
                long start = System.nanoTime();
                long bytes = 0;
                for (int i = 0; i < requests; i++) {
                    long t = System.nanoTime();
                    bytes = send(client, admin);
                    nanos[i] = System.nanoTime() - t;
                }
                double wall = (System.nanoTime() - start) / 1e9;
                double cpu = Proc.cpuSeconds(pid) - cpuBefore;
                Arrays.sort(nanos);
                System.out.printf(Locale.ROOT, "round %d GET /api/v1/admin/plugins (%d bytes) %d requests in %.2f s: server CPU %.3f ms/request,"
                                + " latency median %.3f ms, p90 %.3f ms (load average %s)%n", round, bytes, requests, wall,
                        cpu * 1000 / requests, nanos[requests / 2] / 1e6, nanos[requests * 9 / 10] / 1e6, Proc.loadAverage());
            }
        } finally {
            process.destroy();
            process.waitFor();
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static long send(HttpClient client, HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(request.uri() + ": status " + response.statusCode());
        }
        return response.body().length;
    }
}
