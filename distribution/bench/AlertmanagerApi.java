import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * The in-process Alertmanager's API v2: cost per request and availability at start. Starts the
 * server of an unpacked tarball with {@code --alertmanager.config.file} (one receiver without
 * integrations, so nothing is sent anywhere), polls {@code /-/ready} and
 * {@code GET /api/v2/status} and {@code POST /api/v2/alerts} every 20 ms from the start and
 * prints when each first answered 200 and which statuses the API answered before that. Then posts
 * 10 alerts and 3 silences (so the lists are not empty) and, per endpoint, sends {@code --warm}
 * and {@code --requests} requests on one keep-alive connection, for {@code --rounds} rounds,
 * printing the server's CPU per request (from /proc) and the client's median and 90th percentile
 * latency. {@code POST /api/v2/silences} updates one silence (each write is fsynced, so it runs a
 * tenth of the requests). {@code --rounds=0} measures the start alone. Loopback only, bounded by
 * the request count.
 *
 * <pre>
 * java distribution/bench/AlertmanagerApi.java --home=/tmp/home --requests=3000 --rounds=2
 * </pre>
 */
public final class AlertmanagerApi {

    private record Endpoint(String name, IntFunction<HttpRequest> request, int share) {
    }

    public static void main(String[] args) throws Exception {
        Path home = null;
        int warm = 2000;
        int requests = 3000;
        int rounds = 2;
        String only = "";
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
            } else if (a.startsWith("--only=")) {
                only = value;
            } else {
                throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        if (home == null) {
            throw new IllegalArgumentException("--home=<unpacked tarball> is needed");
        }
        Path work = Files.createTempDirectory("am-api-");
        Files.createDirectories(work.resolve("plugins"));
        Files.writeString(work.resolve("prometheus.yml"), "global:\n  scrape_interval: 10s\n");
        Files.writeString(work.resolve("alertmanager.yml"), """
                route:
                  receiver: blackhole
                  group_by: [alertname]
                  group_wait: 1h
                receivers:
                  - name: blackhole
                """);
        int port = Proc.freePort();
        List<String> command = List.of(home.resolve("bin/promethium").toString(), "--config.file=" + work.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + work.resolve("data"), "--plugins.dir=" + work.resolve("plugins"),
                "--alertmanager.config.file=" + work.resolve("alertmanager.yml"),
                "--alertmanager.storage.path=" + work.resolve("am"),
                "--web.listen-address=127.0.0.1:" + port);
        String base = "http://127.0.0.1:" + port + "/api/v2";
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("server.log").toFile()).start();
        try {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready")).timeout(Duration.ofSeconds(10)).build();
            HttpRequest status = get(base + "/status");
            HttpRequest postAlerts = post(base + "/alerts", alerts(10));
            double readyAt = -1;
            double readyCpu = -1;
            double[] firstAt = {-1, -1};
            double[] waitedMs = {0, 0};
            List<Map<Integer, Integer>> before = List.of(new LinkedHashMap<>(), new LinkedHashMap<>());
            List<HttpRequest> polled = List.of(status, postAlerts);
            long deadline = started + Duration.ofSeconds(120).toNanos();
            while ((readyAt < 0 || firstAt[0] < 0 || firstAt[1] < 0) && System.nanoTime() < deadline) {
                try {
                    if (readyAt < 0 && client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        readyAt = (System.nanoTime() - started) / 1e9;
                        readyCpu = Proc.cpuSeconds(process.pid());
                    }
                    for (int i = 0; i < polled.size(); i++) {
                        if (firstAt[i] < 0) {
                            long t = System.nanoTime();
                            int code = client.send(polled.get(i), HttpResponse.BodyHandlers.discarding()).statusCode();
                            if (code == 200) {
                                firstAt[i] = (System.nanoTime() - started) / 1e9;
                                waitedMs[i] = (System.nanoTime() - t) / 1e6;
                            } else {
                                before.get(i).merge(code, 1, Integer::sum);
                            }
                        }
                    }
                } catch (IOException e) {
                    before.forEach(m -> m.merge(0, 1, Integer::sum)); // not listening yet
                }
                Thread.sleep(20);
            }
            if (readyAt < 0 || firstAt[0] < 0 || firstAt[1] < 0) {
                throw new IllegalStateException("not ready or API not served in 120 s:\n" + Files.readString(work.resolve("server.log")));
            }
            System.out.printf(Locale.ROOT, "ready after %.2f s (server CPU %.2f s); GET /api/v2/status first 200 after %.2f s (that request took %.0f ms),"
                            + " before: %s; POST /api/v2/alerts first 200 after %.2f s (%.0f ms), before: %s (status: polls, 0 = no connection);"
                            + " server CPU then %.2f s%n", readyAt, readyCpu, firstAt[0], waitedMs[0], before.get(0), firstAt[1], waitedMs[1],
                    before.get(1), Proc.cpuSeconds(process.pid()));
            if (rounds == 0) {
                return;
            }
            String silence = send(client, post(base + "/silences", silence("", "a0", "bench"))).replaceAll(".*\"silenceID\":\"([^\"]+)\".*", "$1").strip();
            send(client, post(base + "/silences", silence("", "a1", "bench")));
            send(client, post(base + "/silences", silence("", "a2", "bench")));
            List<Endpoint> endpoints = List.of(
                    new Endpoint("GET /api/v2/status", i -> status, 1),
                    new Endpoint("GET /api/v2/silences", i -> get(base + "/silences"), 1),
                    new Endpoint("POST /api/v2/silences (update)", i -> post(base + "/silences", silence(silence, "a0", "bench " + i)), 10),
                    new Endpoint("GET /api/v2/silence/{id}", i -> get(base + "/silence/" + silence), 1),
                    new Endpoint("GET /api/v2/alerts", i -> get(base + "/alerts"), 1),
                    new Endpoint("GET /api/v2/alerts/groups", i -> get(base + "/alerts/groups"), 1),
                    new Endpoint("POST /api/v2/alerts (10 alerts)", i -> postAlerts, 1));
            long pid = process.pid();
            for (int round = 1; round <= rounds; round++) {
                for (Endpoint e : endpoints) {
                    if (!only.isEmpty() && !e.name().contains(only)) {
                        continue;
                    }
                    int n = requests / e.share();
                    for (int i = 0; i < warm / e.share(); i++) {
                        send(client, e.request().apply(i));
                    }
                    double cpuBefore = Proc.cpuSeconds(pid);
                    long[] nanos = new long[n];
                    long start = System.nanoTime();
                    long bytes = 0;
                    for (int i = 0; i < n; i++) {
                        HttpRequest r = e.request().apply(i);
                        long t = System.nanoTime();
                        bytes = send(client, r).length();
                        nanos[i] = System.nanoTime() - t;
                    }
                    double wall = (System.nanoTime() - start) / 1e9;
                    double cpu = Proc.cpuSeconds(pid) - cpuBefore;
                    Arrays.sort(nanos);
                    System.out.printf(Locale.ROOT, "round %d %-34s (%5d bytes) %5d requests in %5.2f s: server CPU %.3f ms/request,"
                                    + " latency median %.3f ms, p90 %.3f ms (load average %s)%n", round, e.name(), bytes, n, wall,
                            cpu * 1000 / n, nanos[n / 2] / 1e6, nanos[n * 9 / 10] / 1e6, Proc.loadAverage());
                }
            }
        } finally {
            process.destroy();
            process.waitFor();
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static HttpRequest get(String uri) {
        return HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(60)).build();
    }

    private static HttpRequest post(String uri, String json) {
        return HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    /** {@code n} firing alerts as Prometheus's notifier posts them (labels, annotations, times, generator URL). */
    private static String alerts(int n) {
        List<String> out = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < n; i++) {
            out.add("{\"labels\":{\"alertname\":\"BenchAlert\",\"instance\":\"host-" + i + ":9100\",\"job\":\"node\",\"severity\":\"page\"},"
                    + "\"annotations\":{\"summary\":\"instance host-" + i + " is down\"},\"startsAt\":\"" + now + "\","
                    + "\"endsAt\":\"" + now.plus(Duration.ofDays(1)) + "\",\"generatorURL\":\"http://prometheus:9090/graph?g0.expr=up+%3D%3D+0\"}");
        }
        return "[" + String.join(",", out) + "]";
    }

    /**
     * Silences start in an hour (pending) and end in three: an update then changes the silence in
     * place, as Alertmanager does for a pending one, instead of expiring it and making a new one.
     */
    private static final Instant SILENCE_START = Instant.now().plus(Duration.ofHours(1));

    private static String silence(String id, String instance, String comment) {
        Instant now = SILENCE_START;
        return "{" + (id.isEmpty() ? "" : "\"id\":\"" + id + "\",") + "\"matchers\":[{\"name\":\"instance\",\"value\":\"" + instance
                + "\",\"isRegex\":false,\"isEqual\":true}],\"startsAt\":\"" + now + "\",\"endsAt\":\"" + now.plus(Duration.ofHours(2))
                + "\",\"createdBy\":\"bench\",\"comment\":\"" + comment + "\"}";
    }

    private static String send(HttpClient client, HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(request.method() + " " + request.uri() + ": status " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }
}
