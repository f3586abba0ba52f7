package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The exporter plugins shipped in plugins/: the default config's node and jvm jobs (on this
 * test's port) store the host's and the JVM's metrics, scraped in-process (no HTTP request to
 * {@code /exporters}); both pages serve over HTTP; deleting the node jar removes its page.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExportersIT {

    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.prepare();
        String defaults = Files.readString(server.home.resolve("conf/prometheus.yml"));
        assertThat(defaults).contains("job_name: node").contains("job_name: jvm");
        server.config(defaults.replace("localhost:9090", "localhost:" + server.port).replace("scrape_interval: 15s", "scrape_interval: 1s"));
        Files.createDirectories(server.home.resolve("textfiles"));
        Files.writeString(server.home.resolve("textfiles/site.prom"), "site_info{site=\"test\"} 1\n");
        // Flags the node bundle declares (its Promethium-Flags header), as node_exporter names them.
        server.start("--plugins.scan-interval=1s", "--no-collector.arp",
                "--collector.textfile.directory=" + server.home.resolve("textfiles")).awaitReady();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void defaultConfigStoresTheHostsAndTheJvmsMetricsScrapedInProcess() {
        server.await(Duration.ofSeconds(30), () -> query("node_memory_MemTotal_bytes{job=\"node\"}").contains("\"value\"")
                        && query("jvm_memory_used_bytes{job=\"jvm\",area=\"heap\"}").contains("\"value\"")
                        && query("up{job=~\"node|jvm\"} == 1").split("\"value\"").length == 3,
                "node and jvm metrics stored by the default config's jobs");
        assertThat(query("node_scrape_collector_success{job=\"node\",collector=\"cpu\"}")).contains("\"1\"]");
        assertThat(query("node_cpu_seconds_total{job=\"node\",mode=\"idle\"}")).contains("\"cpu\":\"0\"");
        // In-process: the scrapes never reached the HTTP route (no request counted for it yet).
        assertThat(server.get("/metrics").body()).doesNotContain("handler=\"/exporters\"");
    }

    @Test
    void theNodeBundlesFlagsAreAcceptedListedAndApplied() throws Exception {
        assertThat(server.output()).doesNotContain("Promethium-Flags");
        String node = server.get("/exporters/node/metrics").body();
        assertThat(node).doesNotContain("collector=\"arp\"").contains("site_info{site=\"test\"} 1")
                .contains("node_textfile_scrape_error 0");
        ServerProcess.Result help = server.runToCompletion("--help");
        assertThat(help.output()).contains("--collector.thermal_zone").contains("--path.procfs")
                .contains("--collector.filesystem.mount-points-exclude");
    }

    @Test
    void bothPagesServeOverHttp() {
        var node = server.get("/exporters/node/metrics");
        assertThat(node.statusCode()).isEqualTo(200);
        assertThat(node.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(node.body()).contains("# TYPE node_cpu_seconds_total counter").contains("node_load1 ")
                .contains("node_scrape_collector_success{collector=\"meminfo\"} 1");
        var jvm = server.get("/exporters/jvm/metrics");
        assertThat(jvm.statusCode()).isEqualTo(200);
        assertThat(jvm.body()).contains("# TYPE jvm_gc_collection_seconds summary").contains("jvm_threads_state{state=\"RUNNABLE\"}");
        assertThat(server.get("/exporters").body()).contains("/exporters/jvm/metrics").contains("/exporters/node/metrics");
        assertThat(server.get("/exporters/nosuch/metrics").statusCode()).isEqualTo(404);
        // The JVM page is not merged into the server's own /metrics: one process_* family each.
        Matcher m = Pattern.compile("(?m)^# TYPE process_cpu_seconds_total ").matcher(server.get("/metrics").body());
        int count = 0;
        while (m.find()) {
            count++;
        }
        assertThat(count).isEqualTo(1);
    }

    @Test
    void removingTheNodeJarRemovesItsPageAndPuttingItBackRestoresIt() throws Exception {
        var jar = server.home.resolve("plugins/promethium-exporter-node.jar");
        var saved = server.home.resolve("node.jar.saved");
        Files.move(jar, saved);
        try {
            server.await(Duration.ofSeconds(15), () -> server.get("/exporters/node/metrics").statusCode() == 404,
                    "node page gone after removing the jar");
        } finally {
            Files.move(saved, jar);
        }
        server.await(Duration.ofSeconds(15), () -> server.get("/exporters/node/metrics").statusCode() == 200,
                "node page back after restoring the jar");
    }

    private static String query(String promql) {
        return server.get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).body();
    }
}
