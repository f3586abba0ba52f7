package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.promethium.api.model.Labels;
import io.promethium.remote.wire.Snappy;
import io.promethium.remote.wire.WriteRequestDecoder;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Remote write to receivers that refuse, on the tarball: the server scrapes a loopback page every
 * second and writes to three queues, each to a loopback receiver answering as the remote-write
 * spec documents (a stand-in: no real receiver can be made to answer 429 for a while or 400 to
 * one series on demand), decoding each snappy + protobuf 1.0 request with the project's own
 * {@code promethium-remote-wire} codec:
 * <ul>
 * <li>{@code throttled-retry} ({@code retry_on_http_429: true}) answers 429 with
 * {@code Retry-After: 1} for {@value #THROTTLE_SECONDS} s from its first request, then 204: every
 * sample the server stored arrives once, retried samples are counted, none failed or dropped, and
 * the retries wait the second asked for rather than the 200 ms {@code max_backoff};</li>
 * <li>{@code throttled-default} (no {@code retry_on_http_429}: off, as in Prometheus) answers the
 * same: each refused batch is sent once, counted failed, never retried, and every later sample
 * arrives;</li>
 * <li>{@code refusing} answers 400 to any request holding a sample of
 * {@value #REFUSED} (having written the other series, as Prometheus's receiver does with an
 * out-of-order sample), 204 otherwise: the whole batch counts failed, is never retried, the queue
 * moves on, and every sample of every other series arrives once.</li>
 * </ul>
 * What arrived is compared with the server's own raw samples ({@code {job="page"}[5m]} at a
 * cut-off half a second after a scrape). One server start, 26 s on the shared 2-core machine.
 */
@Tag("alone") // run with the machine to itself (the pom's "alone" run): it times the throttled warnings
class RemoteWriteRefusalsIT {
    static final int SERIES = 20;
    static final int THROTTLE_SECONDS = 8;
    static final String REFUSED = "scrape_duration_seconds";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AtomicLong scrapes = new AtomicLong();
    private HttpServer loopback;

    @AfterEach
    void stopLoopback() {
        if (loopback != null) {
            loopback.stop(0);
        }
    }

    @Test
    void throttledAndRefusingReceiversGetEverySampleTheirAnswersAllowAndTheCountersSayWhatWasNot() throws Exception {
        loopback = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        loopback.createContext("/metrics", exchange -> {
            long n = scrapes.incrementAndGet();
            StringBuilder page = new StringBuilder("# TYPE rw_page gauge\n");
            for (int i = 0; i < SERIES; i++) {
                page.append("rw_page{s=\"").append(i).append("\"} ").append(n + i).append('\n');
            }
            reply(exchange, 200, page.toString());
        });
        Receiver retrying = new Receiver(Duration.ofSeconds(THROTTLE_SECONDS), null);
        Receiver dropping = new Receiver(Duration.ofSeconds(THROTTLE_SECONDS), null);
        Receiver refusing = new Receiver(null, REFUSED);
        loopback.createContext("/throttled-retry", retrying::handle);
        loopback.createContext("/throttled-default", dropping::handle);
        loopback.createContext("/refusing", refusing::handle);
        loopback.start();
        String base = "http://127.0.0.1:" + loopback.getAddress().getPort();

        try (ServerProcess server = ServerProcess.prepare().asShipped()) {
            server.config("""
                    global:
                      scrape_interval: 1s
                    scrape_configs:
                      - job_name: page
                        static_configs: [{targets: ['127.0.0.1:%1$d']}]
                    # Only samples are under test: no metadata requests. A 1 s batch deadline keeps the run short.
                    remote_write:
                      - name: throttled-retry
                        url: %2$s/throttled-retry
                        # One shard, so the 429s counted are one queue's retries; max_backoff far below the Retry-After.
                        queue_config: {retry_on_http_429: true, batch_send_deadline: 1s, max_shards: 1, max_backoff: 200ms}
                        metadata_config: {send: false}
                      - name: throttled-default
                        url: %2$s/throttled-default
                        queue_config: {batch_send_deadline: 1s}
                        metadata_config: {send: false}
                      - name: refusing
                        url: %2$s/refusing
                        # Small batches, so some hold no sample of the refused series and are written whole.
                        queue_config: {batch_send_deadline: 1s, max_samples_per_send: 10}
                        metadata_config: {send: false}
                    """.formatted(loopback.getAddress().getPort(), base)).start().awaitReady();
            server.await(Duration.ofSeconds(30), () -> retrying.throttleEnds() > 0 && dropping.throttleEnds() > 0,
                    "the first request to each throttling receiver");
            long settle = Math.max(retrying.throttleEnds(), dropping.throttleEnds()) + 3_000 - System.currentTimeMillis();
            ServerProcess.sleep(Math.max(0, settle));

            long cutoff = lastScrape(server) + 500;
            for (String queue : List.of("throttled-retry", "throttled-default", "refusing")) {
                server.await(Duration.ofSeconds(30), () -> metric(server, "prometheus_remote_storage_queue_highest_sent_timestamp_seconds",
                        queue) * 1000 > cutoff + 1000, queue + " past the cut-off");
            }
            Map<Labels, TreeSet<Long>> stored = stored(server, cutoff);
            assertThat(stored).as("series stored: the page and the scrape's own").hasSize(SERIES + 5);
            long storedSamples = stored.values().stream().mapToLong(TreeSet::size).sum();
            assertThat(storedSamples).as("samples stored up to the cut-off").isGreaterThan((long) (SERIES + 5) * (THROTTLE_SECONDS + 3));

            // 429, retried: everything arrives once, after the waits the receiver asked for.
            awaitNoProblems(server, "throttled-retry", () -> {
                List<String> problems = new ArrayList<>();
                stored.forEach((series, samples) -> {
                    expect(problems, series + " written", retrying.written(series, cutoff), samples);
                    expectOnce(problems, series + " written", retrying.written(series, cutoff));
                });
                expectEqual(problems, "retried samples = samples answered 429",
                        metric(server, "prometheus_remote_storage_samples_retried_total", "throttled-retry"), retrying.answered(429));
                return problems;
            });
            assertThat(retrying.answered(429)).as("samples answered 429").isPositive();
            assertThat(retrying.requests(429)).as("429 answers in %d s, each retry a second after the last", THROTTLE_SECONDS)
                    .isBetween(2L, THROTTLE_SECONDS + 2L);
            assertThat(metric(server, "prometheus_remote_storage_samples_failed_total", "throttled-retry")).isZero();
            assertThat(metric(server, "prometheus_remote_storage_samples_dropped_total", "throttled-retry")).isZero();

            // 429 without retry_on_http_429: each refused batch sent once, counted failed; the rest arrives.
            awaitNoProblems(server, "throttled-default", () -> {
                List<String> problems = new ArrayList<>();
                stored.forEach((series, samples) -> {
                    expect(problems, series + " sent", dropping.seen(series, cutoff), samples);
                    expectOnce(problems, series + " sent", dropping.seen(series, cutoff));
                    List<Long> written = dropping.written(series, cutoff);
                    // A series' batches go out in time order: once the throttle ends, every later sample is written.
                    if (written.isEmpty() || !written.equals(List.copyOf(samples.tailSet(written.getFirst())))) {
                        problems.add(series + ": written " + written + " is not every stored sample from a point on " + samples);
                    }
                });
                expectEqual(problems, "failed samples = samples answered 429",
                        metric(server, "prometheus_remote_storage_samples_failed_total", "throttled-default"), dropping.answered(429));
                return problems;
            });
            assertThat(dropping.answered(429)).as("samples answered 429").isPositive();
            assertThat(metric(server, "prometheus_remote_storage_samples_retried_total", "throttled-default")).isZero();
            assertThat(metric(server, "prometheus_remote_storage_samples_dropped_total", "throttled-default")).isZero();

            // 400 for part of a batch: the batch counted failed and not retried; every other series arrives whole.
            awaitNoProblems(server, "refusing", () -> {
                List<String> problems = new ArrayList<>();
                stored.forEach((series, samples) -> {
                    expect(problems, series + " sent", refusing.seen(series, cutoff), samples);
                    expectOnce(problems, series + " sent", refusing.seen(series, cutoff));
                    expect(problems, series + " written", refusing.written(series, cutoff),
                            REFUSED.equals(series.metricName()) ? new TreeSet<>() : samples);
                });
                expectEqual(problems, "failed samples = samples answered 400",
                        metric(server, "prometheus_remote_storage_samples_failed_total", "refusing"), refusing.answered(400));
                return problems;
            });
            assertThat(refusing.answered(400)).as("samples answered 400").isPositive();
            assertThat(refusing.requests(204)).as("batches without the refused series, written whole").isPositive();
            assertThat(metric(server, "prometheus_remote_storage_samples_retried_total", "refusing")).isZero();
            assertThat(metric(server, "prometheus_remote_storage_samples_dropped_total", "refusing")).isZero();
            assertThat(server.output()).contains("remote_write refusing", "server returned HTTP status 400",
                    "(not recoverable: dropped and counted)");

            System.out.printf("remote-write refusals: %d samples stored up to the cut-off; throttled-retry: %d answered 429 in %d requests, "
                    + "throttled-default: %d answered 429 (failed), refusing: %d answered 400 (failed) in %d requests, %d requests written whole%n",
                    storedSamples, retrying.answered(429), retrying.requests(429), dropping.answered(429), refusing.answered(400),
                    refusing.requests(400), refusing.requests(204));
        }
    }

    /**
     * One path of the loopback receiver. It throttles (429 with {@code Retry-After: 1} until
     * {@code throttle} after its first request, then 204) or refuses (400 to a request holding a
     * sample of {@code refusedMetric}, having written the request's other series; 204 otherwise),
     * and keeps every sample it was sent and every one it wrote, by series.
     */
    private static final class Receiver {
        private final Duration throttle;
        private final String refusedMetric;
        private final Map<Labels, List<Long>> seen = new HashMap<>();
        private final Map<Labels, List<Long>> written = new HashMap<>();
        private final Map<Integer, long[]> byStatus = new HashMap<>();
        private long throttleEnds;

        Receiver(Duration throttle, String refusedMetric) {
            this.throttle = throttle;
            this.refusedMetric = refusedMetric;
        }

        void handle(HttpExchange exchange) throws IOException {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<Labels, long[]> request = new java.util.LinkedHashMap<>();
            int samples;
            try {
                byte[] raw = Snappy.decode(body, body.length, 64 << 20);
                new WriteRequestDecoder().decode(raw, raw.length, (labels, timestamps, values, count, exemplars, exemplarCount) ->
                        request.merge(labels, java.util.Arrays.copyOf(timestamps, count), RemoteWriteRefusalsIT::concat));
                samples = request.values().stream().mapToInt(t -> t.length).sum();
            } catch (Exception e) {
                reply(exchange, 400, "cannot decode the request: " + e.getMessage());
                return;
            }
            int status;
            synchronized (this) {
                long now = System.currentTimeMillis();
                if (throttle != null && throttleEnds == 0) {
                    throttleEnds = now + throttle.toMillis();
                }
                boolean refused = refusedMetric != null && request.keySet().stream().anyMatch(l -> refusedMetric.equals(l.metricName()));
                status = throttle != null && now < throttleEnds ? 429 : refused ? 400 : 204;
                request.forEach((labels, timestamps) -> {
                    List<Long> s = seen.computeIfAbsent(labels, k -> new ArrayList<>());
                    List<Long> w = written.computeIfAbsent(labels, k -> new ArrayList<>());
                    for (long t : timestamps) {
                        s.add(t);
                        if (status == 204 || (status == 400 && !refusedMetric.equals(labels.metricName()))) {
                            w.add(t);
                        }
                    }
                });
                long[] counts = byStatus.computeIfAbsent(status, k -> new long[2]);
                counts[0]++;
                counts[1] += samples;
            }
            if (status == 204) {
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            } else if (status == 429) {
                exchange.getResponseHeaders().set("Retry-After", "1");
                reply(exchange, 429, "too many requests");
            } else {
                reply(exchange, 400, "out of order sample for " + refusedMetric);
            }
        }

        synchronized long throttleEnds() {
            return throttleEnds;
        }

        /** Requests answered {@code status}. */
        synchronized long requests(int status) {
            return byStatus.getOrDefault(status, new long[2])[0];
        }

        /** Samples in the requests answered {@code status}. */
        synchronized long answered(int status) {
            return byStatus.getOrDefault(status, new long[2])[1];
        }

        /** Every sample of {@code series} up to {@code cutoff} sent here, in arrival order, repeats included. */
        synchronized List<Long> seen(Labels series, long cutoff) {
            return upTo(seen.get(series), cutoff);
        }

        /** The samples of {@code series} up to {@code cutoff} this receiver wrote, repeats included. */
        synchronized List<Long> written(Labels series, long cutoff) {
            return upTo(written.get(series), cutoff);
        }

        private static List<Long> upTo(List<Long> timestamps, long cutoff) {
            return timestamps == null ? List.of() : timestamps.stream().filter(t -> t <= cutoff).toList();
        }
    }

    private static long[] concat(long[] a, long[] b) {
        long[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void expect(List<String> problems, String what, List<Long> actual, TreeSet<Long> expected) {
        if (!new TreeSet<>(actual).equals(expected)) {
            TreeSet<Long> missing = new TreeSet<>(expected);
            missing.removeAll(actual);
            TreeSet<Long> extra = new TreeSet<>(actual);
            extra.removeAll(expected);
            problems.add(what + ": missing " + missing + ", not stored " + extra);
        }
    }

    private static void expectOnce(List<String> problems, String what, List<Long> actual) {
        if (new TreeSet<>(actual).size() != actual.size()) {
            problems.add(what + " more than once: " + actual);
        }
    }

    private static void expectEqual(List<String> problems, String what, double metric, long counted) {
        if (metric != counted) {
            problems.add(what + ": " + metric + " != " + counted);
        }
    }

    /** Waits up to 20 s for {@code check} to find nothing wrong (a batch may still be in flight); then asserts it. */
    private static void awaitNoProblems(ServerProcess server, String queue, Supplier<List<String>> check) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<String> problems = check.get();
        while (!problems.isEmpty() && System.nanoTime() < deadline) {
            ServerProcess.sleep(250);
            problems = check.get();
        }
        assertThat(List.copyOf(problems)).as(() -> "queue " + queue + " against what the server stored\n" + server.output()).isEmpty();
    }

    private static void reply(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** The newest scrape's timestamp in ms, as the server stored it. */
    private static long lastScrape(ServerProcess server) throws Exception {
        JsonNode answer = JSON.readTree(server.get("/api/v1/query?query=" + URLEncoder.encode("timestamp(up{job=\"page\"})",
                StandardCharsets.UTF_8)).body());
        return Math.round(answer.at("/data/result/0/value/1").asDouble() * 1000);
    }

    /** Every series of the job with the timestamps the server holds up to {@code cutoff}. */
    private static Map<Labels, TreeSet<Long>> stored(ServerProcess server, long cutoff) throws Exception {
        String q = URLEncoder.encode("{job=\"page\"}[5m]", StandardCharsets.UTF_8);
        JsonNode answer = JSON.readTree(server.get("/api/v1/query?query=" + q + "&time=" + cutoff / 1000 + "."
                + String.format("%03d", cutoff % 1000)).body());
        Map<Labels, TreeSet<Long>> out = new HashMap<>();
        for (JsonNode s : answer.at("/data/result")) {
            Map<String, String> labels = new TreeMap<>();
            s.path("metric").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
            TreeSet<Long> timestamps = new TreeSet<>();
            s.path("values").forEach(p -> timestamps.add(Math.round(p.get(0).asDouble() * 1000)));
            out.put(Labels.fromMap(labels), timestamps);
        }
        return out;
    }

    /** A metric of the server's {@code /metrics} for one queue ({@code remote_name}), summed over its other labels. */
    private static double metric(ServerProcess server, String name, String queue) {
        double sum = 0;
        boolean found = false;
        for (String line : server.get("/metrics").body().split("\n")) {
            if (line.startsWith(name + "{") && line.contains("remote_name=\"" + queue + "\"")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        return found ? sum : Double.NaN;
    }
}
