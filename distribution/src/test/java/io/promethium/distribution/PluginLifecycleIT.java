package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.api.testing.RecordingHttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The one plugin lifecycle rule on the tarball, with one server whose two config files name
 * plugins that are not installed at start: the file discovery plugin (moved out of
 * {@code bundles/}, so it is a plugin like any other here) and the example {@code mycorp}
 * notifier. In order: the server starts and shows both parts waiting; dropping the jars in starts
 * them; the notifier is swapped for a rebuilt copy with a changed version (and a changed default
 * text, so its notifications tell the versions apart): the new code sends at once, the removed
 * code never again, the dispatcher's group and notification log are kept; the discovery plugin
 * and the JVM exporter plugin are swapped for rebuilt copies: {@code up} of their jobs is 1 at
 * every step across the swap (no staleness marker, no missed or failed scrape).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PluginLifecycleIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The example notifier's default text, and the same number of bytes for the rebuilt version (a class constant is patched in place). */
    private static final String TEXT_V1 = "{{ template \"__subject\" . }}";
    private static final String TEXT_V2 = "v2{{template \"__subject\" .}}";

    private static ServerProcess server;
    private static RecordingHttpServer receiver;
    private static Path fileSd;
    private static Path notifierV1;
    private static Path notifierV2;

    @BeforeAll
    static void start() throws Exception {
        receiver = RecordingHttpServer.http();
        server = ServerProcess.prepare();
        Path aside = Files.createDirectories(server.home.resolve("aside"));
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(server.home.resolve("bundles"), "promethium-discovery-file*.jar")) {
            for (Path jar : jars) {
                fileSd = Files.move(jar, aside.resolve("file-sd.jar"));
            }
        }
        assertThat(fileSd).as("the file discovery bundle in bundles/").isNotNull();
        notifierV1 = server.home.resolve("examples/plugins/promethium-example-notifier.jar");
        notifierV2 = rebuild(notifierV1, aside.resolve("mycorp-v2.jar"), "9.9.9", TEXT_V1, TEXT_V2);
        Files.writeString(server.home.resolve("conf/targets.json"), "[{\"targets\": [\"127.0.0.1:" + server.port + "\"]}]");
        Files.writeString(server.home.resolve("conf/alertmanager.yml"), """
                route:
                  receiver: corp
                  group_by: [alertname]
                  group_wait: 1s
                  group_interval: 2s
                  repeat_interval: 1h
                receivers:
                  - name: corp
                    mycorp_configs:
                      - url: %s
                """.formatted(receiver.url("/corp")));
        server.config("""
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: files
                    file_sd_configs:
                      - files: [targets.json]
                        refresh_interval: 1s
                  - job_name: jvm
                    metrics_path: /exporters/jvm/metrics
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(server.port)).start("--alertmanager.config.file=conf/alertmanager.yml", "--plugins.scan-interval=1s").awaitReady();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    @Order(1)
    void configsNamingPluginsNotInstalledStartWaitingAndWorkWhenTheJarsAreDroppedIn() throws Exception {
        assertThat(server.get("/api/v1/targets").body()).contains("\"waitingScrapePools\":[{\"scrapePool\":\"files\",\"plugin\":\"file\","
                + "\"key\":\"file_sd_configs\",\"message\":\"waiting for plugin `file`\"}]");
        server.await(Duration.ofSeconds(10), () -> server.get("/metrics").body().contains("promethium_config_waiting_plugin{key=\"mycorp_configs\"} 1")
                && server.get("/metrics").body().contains("promethium_config_waiting_plugin{key=\"file_sd_configs\"} 1"), "both parts waiting");
        postAlert("a");
        ServerProcess.sleep(2500);
        assertThat(receiver.requests()).as("the receiver waits for its plugin").isEmpty();

        Files.copy(fileSd, server.home.resolve("plugins/file-sd.jar"));
        server.await(Duration.ofSeconds(30), () -> upSamples("up{job=\"files\"}").equals(List.of("1")), "the files job scraped");
        Files.copy(notifierV1, server.home.resolve("plugins/mycorp.jar"));
        List<RecordingHttpServer.Request> sent = receiver.await(1, Duration.ofSeconds(30));
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).text()).startsWith("[FIRING:1] Lifecycle");
        assertThat(server.get("/metrics").body()).doesNotContain("promethium_config_waiting_plugin{key=");
    }

    @Test
    @Order(2)
    void aNotifierSwapTakesEffectAtOnceAndTheRemovedCodeNeverSendsAgain() throws Exception {
        replace(notifierV2, server.home.resolve("plugins/mycorp.jar"));
        server.await(Duration.ofSeconds(30), () -> server.output().contains("Updated plugin mycorp.jar"), "the notifier plugin updated");
        postAlert("b");
        server.await(Duration.ofSeconds(20), () -> receiver.requests().size() >= 2, "a notification after the update");
        List<RecordingHttpServer.Request> sent = receiver.requests();
        assertThat(sent.get(1).text()).as("the new code sends, with the group's alerts").startsWith("v2[FIRING:2] Lifecycle");
        assertThat(metric("alertmanager_dispatcher_aggregation_groups")).as("the dispatcher's group kept").isEqualTo("1");

        Files.delete(server.home.resolve("plugins/mycorp.jar"));
        server.await(Duration.ofSeconds(30), () -> server.output().contains("Removed plugin mycorp.jar"), "the notifier plugin removed");
        postAlert("c");
        ServerProcess.sleep(5000);
        assertThat(receiver.requests()).as("no notification once the plugin is gone").hasSize(2);
        assertThat(server.get("/metrics").body()).contains("promethium_config_waiting_plugin{key=\"mycorp_configs\"} 1");

        replace(notifierV2, server.home.resolve("plugins/mycorp.jar"));
        server.await(Duration.ofSeconds(30), () -> receiver.requests().size() >= 3, "the notification that waited, once the plugin is back");
        sent = receiver.requests();
        assertThat(sent.get(2).text()).startsWith("v2[FIRING:3] Lifecycle");
        ServerProcess.sleep(3000);
        assertThat(receiver.requests()).as("the notification log kept: nothing sent twice").hasSize(3);
        assertThat(metric("alertmanager_dispatcher_aggregation_groups")).isEqualTo("1");
    }

    @Test
    @Order(3)
    void aDiscoveryAndAnExporterPluginSwapKeepUpWithoutAGapOrAStalenessMarker() throws Exception {
        server.await(Duration.ofSeconds(30), () -> upSamples("up{job=\"jvm\"}").equals(List.of("1")), "the jvm exporter scraped");
        double from = now() - 3;
        Path discovery = rebuild(fileSd, server.home.resolve("aside/file-sd-v2.jar"), "9.9.9", null, null);
        Path exporter = rebuild(server.home.resolve("plugins/promethium-exporter-jvm.jar"), server.home.resolve("aside/jvm-v2.jar"),
                "9.9.9", null, null);
        replace(discovery, server.home.resolve("plugins/file-sd.jar"));
        replace(exporter, server.home.resolve("plugins/promethium-exporter-jvm.jar"));
        server.await(Duration.ofSeconds(30), () -> server.output().contains("Updated plugin file-sd.jar")
                && server.output().contains("Updated plugin promethium-exporter-jvm.jar"), "both plugins updated");
        ServerProcess.sleep(5000);
        double to = now();
        for (String job : List.of("files", "jvm")) {
            // A staleness marker, or a scrape missed or failed, leaves steps without a point or with 0.
            JsonNode result = query("/api/v1/query_range?query=" + URLEncoder.encode("up{job=\"" + job + "\"}", StandardCharsets.UTF_8)
                    + "&start=" + from + "&end=" + to + "&step=0.25");
            assertThat(result.path("result")).as(job).hasSize(1);
            JsonNode values = result.path("result").get(0).path("values");
            assertThat(values.size()).as(job + ": a point at every 250 ms step from 3 s before the swap to 5 s after")
                    .isEqualTo((int) Math.floor((to - from) / 0.25) + 1);
            for (JsonNode value : values) {
                assertThat(value.get(1).asText()).as(job).isEqualTo("1");
            }
        }
        assertThat(metric("prometheus_target_scrape_pool_targets{scrape_job=\"files\"}")).isEqualTo("1");
    }

    private static double now() {
        return System.currentTimeMillis() / 1000.0;
    }

    private static void postAlert(String instance) {
        HttpResponse<String> posted = server.send(HttpRequest.newBuilder(server.uri("/api/v2/alerts"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "[{\"labels\":{\"alertname\":\"Lifecycle\",\"instance\":\"" + instance + "\"}}]")));
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
    }

    private static JsonNode query(String path) throws IOException {
        HttpResponse<String> response = server.get(path);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("data");
    }

    /** The values of an instant query's series. */
    private static List<String> upSamples(String expr) {
        try {
            JsonNode result = query("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)).path("result");
            return java.util.stream.StreamSupport.stream(result.spliterator(), false).map(r -> r.path("value").get(1).asText()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** A sample's value on /metrics, by its name and labels as written there. */
    private static String metric(String series) {
        for (String line : server.get("/metrics").body().split("\n")) {
            if (line.startsWith(series + " ")) {
                return line.substring(series.length() + 1).strip();
            }
        }
        return null;
    }

    /** Replaces a plugin jar in one step, as an operator's {@code mv} does. */
    private static void replace(Path jar, Path target) throws IOException {
        Path temp = target.resolveSibling(".incoming-" + target.getFileName());
        Files.copy(jar, temp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * A copy of a plugin jar with another {@code Bundle-Version}, and optionally a string constant
     * of its classes replaced by one of the same byte length (so the class file stays valid).
     */
    static Path rebuild(Path from, Path to, String version, String constant, String replacement) throws IOException {
        byte[] find = constant == null ? null : constant.getBytes(StandardCharsets.UTF_8);
        byte[] with = replacement == null ? null : replacement.getBytes(StandardCharsets.UTF_8);
        if (find != null && find.length != with.length) {
            throw new IllegalArgumentException("the replacement must have as many bytes as the constant");
        }
        boolean patched = find == null;
        try (ZipFile zip = new ZipFile(from.toFile())) {
            Manifest manifest;
            try (InputStream in = zip.getInputStream(zip.getEntry("META-INF/MANIFEST.MF"))) {
                manifest = new Manifest(in);
            }
            manifest.getMainAttributes().putValue("Bundle-Version", version);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
                Enumeration<? extends ZipEntry> entries = zip.entries();
                while (entries.hasMoreElements()) {
                    ZipEntry entry = entries.nextElement();
                    if (entry.getName().equals("META-INF/MANIFEST.MF")) {
                        continue;
                    }
                    byte[] content;
                    try (InputStream in = zip.getInputStream(entry)) {
                        content = in.readAllBytes();
                    }
                    if (find != null && entry.getName().endsWith(".class")) {
                        patched |= replaceAll(content, find, with);
                    }
                    out.putNextEntry(new ZipEntry(entry.getName()));
                    out.write(content);
                    out.closeEntry();
                }
            }
            if (!patched) {
                throw new IllegalStateException("constant " + constant + " not found in " + from);
            }
            Files.write(to, bytes.toByteArray());
        }
        return to;
    }

    private static boolean replaceAll(byte[] content, byte[] find, byte[] with) {
        boolean found = false;
        for (int i = 0; i + find.length <= content.length; i++) {
            if (Arrays.equals(content, i, i + find.length, find, 0, find.length)) {
                System.arraycopy(with, 0, content, i, with.length);
                found = true;
            }
        }
        return found;
    }
}
