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
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * The Pushgateway API (kernel/push): cost per request and availability at start. Starts the
 * server of an unpacked tarball, polls {@code /-/ready}, {@code GET /api/v1/status} and
 * {@code PUT /metrics/job/...} (10 series) every 20 ms from the start, each on its own thread, and prints when each first
 * answered (200) and which statuses they answered before that. Then, per request kind, sends
 * {@code --warm} and {@code --requests} requests on one keep-alive connection, for
 * {@code --rounds} rounds, printing the server's CPU per request (from /proc) and the client's
 * median and 90th percentile latency: {@code PUT} and {@code POST} of a 1,000-series text page
 * (to 10 groups in turn, the same page each time, so the store stays the same size), a
 * {@code PUT} of 10 series, {@code GET /api/v1/metrics} (the 11 groups, about 0.9 MB) and
 * {@code GET /api/v1/status}. The 1,000-series pushes and the metrics list run a tenth of the
 * requests. {@code --rounds=0} measures the start alone; {@code --data=DIR} starts on a copy of
 * the data folder {@code DIR} (a WAL to replay keeps the server unready for longer, the window in
 * which the API answers or not). Loopback only, bounded by the request count.
 *
 * <pre>
 * java distribution/bench/PushApi.java --home=/tmp/home --requests=3000 --rounds=2
 * </pre>
 */
public final class PushApi {

    private record Endpoint(String name, IntFunction<HttpRequest> request, int share, int expect) {
    }

    public static void main(String[] args) throws Exception {
        Path home = null;
        int warm = 2000;
        int requests = 3000;
        int rounds = 2;
        String only = "";
        Path data = null;
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
            } else if (a.startsWith("--data=")) {
                data = Path.of(value);
            } else if (a.startsWith("--only=")) {
                only = value;
            } else {
                throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        if (home == null) {
            throw new IllegalArgumentException("--home=<unpacked tarball> is needed");
        }
        Path work = Files.createTempDirectory("push-api-");
        Files.createDirectories(work.resolve("plugins"));
        Files.writeString(work.resolve("prometheus.yml"), "global:\n  scrape_interval: 10s\n");
        if (data != null) {
            copy(data, work.resolve("data"));
        }
        int port = Proc.freePort();
        List<String> command = List.of(home.resolve("bin/promethium").toString(), "--config.file=" + work.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + work.resolve("data"), "--plugins.dir=" + work.resolve("plugins"),
                "--web.listen-address=127.0.0.1:" + port);
        String base = "http://127.0.0.1:" + port;
        String small = page(10);
        String large = page(1000);
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("server.log").toFile()).start();
        try {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest ready = HttpRequest.newBuilder(URI.create(base + "/-/ready")).timeout(Duration.ofSeconds(10)).build();
            HttpRequest status = get(base + "/api/v1/status");
            HttpRequest smallPush = push("PUT", base + "/metrics/job/bench/instance/small", small);
            // One poller per request, so a request held by the server (waiting for Jersey) delays no other poll.
            long deadline = started + Duration.ofSeconds(120).toNanos();
            List<Poll> polls = List.of(new Poll("/-/ready", ready), new Poll("GET /api/v1/status", status), new Poll("PUT /metrics/job/...", smallPush));
            List<Thread> pollers = polls.stream().map(p -> Thread.ofPlatform().start(() -> p.run(client, started, deadline, process.pid()))).toList();
            for (Thread t : pollers) {
                t.join();
            }
            Poll readyPoll = polls.get(0);
            if (polls.stream().anyMatch(p -> p.firstAt < 0)) {
                throw new IllegalStateException("not ready or API not served in 120 s:\n" + Files.readString(work.resolve("server.log")));
            }
            System.out.printf(Locale.ROOT, "ready after %.2f s (server CPU %.2f s)%n", readyPoll.firstAt, readyPoll.cpuAt);
            for (Poll p : polls.subList(1, polls.size())) {
                System.out.printf(Locale.ROOT, "  %-20s first 200 after %.2f s (%+.2f s from ready; that request sent at %+.2f s, took %.0f ms),"
                                + " before: %s (status: polls, 0 = no connection)%n", p.name, p.firstAt, p.firstAt - readyPoll.firstAt,
                        p.sentAt - readyPoll.firstAt, (p.firstAt - p.sentAt) * 1000, p.before);
            }
            System.out.printf(Locale.ROOT, "  server CPU then %.2f s%n", Proc.cpuSeconds(process.pid()));
            if (rounds == 0) {
                return;
            }
            for (int g = 0; g < 10; g++) {
                send(client, push("PUT", base + "/metrics/job/bench/instance/large-" + g, large), 200);
            }
            List<Endpoint> endpoints = List.of(
                    new Endpoint("PUT 1,000 series", i -> push("PUT", base + "/metrics/job/bench/instance/large-" + i % 10, large), 10, 200),
                    new Endpoint("POST 1,000 series", i -> push("POST", base + "/metrics/job/bench/instance/large-" + i % 10, large), 10, 200),
                    new Endpoint("PUT 10 series", i -> smallPush, 1, 200),
                    new Endpoint("GET /api/v1/metrics", i -> get(base + "/api/v1/metrics"), 10, 200),
                    new Endpoint("GET /api/v1/status", i -> status, 1, 200));
            long pid = process.pid();
            for (int round = 1; round <= rounds; round++) {
                for (Endpoint e : endpoints) {
                    if (!only.isEmpty() && !e.name().contains(only)) {
                        continue;
                    }
                    int n = requests / e.share();
                    for (int i = 0; i < warm / e.share(); i++) {
                        send(client, e.request().apply(i), e.expect());
                    }
                    double cpuBefore = Proc.cpuSeconds(pid);
                    long[] nanos = new long[n];
                    long start = System.nanoTime();
                    long bytes = 0;
                    for (int i = 0; i < n; i++) {
                        HttpRequest r = e.request().apply(i);
                        long t = System.nanoTime();
                        bytes = send(client, r, e.expect()).length();
                        nanos[i] = System.nanoTime() - t;
                    }
                    double wall = (System.nanoTime() - start) / 1e9;
                    double cpu = Proc.cpuSeconds(pid) - cpuBefore;
                    Arrays.sort(nanos);
                    System.out.printf(Locale.ROOT, "round %d %-22s (%6d bytes) %5d requests in %5.2f s: server CPU %.3f ms/request,"
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

    /** Sends {@code request} every 20 ms until it is answered 200: when (from the start), and what it answered before. */
    private static final class Poll {
        final String name;
        final HttpRequest request;
        final Map<Integer, Integer> before = new LinkedHashMap<>();
        volatile double firstAt = -1;
        volatile double sentAt = -1;
        volatile double cpuAt = -1;

        Poll(String name, HttpRequest request) {
            this.name = name;
            this.request = request;
        }

        void run(HttpClient client, long started, long deadline, long pid) {
            try {
                while (System.nanoTime() < deadline) {
                    long sent = System.nanoTime();
                    int code;
                    try {
                        code = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (IOException e) {
                        code = 0; // not listening yet
                    }
                    if (code == 200) {
                        firstAt = (System.nanoTime() - started) / 1e9;
                        sentAt = (sent - started) / 1e9;
                        cpuAt = Proc.cpuSeconds(pid);
                        return;
                    }
                    before.merge(code, 1, Integer::sum);
                    Thread.sleep(20);
                }
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else if (!f.getFileName().toString().equals("lock")) {
                    Files.copy(f, target);
                }
            }
        }
    }

    /** A text page of {@code series} counters, 10 families of {@code series / 10} series, as a batch job pushes. */
    static String page(int series) {
        StringBuilder out = new StringBuilder();
        int perFamily = Math.max(1, series / 10);
        for (int f = 0; f < series / perFamily; f++) {
            out.append("# HELP bench_job_items_").append(f).append("_total Items the job handled.\n");
            out.append("# TYPE bench_job_items_").append(f).append("_total counter\n");
            for (int s = 0; s < perFamily; s++) {
                out.append("bench_job_items_").append(f).append("_total{shard=\"").append(s).append("\",kind=\"batch\"} ")
                        .append(s * 7 + f).append('\n');
            }
        }
        return out.toString();
    }

    private static HttpRequest get(String uri) {
        return HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(60)).build();
    }

    private static HttpRequest push(String method, String uri, String body) {
        return HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(60)).header("Content-Type", "text/plain; version=0.0.4")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static String send(HttpClient client, HttpRequest request, int expect) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expect) {
            throw new IllegalStateException(request.method() + " " + request.uri() + ": status " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }
}
