package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * UTF-8 metric and label names end to end in the assembled server, as Prometheus 3: a page with a
 * dotted metric and label name is scraped, relabeled, queried with the quoted selector
 * {@code {"a.b"}}, listed by the HTTP API and remote-written to a second server; a job with
 * {@code metric_name_validation_scheme: legacy} asks for {@code escaping=underscores} and refuses
 * the page. The target is a loopback stand-in answering as client_golang does: quoted names in
 * text format 1.0.0 when the scrape asks for {@code escaping=allow-utf-8}. The Debian Prometheus
 * (2.42) has no UTF-8 names, so there is no differential run.
 */
class Utf8NamesIT {

    private static final String PAGE = "# HELP \"a.b\" A dotted gauge.\n# TYPE \"a.b\" gauge\n{\"a.b\",\"c.d\"=\"x\"} 1\n";

    private static String query(ServerProcess server, String promql) {
        return server.get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).body();
    }

    @Test
    void dottedNamesAreScrapedQueriedListedAndRemoteWritten() throws Exception {
        Map<String, String> accept = new ConcurrentHashMap<>();
        HttpServer target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.createContext("/", exchange -> {
            String job = exchange.getRequestURI().getPath().substring(1);
            String header = exchange.getRequestHeaders().getFirst("Accept");
            accept.put(job, header == null ? "" : header);
            byte[] body = PAGE.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=1.0.0; charset=utf-8; escaping=allow-utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        target.start();
        try (ServerProcess receiver = ServerProcess.prepare(); ServerProcess server = ServerProcess.prepare()) {
            receiver.start("--web.enable-remote-write-receiver").awaitReady();
            String address = "127.0.0.1:" + target.getAddress().getPort();
            server.config("""
                    global:
                      scrape_interval: 1s
                    scrape_configs:
                      - job_name: utf8
                        metrics_path: /utf8
                        static_configs: [{targets: ['%1$s']}]
                        metric_relabel_configs:
                          - {source_labels: ["c.d"], target_label: "e.f", replacement: "copy-$1"}
                      - job_name: legacy
                        metrics_path: /legacy
                        metric_name_validation_scheme: legacy
                        static_configs: [{targets: ['%1$s']}]
                    remote_write:
                      - url: http://127.0.0.1:%2$d/api/v1/write
                        queue_config: {batch_send_deadline: 500ms}
                    """.formatted(address, receiver.port)).start().awaitReady();

            server.await(Duration.ofSeconds(60), () -> query(server, "{\"a.b\"}").contains("\"a.b\""), "the dotted series scraped");
            assertThat(query(server, "{\"a.b\", \"c.d\"=\"x\"}")).contains("\"__name__\":\"a.b\"").contains("\"c.d\":\"x\"")
                    .contains("\"e.f\":\"copy-x\"").contains("\"job\":\"utf8\"").contains("\"1\"]");
            assertThat(query(server, "sum by (\"c.d\") ({\"a.b\"})")).contains("{\"c.d\":\"x\"}");
            assertThat(server.get("/api/v1/label/__name__/values").body()).contains("\"a.b\"");
            assertThat(server.get("/api/v1/labels").body()).contains("\"c.d\"").contains("\"e.f\"");
            assertThat(server.get("/api/v1/metadata?metric=a.b").body()).contains("A dotted gauge.");
            assertThat(server.get("/api/v1/format_query?query=" + URLEncoder.encode("sum by(\"c.d\")({\"a.b\"})", StandardCharsets.UTF_8))
                    .body()).contains("sum by (\\\"c.d\\\") ({__name__=\\\"a.b\\\"})");

            assertThat(accept.get("utf8")).contains("text/plain;version=1.0.0;escaping=allow-utf-8");
            server.await(Duration.ofSeconds(30), () -> query(server, "up{job=\"legacy\"}").contains("\"0\"]"), "the legacy job down");
            // Only now: the legacy job's first scrape may come after the utf8 job's series were queried.
            assertThat(accept.get("legacy")).contains("text/plain;version=1.0.0;escaping=underscores").doesNotContain("allow-utf-8");
            assertThat(server.get("/api/v1/targets").body()).contains("invalid metric name or label names");

            receiver.await(Duration.ofSeconds(60), () -> query(receiver, "{\"a.b\"}").contains("\"e.f\":\"copy-x\""),
                    "the dotted series remote-written");
        } finally {
            target.stop(0);
        }
    }
}
