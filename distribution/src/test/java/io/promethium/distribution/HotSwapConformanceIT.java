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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.JarFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Hot-swap conformance on the tarball, kept lean (one server; the plugins are swapped in batches,
 * not one at a time): 100 file_sd targets (one loopback page served by this test, told apart by a
 * label) scraped every 2 s, the server's own {@code /metrics} and both bundled exporters scraped
 * every second or two, a recording and two alerting rules evaluated every second, the alerts
 * routed by the in-process Alertmanager to a webhook recorder, {@code remote_write} to a recorder.
 * The file discovery plugin, the webhook notifier and the remote storage plugin are moved from
 * {@code bundles/} to {@code plugins/} so they are plugins like the others.
 * <ol>
 *   <li>At start their three keys wait (metric and {@code /api/v1/admin/plugins}); dropped in,
 *       they start. A silence of one of the alerts is made before.</li>
 *   <li>Every jar of {@code plugins/} (each discovery, exporter and notifier plugin, the file
 *       discovery, webhook and remote storage plugins) is replaced at once by a rebuilt copy with
 *       another {@code Bundle-Version}, and the notifier plugins of {@code bundles/} are updated
 *       through the admin API alike; then all are put back. The admin API shows every plugin at
 *       the new version, active, with the same config keys and no error, then at its own again.
 *       Over the swaps, the raw samples of {@code up} of all 100 targets, of both exporters and
 *       of the server's own page, of the recording rule, of a series of each exporter and of the
 *       remote storage plugin's collector are never further apart than their interval and a half
 *       (a missed scrape or evaluation, or a staleness marker, leaves a gap of two intervals:
 *       range selectors drop staleness markers) and every {@code up} is 1; no scrape saw a
 *       duplicate sample (never both versions); the webhook kept being called with none failed;
 *       the silence is still active and still mutes its alert, which never reached the webhook;
 *       every sample of the recording rule the TSDB holds reached the remote write receiver.</li>
 *   <li>The TSDB is updated through the admin API to a rebuilt copy and back while the targets
 *       are scraped and a client writes a sample every 50 ms through the OTLP receiver: every
 *       sample the TSDB held before is still there, and so is every sample whose write was
 *       acknowledged (200), and every sample of the recording rule the TSDB holds reached the
 *       remote write receiver; and no scrape of the server's own page is missed (a scrape that
 *       falls while no storage runs waits for the new one).</li>
 *   <li>Every plugin is stopped, then started, through the admin API: the admin API shows each
 *       stopped and the used keys waiting, then all active and nothing waiting.</li>
 * </ol>
 * The notifier swap's "removed code never sends" is checked by {@link PluginLifecycleIT} (its
 * notifier's text tells versions apart); "the notification log kept" by the kernel's
 * {@code NotifierSwapTest} (here {@code repeat_interval} is 1 s, so a repeat is expected); the TSDB
 * stopped and started by {@link StorageHotSwapIT}; plugins serving HTTP routes (the remote write
 * receiver, a JAX-RS resource) swapped under load by {@link RouteHotSwapIT}. The page the targets
 * scrape sends a {@code Content-Type}: without one, Prometheus 3 (and Promethium) fail the scrape
 * unless {@code fallback_scrape_protocol} is set.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("alone") // run with the machine to itself (the pom's "alone" run): it times swaps
class HotSwapConformanceIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TARGETS = 100;
    /** The {@code Bundle-Version} of the rebuilt copies. */
    private static final String V2 = "9.9.9";
    /** The plugin files whose keys the configuration uses, with the key. */
    private static final Map<String, String> USED_KEYS =
            Map.of("file-sd.jar", "file_sd_configs", "webhook.jar", "webhook_configs", "remote.jar", "remote_write");

    private static ServerProcess server;
    private static HttpServer page;
    private static RecordingHttpServer webhook;
    private static RecordingHttpServer remote;
    /** Every plugin file in plugins/ → the original jar (kept aside). */
    private static final Map<String, Path> ORIGINALS = new TreeMap<>();
    /** The notifier plugins of bundles/ (updated through the admin API): symbolic name → jar. */
    private static final Map<String, Path> BUNDLED = new TreeMap<>();
    private static Path tsdbJar;
    private static String silenceId;

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
        server = ServerProcess.prepare().asShipped();
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
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(server.home.resolve("plugins"), "*.jar")) {
            for (Path jar : jars) {
                String name = jar.getFileName().toString();
                ORIGINALS.put(name, Files.copy(jar, aside.resolve(name)));
            }
        }
        assertThat(ORIGINALS).as("the tarball's plugins").containsKeys("promethium-exporter-jvm.jar", "promethium-exporter-node.jar",
                "promethium-discovery-kubernetes.jar", "promethium-notifier-discord.jar");
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(server.home.resolve("bundles"), "promethium-{notifier,tsdb}-*.jar")) {
            for (Path jar : jars) {
                if (jar.getFileName().toString().startsWith("promethium-tsdb-")) {
                    tsdbJar = jar;
                } else {
                    BUNDLED.put(symbolicName(jar), jar);
                }
            }
        }
        assertThat(tsdbJar).as("the TSDB in bundles/").isNotNull();
        assertThat(BUNDLED).as("notifier plugins in bundles/").isNotEmpty();
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
                      - alert: Silenced
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
                .start("--alertmanager.config.file=conf/alertmanager.yml", "--plugins.scan-interval=1s", "--web.enable-admin-api",
                        "--web.enable-otlp-receiver")
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
        server.await(Duration.ofSeconds(15), () -> waitingKeys().containsAll(USED_KEYS.values()), "three keys waiting in /api/v1/admin/plugins");
        assertThat(server.get("/api/v2/status").body()).as("the in-process Alertmanager's status names the waiting receiver")
                .contains("\"waitingReceivers\":{\"hook\":[\"webhook[0]: waiting for plugin `webhook`\"]}");
        String metrics = server.get("/metrics").body();
        assertThat(metrics).contains("promethium_config_waiting_plugin{key=\"remote_write\"} 1")
                .contains("promethium_config_waiting_plugin{key=\"file_sd_configs\"} 1");
        silenceId = createSilence("Silenced");

        for (String file : USED_KEYS.keySet()) {
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
    void everyPluginSwappedInABatchToAnotherVersionAndBackMissesNoScrapeEvaluationNotificationOrRemoteSample() throws Exception {
        server.await(Duration.ofSeconds(30), () -> values("many:up:sum").equals(List.of(String.valueOf(TARGETS)))
                && values("up{job=~\"jvm|node\"} == 1").size() == 2, "the rule and both exporters");
        Map<String, JsonNode> before = pluginRows();
        Map<String, Path> files = new TreeMap<>();
        Map<String, Path> bundled = new TreeMap<>();
        Path aside = server.home.resolve("aside");
        for (Map.Entry<String, Path> e : ORIGINALS.entrySet()) {
            files.put(e.getKey(), PluginLifecycleIT.rebuild(e.getValue(), aside.resolve("v2-" + e.getKey()), V2, null, null));
        }
        for (Map.Entry<String, Path> e : BUNDLED.entrySet()) {
            bundled.put(e.getKey(), PluginLifecycleIT.rebuild(e.getValue(), aside.resolve("v2-" + e.getKey() + ".jar"), V2, null, null));
        }
        Map<String, String> originalVersions = new TreeMap<>();
        Map<String, String> newVersions = new TreeMap<>();
        for (String name : names()) {
            assertThat(before).as("the admin API lists " + name).containsKey(name);
            originalVersions.put(name, before.get(name).path("version").asText());
            newVersions.put(name, V2);
        }
        ServerProcess.sleep(2000);
        double from = now();
        int hooksBefore = webhook.requests().size();
        long started = System.nanoTime();
        swapAll(files, bundled);
        awaitVersions(before, newVersions);
        double toNew = (System.nanoTime() - started) / 1e9;
        ServerProcess.sleep(2000);
        started = System.nanoTime();
        swapAll(ORIGINALS, BUNDLED);
        awaitVersions(before, originalVersions);
        double back = (System.nanoTime() - started) / 1e9;
        ServerProcess.sleep(3000);
        double to = now();
        System.out.printf("HotSwapConformanceIT: %d plugins swapped to %s in %.1f s and back in %.1f s%n", names().size(), V2, toNew, back);

        assertNoMissedSample("up{job=\"many\"}", from, to, TARGETS, "1", 2);
        assertNoMissedSample("up{job=~\"jvm|node\"}", from, to, 2, "1", 2);
        assertNoMissedSample("up{job=\"self\"}", from, to, 1, "1", 1);
        assertNoMissedSample("many:up:sum", from, to, 1, String.valueOf(TARGETS), 1);
        // The exporters' own series, not only their targets' up: an update serves the page without a gap.
        assertNoMissedSample("jvm_threads_current{job=\"jvm\"}", from, to, 1, null, 2);
        assertNoMissedSample("node_boot_time_seconds{job=\"node\"}", from, to, 1, null, 2);
        // Collectors on /metrics: the remote storage plugin's collector is continuous over its swaps and was never on a
        // page twice (no duplicate sample). The launcher stops the old version before it starts the new one; a scrape
        // of /metrics between the two serves the old version's last families in its place.
        assertNoMissedSample("prometheus_remote_storage_highest_timestamp_in_seconds{job=\"self\"}", from, to, 1, null, 1);
        assertThat(sum("prometheus_target_scrapes_sample_duplicate_timestamp_total")).as("no page with a collector twice").isZero();

        List<Instant> calls = new ArrayList<>();
        for (RecordingHttpServer.Request request : webhook.requests()) {
            assertThat(request.text()).as("the silenced alert never notified").doesNotContain("\"alertname\":\"Silenced\"");
            calls.add(request.at());
        }
        // How many depends on how long the swaps took; that none stopped is the gap check's.
        assertThat(calls.size()).as("notifications kept coming through the swaps").isGreaterThan(hooksBefore);
        assertThat(largestGap(calls, from, to)).as("the longest time without a notification (group_interval and repeat_interval 1 s)")
                .isLessThan(Duration.ofSeconds(4));
        assertThat(sum("alertmanager_notifications_failed_total")).as("no notification failed").isZero();
        JsonNode silence = JSON.readTree(server.get("/api/v2/silence/" + silenceId).body());
        assertThat(silence.path("status").path("state").asText()).as("the silence made before the swaps").isEqualTo("active");
        JsonNode silenced = JSON.readTree(server.get("/api/v2/alerts?filter="
                + URLEncoder.encode("alertname=\"Silenced\"", StandardCharsets.UTF_8)).body());
        assertThat(silenced).as("the silenced alert in the Alertmanager").hasSize(1);
        assertThat(silenced.get(0).path("status").path("state").asText()).isEqualTo("suppressed");
        assertThat(silenced.get(0).path("status").path("silencedBy").toString()).contains(silenceId);

        int remoteBefore = remote.requests().size();
        remote.await(remoteBefore + 1, Duration.ofSeconds(15));
        assertRemoteReceivedEverySample("many:up:sum", from, to);
        assertThat(sum("prometheus_remote_storage_samples_failed_total")).as("no sample failed").isZero();
        assertThat(sum("prometheus_remote_storage_samples_dropped_total")).as("no sample dropped").isZero();
        assertThat(server.output()).doesNotContain("Exception in thread");
    }

    @Test
    @Order(3)
    void theTsdbSwappedToAnotherVersionAndBackUnderLoadLosesNoAcknowledgedSample() throws Exception {
        awaitAllTargetsUp("all 100 targets up before the TSDB swap");
        String tsdb = symbolicName(tsdbJar);
        Path v2 = PluginLifecycleIT.rebuild(tsdbJar, server.home.resolve("aside/v2-tsdb.jar"), V2, null, null);
        String original = pluginRows().get(tsdb).path("version").asText();
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Long> acknowledged = new CopyOnWriteArrayList<>();
        AtomicInteger refused = new AtomicInteger();
        Thread writer = Thread.ofVirtual().start(() -> {
            for (int i = 0; writing.get(); i++) {
                long t = System.currentTimeMillis();
                try {
                    String point = """
                            {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"writer"}}]},
                              "scopeMetrics":[{"metrics":[{"name":"swap_acknowledged","gauge":{"dataPoints":[
                                {"timeUnixNano":"%d","asDouble":%d}]}}]}]}]}
                            """.formatted(t * 1_000_000, i);
                    int status = server.send(HttpRequest.newBuilder(server.uri("/api/v1/otlp/v1/metrics"))
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(point))).statusCode();
                    if (status == 200) {
                        acknowledged.add(t);
                    } else {
                        refused.incrementAndGet();
                    }
                } catch (Exception e) {
                    refused.incrementAndGet();
                }
                ServerProcess.sleep(50);
            }
        });
        ServerProcess.sleep(2000);
        // 3 s back: a scrape in flight at the snapshot commits samples a little older than now.
        double snapshot = now() - 3;
        Map<String, List<String>> held = rawSamples("{__name__=~\"up|many:up:sum\"}", snapshot, 20);
        double from = now();
        JsonNode answer = JSON.readTree(put(tsdb, v2).body()).path("data");
        assertThat(answer.path("version").asText()).as("the TSDB updated").isEqualTo(V2);
        assertThat(answer.path("state").asText()).isEqualTo("ACTIVE");
        ServerProcess.sleep(2000);
        answer = JSON.readTree(put(tsdb, tsdbJar).body()).path("data");
        assertThat(answer.path("version").asText()).as("the TSDB back").isEqualTo(original);
        assertThat(pluginRows().get(tsdb).path("state").asText()).isEqualTo("ACTIVE");
        ServerProcess.sleep(2000);
        writing.set(false);
        writer.join();
        double to = now();

        assertThat(rawSamples("{__name__=~\"up|many:up:sum\"}", snapshot, 20)).as("every sample the TSDB held before its swaps")
                .isEqualTo(held);
        assertThat(held).as("samples held before the swaps").hasSizeGreaterThan(TARGETS);
        long first = acknowledged.get(0);
        SortedSet<Long> stored = new TreeSet<>();
        JsonNode result = query("/api/v1/query?time=" + to + "&query="
                + URLEncoder.encode("swap_acknowledged[" + ((long) (to * 1000) - first + 1000) + "ms]", StandardCharsets.UTF_8))
                .path("result");
        for (JsonNode point : result.path(0).path("values")) {
            stored.add(Math.round(point.get(0).asDouble() * 1000));
        }
        assertThat(acknowledged.size()).as("OTLP writes acknowledged over the swaps").isGreaterThan(40);
        Set<Long> lost = new TreeSet<>(acknowledged);
        lost.removeAll(stored);
        assertThat(lost).as("acknowledged OTLP writes the TSDB does not have after its swaps").isEmpty();
        double gap = largestSampleGap("up{job=\"self\"}", from, to);
        System.out.printf("HotSwapConformanceIT: TSDB swaps: %d writes acknowledged, %d refused; longest gap between scrapes of the"
                + " server's own page %.1f s; scrapes without storage: %s%n", acknowledged.size(), refused.get(), gap,
                server.output().lines().filter(l -> l.contains("storage back after")).map(l -> l.replaceAll(".*msg=", "")).toList());
        assertThat(gap).as("longest gap (s) between scrapes of the server's own page (1 s interval) over the TSDB swaps")
                .isLessThanOrEqualTo(1.5);
        // remote_write follows the WAL of whichever TSDB runs: the one started after the swaps resumes where the old one stopped.
        remote.await(remote.requests().size() + 1, Duration.ofSeconds(15));
        assertRemoteReceivedEverySample("many:up:sum", from, to);
        awaitAllTargetsUp("all 100 targets up after the TSDB swaps");
    }

    @Test
    @Order(4)
    void everyPluginStoppedAndStartedThroughTheAdminApiShowsTheTruthAtEachStep() throws Exception {
        Map<String, JsonNode> rows = pluginRows();
        for (String name : names()) {
            HttpResponse<String> stopped = server.post("/api/v1/admin/plugins/" + rows.get(name).path("id").asLong() + "/stop");
            assertThat(stopped.body()).as(name).contains("\"state\":\"RESOLVED\"");
        }
        server.await(Duration.ofSeconds(15), () -> waitingKeys().containsAll(USED_KEYS.values()), "the used keys waiting");
        Map<String, JsonNode> stopped = pluginRows();
        for (String name : names()) {
            assertThat(stopped.get(name).path("state").asText()).as(name + " in /api/v1/admin/plugins").isEqualTo("RESOLVED");
        }
        for (String name : names()) {
            HttpResponse<String> started = server.post("/api/v1/admin/plugins/" + rows.get(name).path("id").asLong() + "/start");
            assertThat(started.body()).as(name).contains("\"state\":\"ACTIVE\"");
        }
        server.await(Duration.ofSeconds(15), () -> waitingKeys().isEmpty(), "nothing waiting after starting them");
        Map<String, JsonNode> restarted = pluginRows();
        for (String name : names()) {
            assertThat(restarted.get(name).path("state").asText()).as(name + " in /api/v1/admin/plugins").isEqualTo("ACTIVE");
        }
        awaitAllTargetsUp("all 100 targets up again");
    }

    /** The plugins swapped: the files of plugins/ and the symbolic names of the notifier bundles of bundles/. */
    private static List<String> names() {
        List<String> names = new ArrayList<>(ORIGINALS.keySet());
        names.addAll(BUNDLED.keySet());
        return names;
    }

    /** Drops every file into plugins/ at once, then updates each bundle through the admin API. */
    private static void swapAll(Map<String, Path> files, Map<String, Path> bundles) throws IOException {
        for (Map.Entry<String, Path> e : files.entrySet()) {
            replace(e.getValue(), server.home.resolve("plugins/" + e.getKey()));
        }
        for (Map.Entry<String, Path> e : bundles.entrySet()) {
            HttpResponse<String> answer = put(e.getKey(), e.getValue());
            assertThat(answer.statusCode()).as(e.getKey() + " updated: " + answer.body()).isEqualTo(200);
        }
    }

    /** Updates the active bundle of a symbolic name with a jar through the admin API. */
    private static HttpResponse<String> put(String symbolicName, Path jar) throws IOException {
        long id = pluginRows().get(symbolicName).path("id").asLong();
        return server.send(HttpRequest.newBuilder(server.uri("/api/v1/admin/plugins/" + id))
                .header("Content-Type", "application/java-archive").PUT(HttpRequest.BodyPublishers.ofFile(jar)));
    }

    /**
     * Waits until the admin API shows every plugin at its expected version, active, with the config
     * keys it had before the swaps and no error; on a time-out, says which do not.
     */
    private static void awaitVersions(Map<String, JsonNode> before, Map<String, String> expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        List<String> wrong = new ArrayList<>();
        while (true) {
            wrong.clear();
            Map<String, JsonNode> rows = pluginRows();
            for (Map.Entry<String, String> e : expected.entrySet()) {
                JsonNode row = rows.get(e.getKey());
                if (row == null || !e.getValue().equals(row.path("version").asText()) || !"ACTIVE".equals(row.path("state").asText())
                        || !row.path("error").asText().isEmpty()
                        || !row.path("configKeys").equals(before.get(e.getKey()).path("configKeys"))) {
                    wrong.add(e.getKey() + " (expected " + e.getValue() + "): " + row);
                }
            }
            if (wrong.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the admin API after 90 s, plugins not as expected:\n" + String.join("\n", wrong));
            }
            ServerProcess.sleep(250);
        }
    }

    /** The admin API's rows by plugin file name, or by symbolic name for a bundle of bundles/ (the active one first). */
    private static Map<String, JsonNode> pluginRows() {
        Map<String, JsonNode> rows = new LinkedHashMap<>();
        for (JsonNode p : plugins()) {
            String name = p.hasNonNull("file") ? p.path("file").asText() : p.path("symbolicName").asText();
            JsonNode known = rows.get(name);
            if (known == null || !"ACTIVE".equals(known.path("state").asText())) {
                rows.put(name, p);
            }
        }
        return rows;
    }

    private static String symbolicName(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.getManifest().getMainAttributes().getValue("Bundle-SymbolicName").split(";")[0].trim();
        }
    }

    /** Makes a silence of an alert name for an hour; returns its id. */
    private static String createSilence(String alertname) throws IOException {
        Instant now = Instant.now();
        String body = """
                {"matchers":[{"name":"alertname","value":"%s","isRegex":false,"isEqual":true}],
                 "startsAt":"%s","endsAt":"%s","createdBy":"HotSwapConformanceIT","comment":"kept across the swaps"}
                """.formatted(alertname, now, now.plus(Duration.ofHours(1)));
        HttpResponse<String> answer = server.send(HttpRequest.newBuilder(server.uri("/api/v2/silences"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body()).path("silenceID").asText();
    }

    /**
     * No missed scrape or evaluation: the raw samples of {@code expr} over {@code [from, to]} (a
     * range selector at {@code to}, which drops staleness markers) are never more than 1.5
     * intervals apart, nor from either end of the window. Samples come at the interval's slots, so
     * one missed scrape leaves a gap of two intervals. {@code value}: what every sample must be;
     * null: any.
     */
    private static void assertNoMissedSample(String expr, double from, double to, int series, String value, int interval)
            throws IOException {
        int window = (int) Math.floor(to - from);
        double start = to - window;
        JsonNode result = query("/api/v1/query?time=" + to + "&query="
                + URLEncoder.encode(expr + "[" + window + "s]", StandardCharsets.UTF_8)).path("result");
        assertThat(result).as(expr).hasSize(series);
        double limit = interval * 1.5;
        for (JsonNode s : result) {
            List<String> gaps = new ArrayList<>();
            double previous = start;
            for (JsonNode point : s.path("values")) {
                double t = point.get(0).asDouble();
                if (t - previous > limit) {
                    gaps.add(String.format("%.3f..%.3f", previous, t));
                }
                if (value != null) {
                    assertThat(point.get(1).asText()).as(expr + " " + s.path("metric") + " at " + t).isEqualTo(value);
                }
                previous = t;
            }
            if (to - previous > limit) {
                gaps.add(String.format("%.3f..%.3f (the end)", previous, to));
            }
            assertThat(gaps).as(expr + " " + s.path("metric") + ": gaps over " + limit + " s between samples in "
                    + window + " s").isEmpty();
        }
    }

    /** The longest time in seconds between two raw samples of one of the series of {@code expr} in {@code [from, to]}. */
    private static double largestSampleGap(String expr, double from, double to) throws IOException {
        int window = (int) Math.ceil(to - from);
        double largest = 0;
        for (JsonNode s : query("/api/v1/query?time=" + to + "&query="
                + URLEncoder.encode(expr + "[" + window + "s]", StandardCharsets.UTF_8)).path("result")) {
            double previous = Double.NaN;
            for (JsonNode point : s.path("values")) {
                double t = point.get(0).asDouble();
                largest = Double.isNaN(previous) ? largest : Math.max(largest, t - previous);
                previous = t;
            }
        }
        return largest;
    }

    /** The longest time between two of the instants within {@code [from, to]}, or from either end to the nearest. */
    private static Duration largestGap(List<Instant> instants, double from, double to) {
        List<Double> times = new ArrayList<>();
        times.add(from);
        for (Instant at : instants) {
            double t = at.toEpochMilli() / 1000.0;
            if (t > from && t < to) {
                times.add(t);
            }
        }
        times.add(to);
        times.sort(null);
        double largest = 0;
        for (int i = 1; i < times.size(); i++) {
            largest = Math.max(largest, times.get(i) - times.get(i - 1));
        }
        return Duration.ofMillis(Math.round(largest * 1000));
    }

    /** Each series of {@code selector} with its raw samples ("timestamp value") in the {@code seconds} before {@code at}. */
    private static Map<String, List<String>> rawSamples(String selector, double at, int seconds) throws IOException {
        Map<String, List<String>> out = new TreeMap<>();
        for (JsonNode s : query("/api/v1/query?time=" + at + "&query="
                + URLEncoder.encode(selector + "[" + seconds + "s]", StandardCharsets.UTF_8)).path("result")) {
            List<String> samples = new ArrayList<>();
            s.path("values").forEach(p -> samples.add(p.get(0).asText() + " " + p.get(1).asText()));
            out.put(s.path("metric").toString(), samples);
        }
        return out;
    }

    /**
     * No sample lost by remote write across the swaps: every sample of {@code series} the TSDB holds
     * between {@code from} and {@code to} reached the receiver (decoded from the recorded requests).
     */
    private static void assertRemoteReceivedEverySample(String series, double from, double to) throws Exception {
        JsonNode stored = query("/api/v1/query?time=" + to + "&query="
                + URLEncoder.encode(series + "[" + (int) Math.ceil(to - from) + "s]", StandardCharsets.UTF_8)).path("result");
        assertThat(stored).as(series + " in the TSDB").hasSize(1);
        SortedSet<Long> expected = new TreeSet<>();
        for (JsonNode point : stored.get(0).path("values")) {
            expected.add(Math.round(point.get(0).asDouble() * 1000));
        }
        assertThat(expected.size()).as(series + " samples stored over the swaps").isGreaterThanOrEqualTo((int) (to - from) - 1);
        Set<Long> received = new HashSet<>();
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
        SortedSet<Long> missing = new TreeSet<>(expected);
        missing.removeAll(received);
        assertThat(missing).as("samples of " + series + " the TSDB has and the remote write receiver never got").isEmpty();
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
