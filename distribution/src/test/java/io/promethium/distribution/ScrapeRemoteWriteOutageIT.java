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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Remote write through a receiver outage with samples that come in by scraping, as the issue's
 * operator ran it: the tarball's server scrapes a loopback page of {@link #SERIES} series every
 * second and writes to the real VictoriaMetrics (Debian's {@code victoria-metrics}) with
 * Prometheus's queue defaults, through a {@link RemoteWriteRelay} that sees the order samples
 * arrive in. VictoriaMetrics and the relay are stopped for {@link #OUTAGE_SECONDS} and started
 * again.
 *
 * <p>The first test is the scenario, scaled down for the suite (5k series for 10 s: five
 * times the queue's capacity of samples, long enough for the retries to reach the 5 s
 * {@code max_backoff}); {@code distribution/bench/scrape-remote-write-outage} runs it at full size
 * (100k series for 5 minutes) with {@code -Dpromethium.it.outage.series} and
 * {@code -Dpromethium.it.outage.seconds} and prints its figures. Blocks keep their default size
 * (2h): the page's first scrapes carry one sample of another series timestamped 3h before the
 * middle of the planned outage, so the head spans 1.5 block durations, and is cut and the WAL
 * truncated, in the middle of the outage: the segments the queue has not sent must outlive it.
 * Then, for every scrape up to a cut-off time, each series' samples in VictoriaMetrics (its CSV
 * export) are counted against the server's own ({@code count_over_time} at the cut-off): none
 * missing, duplicates only as at-least-once delivery allows, none out of order at the relay, the
 * queue's failed and dropped counters and its WAL gaps at 0.
 *
 * <p>The second test goes beyond the bound: an outage longer than the WAL's hold for a queue (two
 * block durations, 4 s with 2 s blocks) loses the segments truncated meanwhile, as the remote
 * plugin's README says: the gap is logged and counted, the queue resumes at the oldest segment
 * left, and every sample before and after the lost stretch arrives.
 */
class ScrapeRemoteWriteOutageIT {
    static final int SERIES = Integer.getInteger("promethium.it.outage.series", 5000);
    static final int OUTAGE_SECONDS = Integer.getInteger("promethium.it.outage.seconds", 10);
    /**
     * From the first scrape to the outage: the queue started and five scrapes sent, longer for more
     * series (at 100k, the queue starts with one shard and took 37 s on the shared machine).
     */
    static final long WARM_UP_MILLIS = Math.max(8_000L, SERIES * 6L / 10);
    /** The default block duration: the head is cut once it spans 1.5 of them. */
    static final long BLOCK_MILLIS = Duration.ofHours(2).toMillis();
    /** Series are queried a tenth at a time ({@code g} label), under the query's default sample limit. */
    static final int GROUPS = 10;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern KEPT = Pattern.compile("WAL segments (\\d+) to (\\d+) kept at truncation");
    private static final List<String> STORY = List.of("samples_in_total", "samples_total", "samples_retried_total", "samples_failed_total",
            "samples_dropped_total", "samples_pending", "enqueue_retries_total", "shards", "shards_desired", "bytes_total");
    private static final String CONFIG = """
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: page
                static_configs: [{targets: ['127.0.0.1:%d']}]
            remote_write:
              # Prometheus's queue defaults, as an operator runs it.
              - url: %s
            """;

    private final AtomicLong scrapes = new AtomicLong();
    private final AtomicLong firstScrape = new AtomicLong();
    private HttpServer target;

    @AfterEach
    void stopTarget() {
        if (target != null) {
            target.stop(0);
        }
    }

    @Test
    void everyScrapedSampleReachesVictoriaMetricsInOrderThroughAnOutageSpanningAHeadCut() throws Exception {
        Peers.require("victoria-metrics");
        // The head's first sample, 1.5 block durations before the middle of the outage.
        long anchorOffset = WARM_UP_MILLIS + OUTAGE_SECONDS * 500L - BLOCK_MILLIS * 3 / 2;
        servePage(SERIES, anchorOffset);
        try (VictoriaMetricsProcess vm = VictoriaMetricsProcess.start();
                RemoteWriteRelay relay = new RemoteWriteRelay(vm.uri("/api/v1/write"));
                ServerProcess server = ServerProcess.prepare()) {
            relay.start();
            server.config(CONFIG.formatted(target.getAddress().getPort(), relay.url())).start().awaitReady();
            server.await(Duration.ofMillis(WARM_UP_MILLIS + 60_000), () -> metric(server, "prometheus_remote_storage_samples_total")
                    >= 5L * SERIES && query(server, "count_over_time(rw_anchor[4h])").size() == 1, "five scrapes and the head's first sample sent");
            long outageAt = firstScrape.get() + WARM_UP_MILLIS;
            assertThat(System.currentTimeMillis()).as("warmed up before the planned outage (else the head is cut before it)")
                    .isLessThan(outageAt - 500);
            ServerProcess.sleep(outageAt - System.currentTimeMillis());
            double truncations = metric(server, "prometheus_tsdb_wal_truncations_total");
            Map<String, Double> atStart = story(server);
            relay.stop();
            vm.stop();
            long stoppedAt = System.currentTimeMillis();
            ServerProcess.sleep(OUTAGE_SECONDS * 1000L - (System.currentTimeMillis() - stoppedAt));
            Map<String, Double> atEnd = story(server);
            assertThat(metric(server, "prometheus_tsdb_wal_truncations_total")).as("a head cut and WAL truncation during the outage")
                    .isGreaterThan(truncations);
            assertThat(atEnd.get("samples_retried_total")).as("retried during the outage").isGreaterThan(atStart.get("samples_retried_total"));
            assertThat(atEnd.get("samples_pending")).as("pending at the end of the outage").isPositive();
            vm.startAgain();
            relay.start();
            long restartedAt = System.currentTimeMillis();
            double outageSeconds = (restartedAt - stoppedAt) / 1000.0;

            // Caught up: every sample scraped before the restart sent (and something sent since the
            // restart, so a stale or misread gauge cannot pass it before the queue moved).
            Duration catchUpBound = Duration.ofSeconds(60 + 2L * OUTAGE_SECONDS * Math.max(1, SERIES / 20_000));
            double[] maxShards = {0};
            double sentAtRestart = atEnd.get("samples_total");
            server.await(catchUpBound, () -> {
                maxShards[0] = Math.max(maxShards[0], metric(server, "prometheus_remote_storage_shards"));
                return metric(server, "prometheus_remote_storage_samples_total") > sentAtRestart
                        && metric(server, "prometheus_remote_storage_queue_highest_sent_timestamp_seconds") * 1000 >= restartedAt;
            }, "the queue caught up");
            double caughtUpSeconds = (System.currentTimeMillis() - restartedAt) / 1000.0;
            Map<String, Double> caughtUp = story(server);
            ServerProcess.sleep(Math.max(0, restartedAt + 3000 - System.currentTimeMillis()));

            // The cut-off: half a second after a scrape the server stored (all series share a scrape's timestamp).
            long cutoff = lastScrape(server) + 500;
            // Catching up with the restart leaves the scrapes taken meanwhile to send: at full size minutes more.
            server.await(catchUpBound, () -> metric(server, "prometheus_remote_storage_queue_highest_sent_timestamp_seconds")
                    * 1000 > cutoff + 2000, "the queue past the cut-off");
            double presentSeconds = (System.currentTimeMillis() - restartedAt) / 1000.0;
            forceFlush(vm);
            long[] stored = storedPerSeries(server, SERIES, cutoff);
            // Per series: [0] samples in VictoriaMetrics, [1] distinct timestamps.
            long[][] exported = new long[2][SERIES];
            long[] newest = new long[SERIES];
            java.util.Arrays.fill(newest, Long.MIN_VALUE);
            export(vm, cutoff, (i, t) -> {
                exported[0][i]++;
                if (t != newest[i]) {
                    exported[1][i]++;
                    newest[i] = t;
                }
            });
            long scraped = 0;
            long arrived = 0;
            long lost = 0;
            long extra = 0;
            long duplicates = 0;
            for (int i = 0; i < SERIES; i++) {
                scraped += stored[i];
                arrived += exported[1][i];
                lost += Math.max(0, stored[i] - exported[1][i]);
                extra += Math.max(0, exported[1][i] - stored[i]);
                duplicates += exported[0][i] - exported[1][i];
            }
            List<int[]> kept = kept(server);
            System.out.printf("scrape remote-write outage: %d series, outage %.1f s, head cut during the outage, WAL segments kept at it: %s%n",
                    SERIES, outageSeconds, kept.stream().map(k -> (k[1] - k[0] + 1) + " (" + k[0] + " to " + k[1] + ")").toList());
            System.out.printf("scrape remote-write outage: samples scraped %d (up to the cut-off), arrived %d, lost %d, not scraped %d, "
                    + "duplicated %d, out of order %d (of %d the relay saw taken)%n", scraped, arrived, lost, extra, duplicates,
                    relay.outOfOrder(), relay.samples());
            System.out.printf("scrape remote-write outage: caught up with the restart %.1f s after it, with the present (the cut-off) %.1f s"
                    + " after it, shards at most %.0f%n", caughtUpSeconds, presentSeconds, maxShards[0]);
            System.out.printf("scrape remote-write outage: prometheus_remote_storage_* at the outage's start %s%n", figures(atStart));
            System.out.printf("scrape remote-write outage: prometheus_remote_storage_* at its end %s%n", figures(atEnd));
            System.out.printf("scrape remote-write outage: prometheus_remote_storage_* caught up %s%n", figures(caughtUp));

            assertThat(scraped).as("scraped before, during and after the outage").isGreaterThan((long) SERIES * (OUTAGE_SECONDS + 5));
            for (int i = 0; i < SERIES; i++) {
                assertThat(exported[1][i]).as("distinct samples of series %d in VictoriaMetrics", i).isEqualTo(stored[i]);
            }
            assertThat(duplicates).as("samples sent twice (at-least-once around the outage)").isLessThanOrEqualTo(2L * SERIES);
            assertThat(relay.outOfOrder()).as("samples taken after a newer one of their series").isZero();
            assertThat(relay.undecodable()).isZero();
            assertThat(metric(server, "prometheus_remote_storage_samples_failed_total")).isZero();
            assertThat(metric(server, "prometheus_remote_storage_samples_dropped_total")).isZero();
            assertThat(metric(server, "promethium_remote_storage_wal_gaps_total")).isZero();
            assertThat(kept).as("WAL segments kept at the head cut: a WAL follower (remote write) has not sent them yet").isNotEmpty();
        }
    }

    @Test
    void anOutageLongerThanTheWalHoldLosesOnlyTheTruncatedStretchCountsTheGapAndResumesAtTheOldestSegmentLeft() throws Exception {
        Peers.require("victoria-metrics");
        int series = 200;
        int outageSeconds = 10;
        servePage(series, 0);
        try (VictoriaMetricsProcess vm = VictoriaMetricsProcess.start();
                RemoteWriteRelay relay = new RemoteWriteRelay(vm.uri("/api/v1/write"));
                ServerProcess server = ServerProcess.prepare()) {
            relay.start();
            // 2 s blocks: the head is cut every 2 s and the WAL keeps a queue's segments for 4 s. A cut that new
            // scrapes leave compactable again waits for the next background check: every second, not every minute.
            // A queue of 400 samples: full 2 s into the outage, its WAL reader then stops where it is (with the
            // default 10,000 it would read the whole outage into memory and nothing would be truncated under it).
            server.config(CONFIG.formatted(target.getAddress().getPort(), relay.url())
                            + "    queue_config: {capacity: 400, max_samples_per_send: 200}\n")
                    .start("--storage.tsdb.min-block-duration=2s", "--storage.tsdb.fault.compaction-interval=1s").awaitReady();
            server.await(Duration.ofSeconds(60), () -> metric(server, "prometheus_remote_storage_samples_total") >= 3L * series,
                    "three scrapes sent");
            double truncations = metric(server, "prometheus_tsdb_wal_truncations_total");
            relay.stop();
            vm.stop();
            long stoppedAt = System.currentTimeMillis();
            ServerProcess.sleep(outageSeconds * 1000L);
            double cuts = metric(server, "prometheus_tsdb_wal_truncations_total") - truncations;
            assertThat(cuts).as("head cuts during the outage").isGreaterThanOrEqualTo(3);
            vm.startAgain();
            relay.start();
            long restartedAt = System.currentTimeMillis();
            server.await(Duration.ofSeconds(60), () -> metric(server, "prometheus_remote_storage_queue_highest_sent_timestamp_seconds")
                    * 1000 >= restartedAt + 2000, "the queue caught up");
            long cutoff = lastScrape(server) + 500;
            server.await(Duration.ofSeconds(30), () -> metric(server, "prometheus_remote_storage_queue_highest_sent_timestamp_seconds")
                    * 1000 > cutoff + 2000, "the queue past the cut-off");
            forceFlush(vm);

            Map<Integer, TreeSet<Long>> stored = storedSamples(server, cutoff);
            Map<Integer, TreeSet<Long>> arrived = new java.util.HashMap<>();
            export(vm, cutoff, (i, t) -> arrived.computeIfAbsent(i, k -> new TreeSet<>()).add(t));
            assertThat(stored).hasSize(series);
            long lost = 0;
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            int stretches = 0;
            for (int i = 0; i < series; i++) {
                TreeSet<Long> got = arrived.getOrDefault(i, new TreeSet<>());
                assertThat(stored.get(i)).as("series %d: VictoriaMetrics has only samples the server stored", i).containsAll(got);
                int stretchesOfSeries = 0;
                boolean inStretch = false;
                for (long t : stored.get(i)) {
                    boolean missing = !got.contains(t);
                    if (missing) {
                        lost++;
                        first = Math.min(first, t);
                        last = Math.max(last, t);
                        stretchesOfSeries += inStretch ? 0 : 1;
                    }
                    inStretch = missing;
                }
                stretches = Math.max(stretches, stretchesOfSeries);
            }
            double gaps = metric(server, "promethium_remote_storage_wal_gaps_total");
            System.out.printf("scrape remote-write outage beyond the WAL hold: %d series, outage %d s, %.0f head cuts during it, "
                    + "%.0f gaps counted, %d samples lost (%d stretches in a series at most) from %+.1f s to %+.1f s of the outage's start, "
                    + "out of order %d%n", series, outageSeconds, cuts, gaps, lost, stretches, (first - stoppedAt) / 1000.0,
                    (last - stoppedAt) / 1000.0, relay.outOfOrder());
            assertThat(lost).as("samples of the segments truncated during the outage").isPositive();
            // Before the outage, at most a batch deadline (5 s) of samples was still unsent; after the restart, nothing is lost.
            assertThat(first).as("the first lost sample").isGreaterThan(stoppedAt - 7000);
            assertThat(last).as("the last lost sample").isLessThan(restartedAt);
            assertThat(gaps).as("gaps counted").isPositive();
            assertThat((double) stretches).as("stretches of lost samples in a series: one per gap at most").isLessThanOrEqualTo(gaps);
            assertThat(server.output()).contains("the WAL was truncated past the position");
            assertThat(relay.outOfOrder()).as("samples taken after a newer one of their series").isZero();
            assertThat(metric(server, "prometheus_remote_storage_samples_failed_total")).isZero();
            assertThat(metric(server, "prometheus_remote_storage_samples_dropped_total")).isZero();
        }
    }

    /**
     * Serves {@code rw_scraped{g, s}}, one sample per series and scrape; with {@code anchorOffset}
     * not 0 the first three scrapes also carry {@code rw_anchor} timestamped that long after the
     * first scrape (negative: before it).
     */
    private void servePage(int series, long anchorOffset) throws Exception {
        long[] anchor = {0};
        target = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        target.createContext("/metrics", exchange -> {
            long n = scrapes.incrementAndGet();
            if (n == 1) {
                firstScrape.set(System.currentTimeMillis());
                anchor[0] = firstScrape.get() + anchorOffset;
            }
            StringBuilder page = new StringBuilder(series * 40).append("# TYPE rw_scraped gauge\n");
            for (int i = 0; i < series; i++) {
                page.append("rw_scraped{g=\"").append(i % GROUPS).append("\",s=\"").append(i).append("\"} ").append(n + i).append('\n');
            }
            if (anchorOffset != 0 && n <= 3) {
                page.append("# TYPE rw_anchor gauge\nrw_anchor 1 ").append(anchor[0]).append('\n');
            }
            byte[] body = page.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        target.start();
    }

    /** The queue's figures that tell the outage's story, by name after {@code prometheus_remote_storage_}. */
    private static Map<String, Double> story(ServerProcess server) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String name : STORY) {
            out.put(name, metric(server, "prometheus_remote_storage_" + name));
        }
        return out;
    }

    private static String figures(Map<String, Double> story) {
        StringBuilder out = new StringBuilder();
        story.forEach((name, value) -> out.append(out.isEmpty() ? "" : ", ").append(name).append(' ').append(String.format("%.0f", value)));
        return out.toString();
    }

    /** Each {@code WAL segments <first> to <last> kept at truncation} the server logged. */
    private static List<int[]> kept(ServerProcess server) {
        List<int[]> out = new ArrayList<>();
        Matcher m = KEPT.matcher(server.output());
        while (m.find()) {
            out.add(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
        }
        return out;
    }

    private static void forceFlush(VictoriaMetricsProcess vm) throws Exception {
        HttpResponse<String> flushed = HTTP.send(HttpRequest.newBuilder(vm.uri("/internal/force_flush")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(flushed.statusCode()).isEqualTo(200);
    }

    /** The newest scrape's timestamp in ms, as the server stored it. */
    private static long lastScrape(ServerProcess server) {
        return Math.round(query(server, "timestamp(up{job=\"page\"})").get(0).at("/value/1").asDouble() * 1000);
    }

    private static JsonNode query(ServerProcess server, String promql) {
        try {
            return JSON.readTree(server.get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).body())
                    .at("/data/result");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String time(long millis) {
        return millis / 1000 + "." + String.format("%03d", millis % 1000);
    }

    /** Per series (by {@code s}), the samples the server holds up to {@code cutoff}. */
    private static long[] storedPerSeries(ServerProcess server, int series, long cutoff) throws Exception {
        long[] out = new long[series];
        int found = 0;
        for (int g = 0; g < GROUPS; g++) {
            String q = URLEncoder.encode("count_over_time(rw_scraped{g=\"" + g + "\"}[1h])", StandardCharsets.UTF_8);
            JsonNode answer = JSON.readTree(server.get("/api/v1/query?query=" + q + "&time=" + time(cutoff)).body());
            assertThat(answer.at("/status").asText()).as(answer::toString).isEqualTo("success");
            for (JsonNode s : answer.at("/data/result")) {
                out[s.at("/metric/s").asInt()] = Long.parseLong(s.at("/value/1").asText());
                found++;
            }
        }
        assertThat(found).as("series stored").isEqualTo(series);
        return out;
    }

    /** Per series (by {@code s}), the timestamps of the samples the server holds up to {@code cutoff} (a few series). */
    private static Map<Integer, TreeSet<Long>> storedSamples(ServerProcess server, long cutoff) throws Exception {
        String q = URLEncoder.encode("rw_scraped[10m]", StandardCharsets.UTF_8);
        JsonNode answer = JSON.readTree(server.get("/api/v1/query?query=" + q + "&time=" + time(cutoff)).body());
        Map<Integer, TreeSet<Long>> out = new java.util.HashMap<>();
        for (JsonNode s : answer.at("/data/result")) {
            TreeSet<Long> times = new TreeSet<>();
            for (JsonNode v : s.at("/values")) {
                times.add(Math.round(v.get(0).asDouble() * 1000));
            }
            out.put(s.at("/metric/s").asInt(), times);
        }
        return out;
    }

    /** One sample of VictoriaMetrics' export: the series' {@code s} label and the timestamp. */
    private interface ExportedSample {
        void accept(int series, long timestamp);
    }

    /**
     * VictoriaMetrics' samples of {@code rw_scraped} up to {@code cutoff}, streamed
     * ({@code /api/v1/export/csv}: a series' samples together in time order; tens of millions at full size).
     */
    private static void export(VictoriaMetricsProcess vm, long cutoff, ExportedSample sink) throws Exception {
        String uri = "/api/v1/export/csv?format=s,__timestamp__:unix_ms&end=" + time(cutoff)
                + "&match[]=" + URLEncoder.encode("{__name__=\"rw_scraped\"}", StandardCharsets.UTF_8);
        HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(vm.uri(uri)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                int comma = line.indexOf(',');
                if (comma <= 0) {
                    continue;
                }
                long t = Long.parseLong(line.substring(comma + 1).strip());
                if (t <= cutoff) {
                    sink.accept(Integer.parseInt(line.substring(0, comma)), t);
                }
            }
        }
    }

    /** The sum of a metric's series; a series listed twice fails the test (summed, it would read double). */
    private static double metric(ServerProcess server, String name) {
        double sum = 0;
        boolean found = false;
        Set<String> series = new HashSet<>();
        for (String line : server.get("/metrics").body().split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                String key = line.substring(0, line.lastIndexOf(' '));
                assertThat(series.add(key)).as("%s listed once on /metrics", key).isTrue();
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        return found ? sum : Double.NaN;
    }
}
