package io.promethium.push.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.testsupport.Peers;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian {@code prometheus}) scrapes the pushed page at {@code /push/metrics}
 * with {@code honor_labels: true}, as it would scrape a Pushgateway: the pushed series arrive with
 * their own job and instance.
 */
class PrometheusScrapesPushedPageIT {

    @TempDir
    Path dir;

    @Test
    void prometheusScrapesThePushedPageWithHonoredLabels() throws Exception {
        Path prometheus = Peers.require("prometheus");
        try (PushServer ours = new PushServer()) {
            assertThat(ours.send("PUT", "/metrics/job/nightly/instance/db1", "# TYPE backup_ok gauge\nbackup_ok 1\n").status()).isEqualTo(200);
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Files.writeString(dir.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: 1s
                    scrape_configs:
                      - job_name: push
                        honor_labels: true
                        metrics_path: /push/metrics
                        static_configs:
                          - targets: ['%s']
                    """.formatted(ours.url().substring("http://".length())));
            Process p = new ProcessBuilder(prometheus.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            try {
                HttpClient client = HttpClient.newHttpClient();
                String query = "http://127.0.0.1:" + port + "/api/v1/query?query="
                        + URLEncoder.encode("backup_ok", StandardCharsets.UTF_8);
                String body = "";
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (System.nanoTime() < deadline && p.isAlive()) {
                    try {
                        body = client.send(HttpRequest.newBuilder(URI.create(query)).timeout(Duration.ofSeconds(5)).build(),
                                HttpResponse.BodyHandlers.ofString()).body();
                        if (body.contains("backup_ok")) {
                            break;
                        }
                    } catch (java.io.IOException notYet) {
                        // Prometheus still starting.
                    }
                    Thread.sleep(200);
                }
                assertThat(body).as(Files.readString(dir.resolve("prometheus.log")))
                        .contains("\"job\":\"nightly\"").contains("\"instance\":\"db1\"").contains("\"1\"]");
            } finally {
                p.destroy();
                p.waitFor();
            }
        }
    }
}
