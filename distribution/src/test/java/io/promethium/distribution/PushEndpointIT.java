package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The push endpoint in the assembled server: mounted on the server's port by the route
 * whiteboard, pushed groups served at {@code /push/metrics} and stored in the TSDB with honored
 * labels, marked stale when deleted, and kept across a restart through the persistence file.
 */
class PushEndpointIT {

    private static HttpResponse<String> push(ServerProcess server, String method, String path, String body) {
        return server.send(HttpRequest.newBuilder(server.uri(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    private static String query(ServerProcess server, String promql) {
        return server.get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).body();
    }

    @Test
    void pushedGroupsAreServedStoredAndPersisted() throws Exception {
        try (ServerProcess server = ServerProcess.prepare()) {
            server.start("--push.storage.interval=1s").awaitReady();
            assertThat(push(server, "PUT", "/metrics/job/it-batch/instance/h1",
                    "# HELP it_done Batch done.\n# TYPE it_done gauge\nit_done 42\n").statusCode()).isEqualTo(200);
            assertThat(push(server, "PUT", "/metrics/job/it-other", "# TYPE it_done gauge\nit_done 7\n").statusCode()).isEqualTo(200);
            assertThat(server.get("/push/metrics").body()).contains("it_done{instance=\"h1\",job=\"it-batch\"} 42");
            assertThat(server.get("/api/v1/metrics").body()).contains("\"labels\":{\"instance\":\"h1\",\"job\":\"it-batch\"}");
            // Pushgateway's /api/v1/status is exact: Prometheus's status endpoints below it still answer.
            assertThat(server.get("/api/v1/status").body()).contains("\"build_information\"").contains("\"start_time\"");
            assertThat(server.get("/api/v1/status/buildinfo").body()).contains("\"goVersion\"");
            // The server's own /metrics stays the server's.
            assertThat(server.get("/metrics").body()).doesNotContain("it_done");

            // Stored as a Prometheus with honor_labels: true scraping a Pushgateway stores them.
            server.await(Duration.ofSeconds(20), () -> query(server, "it_done").contains("\"job\":\"it-other\""), "pushed samples in the TSDB");
            assertThat(query(server, "it_done{job=\"it-batch\",instance=\"h1\"}")).contains("\"value\":[").contains("\"42\"]");

            // A deleted group's series turn stale: the query stops returning them at once.
            assertThat(push(server, "DELETE", "/metrics/job/it-other", null).statusCode()).isEqualTo(202);
            server.await(Duration.ofSeconds(20), () -> !query(server, "it_done").contains("it-other"), "deleted group stale");
            assertThat(query(server, "it_done")).contains("it-batch");

            // A clean shutdown writes the persistence file; the next start restores the groups.
            server.signal("TERM");
            assertThat(server.process().waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            server.start().awaitReady();
            assertThat(server.get("/push/metrics").body()).contains("it_done{instance=\"h1\",job=\"it-batch\"} 42")
                    .doesNotContain("it-other");
        }
    }

    @Test
    void aFlagSwitchesTheEndpointOff() throws Exception {
        try (ServerProcess server = ServerProcess.prepare()) {
            ServerProcess.Result help = server.runToCompletion("--help");
            assertThat(help.output()).contains("--push.enabled").contains("--push.group-ttl").contains("--push.persistence.file");
            server.start("--push.enabled=false").awaitReady();
            assertThat(push(server, "PUT", "/metrics/job/off", "x 1\n").statusCode()).isEqualTo(404);
            assertThat(server.get("/push/metrics").statusCode()).isEqualTo(404);
            assertThat(server.get("/api/v1/status/buildinfo").statusCode()).isEqualTo(200);
        }
    }
}
