package io.promethium.distribution;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every 100 ms, on its own thread: {@code /-/healthy} and {@code query=vector(1)}, each timed; a
 * failure or a status other than 200 is recorded, and the slowest answer kept. Its HTTP/1.1 client
 * keeps its connection alive, as an operator's health checker does, so it measures whether the
 * server answers, not whether a new connection gets a slot among hostile ones.
 */
final class ResponsivenessMonitor implements AutoCloseable {
    final AtomicLong slowestNanos = new AtomicLong();
    final AtomicLong checks = new AtomicLong();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    /** The checks that took 1 s or more: which and when (seconds after the monitor started). */
    final ConcurrentLinkedQueue<String> slow = new ConcurrentLinkedQueue<>();
    /** Every check: when it started (seconds after the monitor started), how long it took, what it asked. */
    final ConcurrentLinkedQueue<Check> all = new ConcurrentLinkedQueue<>();
    private final long started = System.nanoTime();

    record Check(double atSeconds, double tookSeconds, String path) {
        boolean overlaps(double from, double to) {
            return atSeconds <= to && atSeconds + tookSeconds >= from;
        }
    }
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final ServerProcess server;
    private Thread thread;

    ResponsivenessMonitor(ServerProcess server) {
        this.server = server;
    }

    /** Warms the paths it times (class loading, the first query's compilation), then starts checking. */
    ResponsivenessMonitor start() throws IOException, InterruptedException {
        for (int i = 0; i < 20; i++) {
            get("/-/healthy");
            get("/api/v1/query?query=vector(1)");
        }
        thread = Thread.ofPlatform().name("monitor").start(this::run);
        return this;
    }

    private void run() {
        while (!stop.get()) {
            for (String path : List.of("/-/healthy", "/api/v1/query?query=vector(1)")) {
                long started = System.nanoTime();
                try {
                    int status = get(path);
                    if (status != 200) {
                        failures.add(path + " answered " + status);
                    }
                } catch (Exception e) {
                    failures.add(path + ": " + e);
                }
                long took = System.nanoTime() - started;
                slowestNanos.accumulateAndGet(took, Math::max);
                all.add(new Check((started - this.started) / 1e9, took / 1e9, path));
                if (took >= 1_000_000_000L) {
                    slow.add(String.format(java.util.Locale.ROOT, "%s took %.2f s at %.1f s", path, took / 1e9,
                            (started - this.started) / 1e9));
                }
                checks.incrementAndGet();
            }
            ServerProcess.sleep(100);
        }
    }

    /** A GET on the monitor's kept-alive connection; the status code. */
    int get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    double secondsSinceStart() {
        return (System.nanoTime() - started) / 1e9;
    }

    /** The slowest check that overlapped [from, to] (seconds after the monitor started), or outside it; zero when none. */
    Duration slowest(double from, double to, boolean inside) {
        double worst = all.stream().filter(c -> c.overlaps(from, to) == inside).mapToDouble(Check::tookSeconds).max().orElse(0);
        return Duration.ofNanos((long) (worst * 1e9));
    }

    Duration slowest() {
        return Duration.ofNanos(slowestNanos.get());
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        if (thread != null) {
            thread.join(10_000);
        }
    }
}
