package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.promethium.testsupport.Peers;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Remote write through a receiver outage with samples that come in by scraping, as the issue's
 * operator ran it: the server scrapes a loopback page of {@value #SERIES} series every second and
 * writes to the real VictoriaMetrics (Debian's {@code victoria-metrics}) with Prometheus's queue
 * defaults; VictoriaMetrics is stopped (SIGTERM) for {@link #OUTAGE_SECONDS} (10 s here: five
 * times the queue's capacity of samples, long enough for the retries to reach the 5 s
 * {@code max_backoff}) and started again. Blocks of {@value #BLOCK_SECONDS} s make the head cut
 * (and the WAL truncate) during the outage, at least once: the segments the queue has not sent
 * must outlive it. Then, for every scrape up to a cut-off time, each
 * series' samples in VictoriaMetrics (its CSV export) are counted against the server's own
 * ({@code count_over_time} at the cut-off): none missing, duplicates only as at-least-once delivery
 * allows, the queue's failed and dropped counters and its WAL gaps at 0.
 */
class ScrapeRemoteWriteOutageIT {
    static final int SERIES = 5000;
    /** The outage; {@code -Dpromethium.it.outage.seconds=60} is the issue's. */
    static final int OUTAGE_SECONDS = Integer.getInteger("promethium.it.outage.seconds", 10);
    /** The block duration: the head is cut once it spans 1.5 of them, within the outage. */
    static final int BLOCK_SECONDS = 8;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AtomicLong scrapes = new AtomicLong();
    private HttpServer target;

    @AfterEach
    void stopTarget() {
        if (target != null) {
            target.stop(0);
        }
    }

    @Test
    void everyScrapedSampleReachesVictoriaMetricsThroughAnOutage() throws Exception {
        Peers.require("victoria-metrics");
        target = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        target.createContext("/metrics", exchange -> {
            long n = scrapes.incrementAndGet();
            StringBuilder page = new StringBuilder(SERIES * 32).append("# TYPE rw_scraped gauge\n");
            for (int i = 0; i < SERIES; i++) {
                page.append("rw_scraped{s=\"").append(i).append("\"} ").append(n + i).append('\n');
            }
            byte[] body = page.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        target.start();

        try (VictoriaMetricsProcess vm = VictoriaMetricsProcess.start(); ServerProcess server = ServerProcess.prepare()) {
            server.config("""
                    global:
                      scrape_interval: 1s
                    scrape_configs:
                      - job_name: page
                        static_configs: [{targets: ['127.0.0.1:%d']}]
                    remote_write:
                      # Prometheus's queue defaults, as an operator runs it.
                      - url: http://127.0.0.1:%d/api/v1/write
                    """.formatted(target.getAddress().getPort(), vm.port)).start("--storage.tsdb.min-block-duration=" + BLOCK_SECONDS + "s")
                    .awaitReady();
            server.await(Duration.ofSeconds(60), () -> metric(server, "prometheus_remote_storage_samples_total") >= 5L * SERIES,
                    "five scrapes sent");
            double truncations = metric(server, "prometheus_tsdb_wal_truncations_total");
            vm.stop();
            ServerProcess.sleep(OUTAGE_SECONDS * 1000L);
            server.await(Duration.ofSeconds(60), () -> metric(server, "prometheus_tsdb_wal_truncations_total") > truncations,
                    "a head cut and WAL truncation during the outage");
            assertThat(metric(server, "prometheus_remote_storage_samples_retried_total")).as("retried during the outage").isPositive();
            vm.startAgain();
            ServerProcess.sleep(3000);

            // The cut-off: half a second after a scrape the server stored (all series share a scrape's timestamp).
            long cutoff = lastScrape(server) + 500;
            server.await(Duration.ofSeconds(60), () -> metric(server, "prometheus_remote_storage_queue_highest_sent_timestamp_seconds")
                    * 1000 > cutoff + 2000, "the queue past the cut-off");
            HttpResponse<String> flushed = HTTP.send(HttpRequest.newBuilder(vm.uri("/internal/force_flush")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(flushed.statusCode()).isEqualTo(200);

            long[] stored = storedPerSeries(server, cutoff);
            long[][] exported = exportedPerSeries(vm, cutoff);
            long missing = 0;
            long duplicates = 0;
            long total = 0;
            for (int i = 0; i < SERIES; i++) {
                missing += Math.max(0, stored[i] - exported[1][i]);
                duplicates += exported[0][i] - exported[1][i];
                total += stored[i];
            }
            System.out.printf("scrape remote-write outage: %d series, %d samples scraped up to the cut-off, outage %d s, "
                    + "missing %d, duplicates %d, shards %.0f%n", SERIES, total, OUTAGE_SECONDS, missing, duplicates,
                    metric(server, "prometheus_remote_storage_shards"));
            assertThat(total).as("scraped before, during and after the outage").isGreaterThan((long) SERIES * (OUTAGE_SECONDS + 5));
            for (int i = 0; i < SERIES; i++) {
                assertThat(exported[1][i]).as("distinct samples of series %d in VictoriaMetrics", i).isEqualTo(stored[i]);
            }
            assertThat(duplicates).as("samples sent twice (at-least-once around the outage)").isLessThanOrEqualTo(2L * SERIES);
            assertThat(metric(server, "prometheus_remote_storage_samples_failed_total")).isZero();
            assertThat(metric(server, "prometheus_remote_storage_samples_dropped_total")).isZero();
            assertThat(metric(server, "promethium_remote_storage_wal_gaps_total")).isZero();
            assertThat(server.output()).contains("kept at truncation: a WAL follower (remote write) has not sent them yet");
        }
    }

    /** The newest scrape's timestamp in ms, as the server stored it. */
    private static long lastScrape(ServerProcess server) throws Exception {
        JsonNode answer = JSON.readTree(server.get("/api/v1/query?query=" + URLEncoder.encode("timestamp(up{job=\"page\"})",
                StandardCharsets.UTF_8)).body());
        return Math.round(answer.at("/data/result/0/value/1").asDouble() * 1000);
    }

    /** Per series (by {@code s}), the samples the server holds up to {@code cutoff}. */
    private static long[] storedPerSeries(ServerProcess server, long cutoff) throws Exception {
        String q = URLEncoder.encode("count_over_time(rw_scraped[1h])", StandardCharsets.UTF_8);
        JsonNode answer = JSON.readTree(server.get("/api/v1/query?query=" + q + "&time=" + cutoff / 1000 + "."
                + String.format("%03d", cutoff % 1000)).body());
        long[] out = new long[SERIES];
        JsonNode result = answer.at("/data/result");
        assertThat(result.size()).as("series stored").isEqualTo(SERIES);
        for (JsonNode s : result) {
            out[s.at("/metric/s").asInt()] = Long.parseLong(s.at("/value/1").asText());
        }
        return out;
    }

    /**
     * Per series, VictoriaMetrics' samples up to {@code cutoff}: [0] all, [1] distinct timestamps
     * ({@code /api/v1/export/csv}, a series' samples together in time order).
     */
    private static long[][] exportedPerSeries(VictoriaMetricsProcess vm, long cutoff) throws Exception {
        long[][] out = new long[2][SERIES];
        long[] last = new long[SERIES];
        java.util.Arrays.fill(last, Long.MIN_VALUE);
        String uri = "/api/v1/export/csv?format=s,__timestamp__:unix_ms&end=" + cutoff / 1000 + "." + String.format("%03d", cutoff % 1000)
                + "&match[]=" + URLEncoder.encode("{__name__=\"rw_scraped\"}", StandardCharsets.UTF_8);
        HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(vm.uri(uri)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                int comma = line.indexOf(',');
                if (comma <= 0) {
                    continue;
                }
                int i = Integer.parseInt(line.substring(0, comma));
                long t = Long.parseLong(line.substring(comma + 1).strip());
                if (t > cutoff) {
                    continue;
                }
                out[0][i]++;
                if (t != last[i]) {
                    out[1][i]++;
                    last[i] = t;
                }
            }
        }
        return out;
    }

    /** A metric of the server's {@code /metrics}, summed over its label sets. */
    private static double metric(ServerProcess server, String name) {
        double sum = 0;
        boolean found = false;
        for (String line : server.get("/metrics").body().split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        return found ? sum : Double.NaN;
    }
}
