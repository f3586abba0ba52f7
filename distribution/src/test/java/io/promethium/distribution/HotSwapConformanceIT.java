package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.promethium.api.testing.RecordingHttpServer;
import io.promethium.remote.wire.Snappy;
import io.promethium.remote.wire.WriteRequestDecoder;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Hot-swap conformance on the tarball, kept lean (one server, about a minute and a half): 100
 * file_sd targets (one loopback page served by this test, told apart by a label) scraped every
 * 2 s, the server's own {@code /metrics} and both bundled exporters scraped every second, a
 * recording and an alerting rule evaluated every second, the alert routed by the in-process
 * Alertmanager to a webhook recorder, {@code remote_write} to a recorder. The file discovery
 * plugin, the webhook notifier and the remote storage plugin are moved from {@code bundles/} to
 * {@code plugins/} so they are plugins like the exporters.
 * <ol>
 *   <li>At start their three keys wait (metric and {@code /api/v1/admin/plugins}); dropped in,
 *       they start.</li>
 *   <li>Each of them and both bundled exporters is swapped to a rebuilt copy with another
 *       {@code Bundle-Version} and back: {@code up} of all 100 targets, of both exporters and of
 *       the server's own page, the recording rule's result and a series of each exporter have a
 *       point at every 250 ms step
 *       (no missed scrape, no staleness marker, no skipped evaluation), and so does the remote
 *       storage plugin's collector series on the server's own page; no scrape saw a duplicate
 *       sample (never both versions);
 *       notifications keep coming with none failed; every sample of the recording rule the TSDB
 *       holds over the swaps reached the remote write receiver (decoded from its requests), and
 *       the queue counted none failed or dropped; the admin API shows each version at each
 *       step.</li>
 *   <li>Each is stopped and started through the admin API: the admin API shows the stopped
 *       plugin and the keys waiting for it, then neither.</li>
 * </ol>
 * The notifier swap's "removed code never sends" and "notification log kept" are checked by
 * {@link PluginLifecycleIT} (its notifier's text tells versions apart); the TSDB's swap by
 * {@link StorageHotSwapIT}; plugins serving HTTP routes (the remote write receiver, a JAX-RS
 * resource) swapped under load by {@link RouteHotSwapIT}. The page the targets scrape sends a {@code Content-Type}: without
 * one, Prometheus 3 (and Promethium) fail the scrape unless {@code fallback_scrape_protocol} is
 * set.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HotSwapConformanceIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TARGETS = 100;

    private static ServerProcess server;
    private static HttpServer page;
    private static RecordingHttpServer webhook;
    private static RecordingHttpServer remote;
    /** Plugin file in plugins/ → the original jar (kept aside). */
    private static final Map<String, Path> ORIGINALS = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        page = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        page.createContext("/metrics", ex -> {
            byte[] body = "# TYPE conformance_page gauge\nconformance_page 1\n".getBytes(StandardCharsets.UTF_8);
            // Prometheus 3 (and so Promethium) fails a page without a Content-Type when no fallback_scrape_protocol is set.
            ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        page.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        page.start();
        webhook = RecordingHttpServer.http();
        remote = RecordingHttpServer.http();
        server = ServerProcess.prepare();
        Path aside = Files.createDirectories(server.home.resolve("aside"));
        for (String[] bundle : new String[][] {{"promethium-discovery-file-*.jar", "file-sd.jar"},
                {"promethium-notifier-webhook-*.jar", "webhook.jar"}, {"promethium-remote-[0-9]*.jar", "remote.jar"}}) {
            try (DirectoryStream<Path> jars = Files.newDirectoryStream(server.home.resolve("bundles"), bundle[0])) {
                for (Path jar : jars) {
                    ORIGINALS.put(bundle[1], Files.move(jar, aside.resolve(bundle[1])));
                }
            }
            assertThat(ORIGINALS).as(bundle[0] + " in bundles/").containsKey(bundle[1]);
        }
        for (String exporter : List.of("promethium-exporter-jvm.jar", "promethium-exporter-node.jar")) {
            ORIGINALS.put(exporter, Files.copy(server.home.resolve("plugins/" + exporter), aside.resolve(exporter)));
        }
        StringBuilder targets = new StringBuilder("[");
        for (int i = 0; i < TARGETS; i++) {
            targets.append(i == 0 ? "" : ",").append("{\"targets\":[\"127.0.0.1:").append(page.getAddress().getPort())
                    .append("\"],\"labels\":{\"i\":\"").append(i).append("\"}}");
        }
        Files.writeString(server.home.resolve("conf/targets.json"), targets.append("]").toString());
        Files.writeString(server.home.resolve("conf/rules.yml"), """
                groups:
                  - name: conformance
                    interval: 1s
                    rules:
                      - record: many:up:sum
                        expr: sum(up{job="many"})
                      - alert: ManyUp
                        expr: many:up:sum > 0
                """);
        Files.writeString(server.home.resolve("conf/alertmanager.yml"), """
                route:
                  receiver: hook
                  group_by: [alertname]
                  group_wait: 1s
                  group_interval: 1s
                  repeat_interval: 1s
                receivers:
                  - name: hook
                    webhook_configs:
                      - url: %s
                """.formatted(webhook.url("/hook")));
        server.config("""
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files: [rules.yml]
                alerting:
                  alertmanagers:
                    - static_configs: [{targets: ['127.0.0.1:%d']}]
                remote_write:
                  - url: %s
                    queue_config: {batch_send_deadline: 1s}
                scrape_configs:
                  - job_name: many
                    # 2 s: half the load of the test's page, and a 2 s scrape timeout for a loaded machine.
                    scrape_interval: 2s
                    file_sd_configs:
                      - files: [targets.json]
                        refresh_interval: 1s
                  # The exporters at 2 s: a scrape waits up to half its timeout for an exporter being updated,
                  # and a loaded machine's plugin restart can take longer than the 0.5 s a 1 s timeout gives.
                  - job_name: jvm
                    metrics_path: /exporters/jvm/metrics
                    scrape_interval: 2s
                    static_configs: [{targets: ['127.0.0.1:%d']}]
                  - job_name: node
                    metrics_path: /exporters/node/metrics
                    scrape_interval: 2s
                    static_configs: [{targets: ['127.0.0.1:%d']}]
                  - job_name: self
                    static_configs: [{targets: ['127.0.0.1:%d']}]
                """.formatted(server.port, remote.url("/write"), server.port, server.port, server.port))
                .start("--alertmanager.config.file=conf/alertmanager.yml", "--plugins.scan-interval=1s", "--web.enable-admin-api")
                .awaitReady();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (page != null) {
            page.stop(0);
        }
        if (webhook != null) {
            webhook.close();
        }
        if (remote != null) {
            remote.close();
        }
    }

    @Test
    @Order(1)
    void keysOfPluginsNotInstalledWaitVisiblyAndStartWhenTheJarsArrive() throws Exception {
        server.await(Duration.ofSeconds(15), () -> waitingKeys().containsAll(List.of("file_sd_configs", "webhook_configs", "remote_write")),
                "three keys waiting in /api/v1/admin/plugins");
        assertThat(server.get("/api/v2/status").body()).as("the in-process Alertmanager's status names the waiting receiver")
                .contains("\"waitingReceivers\":{\"hook\":[\"webhook[0]: waiting for plugin `webhook`\"]}");
        String metrics = server.get("/metrics").body();
        assertThat(metrics).contains("promethium_config_waiting_plugin{key=\"remote_write\"} 1")
                .contains("promethium_config_waiting_plugin{key=\"file_sd_configs\"} 1");

        for (String file : List.of("file-sd.jar", "webhook.jar", "remote.jar")) {
            replace(ORIGINALS.get(file), server.home.resolve("plugins/" + file));
        }
        awaitAllTargetsUp("all 100 targets up after the jars were dropped in");
        webhook.await(1, Duration.ofSeconds(30));
        remote.await(1, Duration.ofSeconds(30));
        server.await(Duration.ofSeconds(15), () -> waitingKeys().isEmpty(), "nothing waiting");
        assertThat(server.get("/metrics").body()).doesNotContain("promethium_config_waiting_plugin{key=");
    }

    @Test
    @Order(2)
    void everyPluginSwappedToAnotherVersionAndBackKeepsScrapesRulesNotificationsAndRemoteWriteWithoutAGap() throws Exception {
        server.await(Duration.ofSeconds(30), () -> values("many:up:sum").equals(List.of(String.valueOf(TARGETS)))
                && values("up{job=~\"jvm|node\"} == 1").size() == 2, "the rule and both exporters");
        ServerProcess.sleep(3000);
        double from = now() - 3;
        int hooksBefore = webhook.requests().size();
        for (String file : ORIGINALS.keySet()) {
            Path v2 = PluginLifecycleIT.rebuild(ORIGINALS.get(file), server.home.resolve("aside/v2-" + file), "9.9.9", null, null);
            String originalVersion = versionOf(file);
            replace(v2, server.home.resolve("plugins/" + file));
            server.await(Duration.ofSeconds(30), () -> "9.9.9".equals(versionOf(file)), file + " at 9.9.9 in /api/v1/admin/plugins");
            ServerProcess.sleep(1500);
            replace(ORIGINALS.get(file), server.home.resolve("plugins/" + file));
            server.await(Duration.ofSeconds(30), () -> originalVersion.equals(versionOf(file)), file + " back at " + originalVersion);
            ServerProcess.sleep(1500);
        }
        ServerProcess.sleep(3000);
        double to = now();
        assertContinuous("up{job=\"many\"}", from, to, TARGETS, "1", 2);
        assertContinuous("up{job=~\"jvm|node\"}", from, to, 2, "1", 2);
        assertContinuous("up{job=\"self\"}", from, to, 1, "1", 1);
        assertContinuous("many:up:sum", from, to, 1, String.valueOf(TARGETS), 1);
        // The exporters' own series, not only their targets' up: an update serves the page without a gap.
        assertContinuous("jvm_threads_current{job=\"jvm\"}", from, to, 1, null, 2);
        assertContinuous("node_boot_time_seconds{job=\"node\"}", from, to, 1, null, 2);
        // Collectors on /metrics: the remote storage plugin's collector is continuous over its swaps and was never on a
        // page twice (no duplicate sample). The launcher stops the old version before it starts the new one (about 2 s
        // here); a scrape of /metrics between the two serves the old version's last families in its place.
        assertContinuous("prometheus_remote_storage_highest_timestamp_in_seconds{job=\"self\"}", from, to, 1, null, 1);
        assertThat(sum("prometheus_target_scrapes_sample_duplicate_timestamp_total")).as("no page with a collector twice").isZero();
        assertThat(webhook.requests().size()).as("notifications kept coming through the swaps").isGreaterThan(hooksBefore + 5);
        assertThat(sum("alertmanager_notifications_failed_total")).as("no notification failed").isZero();
        int remoteBefore = remote.requests().size();
        remote.await(remoteBefore + 1, Duration.ofSeconds(15));
        assertRemoteReceivedEverySample("many:up:sum", from, to);
        assertThat(sum("prometheus_remote_storage_samples_failed_total")).as("no sample failed").isZero();
        assertThat(sum("prometheus_remote_storage_samples_dropped_total")).as("no sample dropped").isZero();
        assertThat(server.output()).doesNotContain("Exception in thread");
    }

    @Test
    @Order(3)
    void eachPluginStoppedAndStartedThroughTheAdminApiShowsTheTruthAtEachStep() throws Exception {
        Map<String, String> keys = Map.of("file-sd.jar", "file_sd_configs", "webhook.jar", "webhook_configs", "remote.jar", "remote_write");
        for (String file : ORIGINALS.keySet()) {
            long id = idOf(file);
            HttpResponse<String> stopped = server.post("/api/v1/admin/plugins/" + id + "/stop");
            assertThat(stopped.body()).as(file).contains("\"state\":\"RESOLVED\"");
            if (keys.containsKey(file)) {
                server.await(Duration.ofSeconds(10), () -> waitingKeys().contains(keys.get(file)), keys.get(file) + " waiting");
            }
            HttpResponse<String> started = server.post("/api/v1/admin/plugins/" + id + "/start");
            assertThat(started.body()).as(file).contains("\"state\":\"ACTIVE\"");
            server.await(Duration.ofSeconds(10), () -> waitingKeys().isEmpty(), "nothing waiting after starting " + file);
        }
        awaitAllTargetsUp("all 100 targets up again");
    }

    /**
     * No sample lost by remote write across the swaps: every sample of {@code series} the TSDB holds
     * between {@code from} and {@code to} reached the receiver (decoded from the recorded requests).
     */
    private static void assertRemoteReceivedEverySample(String series, double from, double to) throws Exception {
        JsonNode stored = query("/api/v1/query?time=" + to + "&query="
                + URLEncoder.encode(series + "[" + (int) Math.ceil(to - from) + "s]", StandardCharsets.UTF_8)).path("result");
        assertThat(stored).as(series + " in the TSDB").hasSize(1);
        java.util.SortedSet<Long> expected = new java.util.TreeSet<>();
        for (JsonNode point : stored.get(0).path("values")) {
            expected.add(Math.round(point.get(0).asDouble() * 1000));
        }
        assertThat(expected.size()).as(series + " samples stored over the swaps").isGreaterThanOrEqualTo((int) (to - from) - 1);
        java.util.Set<Long> received = new java.util.HashSet<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            received.clear();
            WriteRequestDecoder decoder = new WriteRequestDecoder();
            for (RecordingHttpServer.Request request : remote.requests()) {
                byte[] raw = Snappy.decode(request.body(), request.body().length, 64 << 20);
                decoder.decode(raw, raw.length, (labels, timestamps, values, count, exemplars, exemplarCount) -> {
                    if (series.equals(labels.metricName())) {
                        for (int i = 0; i < count; i++) {
                            received.add(timestamps[i]);
                        }
                    }
                });
            }
            if (received.containsAll(expected) || System.nanoTime() > deadline) {
                break;
            }
            ServerProcess.sleep(500);
        }
        java.util.SortedSet<Long> missing = new java.util.TreeSet<>(expected);
        missing.removeAll(received);
        assertThat(missing).as("samples of " + series + " the TSDB has and the remote write receiver never got").isEmpty();
    }

    /**
     * {@code value}: what every point must be; null: any (the series must only have no gap);
     * {@code interval}: the seconds between two samples of the series.
     */
    private static void assertContinuous(String expr, double from, double to, int series, String value, int interval)
            throws IOException {
        JsonNode result = query("/api/v1/query_range?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)
                + "&start=" + from + "&end=" + to + "&step=0.25").path("result");
        assertThat(result).as(expr).hasSize(series);
        int steps = (int) Math.floor((to - from) / 0.25) + 1;
        for (JsonNode s : result) {
            JsonNode points = s.path("values");
            assertThat(points.size()).as(expr + " " + s.path("metric") + ": a point at every 250 ms step").isEqualTo(steps);
            for (JsonNode point : points) {
                if (value != null) {
                    assertThat(point.get(1).asText()).as(expr + " " + s.path("metric")).isEqualTo(value);
                }
            }
        }
        // A missed scrape or evaluation leaves no gap within the lookback: count the samples instead (one an interval).
        int window = (int) Math.floor(to - from);
        JsonNode raw = query("/api/v1/query?time=" + to + "&query="
                + URLEncoder.encode("count_over_time(" + expr + "[" + window + "s])", StandardCharsets.UTF_8)).path("result");
        assertThat(raw).as(expr).hasSize(series);
        for (JsonNode s : raw) {
            assertThat(s.path("value").get(1).asDouble())
                    .as(expr + " " + s.path("metric") + ": a sample every " + interval + " s over " + window + " s")
                    .isGreaterThanOrEqualTo(window / interval - 1);
        }
    }

    /** Waits for every file_sd target to be up; on a time-out, says what the targets' last errors were. */
    private static void awaitAllTargetsUp(String what) throws IOException {
        try {
            server.await(Duration.ofSeconds(30), () -> values("up{job=\"many\"} == 1").size() == TARGETS, what);
        } catch (AssertionError e) {
            Map<String, Integer> errors = new TreeMap<>();
            for (JsonNode t : query("/api/v1/targets?state=active").path("activeTargets")) {
                if ("many".equals(t.path("scrapePool").asText())) {
                    errors.merge(t.path("health").asText() + ": " + t.path("lastError").asText(), 1, Integer::sum);
                }
            }
            throw new AssertionError(what + ": the file_sd targets by health and last error: " + errors, e);
        }
    }

    private static JsonNode plugins() {
        try {
            HttpResponse<String> response = server.get("/api/v1/admin/plugins");
            return JSON.readTree(response.body()).path("data");
        } catch (IOException e) {
            return JSON.createArrayNode();
        }
    }

    private static List<String> waitingKeys() {
        List<String> keys = new ArrayList<>();
        for (JsonNode p : plugins()) {
            if ("WAITING".equals(p.path("state").asText())) {
                p.path("configKeys").forEach(k -> keys.add(k.asText()));
            }
        }
        return keys;
    }

    private static String versionOf(String file) {
        for (JsonNode p : plugins()) {
            if (file.equals(p.path("file").asText()) && "ACTIVE".equals(p.path("state").asText())) {
                return p.path("version").asText();
            }
        }
        return "";
    }

    private static long idOf(String file) {
        for (JsonNode p : plugins()) {
            if (file.equals(p.path("file").asText())) {
                return p.path("id").asLong();
            }
        }
        throw new AssertionError(file + " not in /api/v1/admin/plugins");
    }

    private static double now() {
        return System.currentTimeMillis() / 1000.0;
    }

    private static JsonNode query(String path) throws IOException {
        HttpResponse<String> response = server.get(path);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("data");
    }

    private static List<String> values(String expr) {
        try {
            JsonNode result = query("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)).path("result");
            List<String> out = new ArrayList<>();
            result.forEach(r -> out.add(r.path("value").get(1).asText()));
            return out;
        } catch (IOException | AssertionError e) {
            return List.of();
        }
    }

    /** The sum of a metric's samples on /metrics (0 when absent). */
    private static double sum(String name) {
        double total = 0;
        for (String line : server.get("/metrics").body().split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    private static void replace(Path jar, Path target) throws IOException {
        Path temp = target.resolveSibling(".incoming-" + target.getFileName());
        Files.copy(jar, temp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
