package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The OTLP receiver bundle in the assembled server: its flag, its {@code otlp:} section and its
 * route mounted by the whiteboard; an OTLP/JSON request (gzip) stored with Prometheus 3's names;
 * and in agent mode, forwarded by remote write to a second server.
 */
class OtlpReceiverIT {

    private static String body(long nowMillis) {
        String ns = Long.toString(nowMillis * 1_000_000);
        return """
                {"resourceMetrics":[{"resource":{"attributes":[
                    {"key":"service.name","value":{"stringValue":"shop"}},
                    {"key":"service.instance.id","value":{"stringValue":"i-1"}},
                    {"key":"deployment.environment","value":{"stringValue":"it"}}]},
                  "scopeMetrics":[{"scope":{"name":"it"},"metrics":[
                    {"name":"http.requests","unit":"{request}","sum":{"aggregationTemporality":2,"isMonotonic":true,
                      "dataPoints":[{"timeUnixNano":"NS","asInt":"7","attributes":[{"key":"http.method","value":{"stringValue":"GET"}}]}]}},
                    {"name":"payload.size","unit":"By","exponentialHistogram":{"aggregationTemporality":2,
                      "dataPoints":[{"timeUnixNano":"NS","count":"3","sum":700,"scale":3,"positive":{"offset":50,"bucketCounts":["1","0","2"]}}]}}
                  ]}]}]}
                """.replace("NS", ns);
    }

    private static HttpResponse<String> push(ServerProcess server, String json) throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(json.getBytes(StandardCharsets.UTF_8));
        }
        return server.send(HttpRequest.newBuilder(server.uri("/api/v1/otlp/v1/metrics")).header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(gz.toByteArray())));
    }

    private static String query(ServerProcess server, String promql) {
        return server.get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).body();
    }

    @Test
    void otlpRequestsAreStoredWithPrometheusNames() throws Exception {
        try (ServerProcess server = ServerProcess.prepare()) {
            assertThat(server.runToCompletion("--help").output()).contains("--web.enable-otlp-receiver");
            server.config("""
                    otlp:
                      promote_resource_attributes: [deployment.environment]
                    """).start("--web.enable-otlp-receiver").awaitReady();
            HttpResponse<String> r = push(server, body(System.currentTimeMillis()));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(query(server, "http_requests_total")).contains("\"job\":\"shop\"").contains("\"instance\":\"i-1\"")
                    .contains("\"http_method\":\"GET\"").contains("\"deployment_environment\":\"it\"").contains("\"7\"]");
            assertThat(query(server, "histogram_count(payload_size_bytes)")).contains("\"3\"]");
            assertThat(query(server, "target_info")).contains("\"deployment_environment\":\"it\"").contains("\"job\":\"shop\"");
            HttpResponse<String> bad = server.send(HttpRequest.newBuilder(server.uri("/api/v1/otlp/v1/metrics"))
                    .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("x")));
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).startsWith("unsupported content type: text/plain");
        }
    }

    private static String deltaBody(long startMillis, long timeMillis, long v) {
        return """
                {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"shop"}}]},
                  "scopeMetrics":[{"scope":{"name":"it"},"metrics":[
                    {"name":"http.requests","sum":{"aggregationTemporality":1,"isMonotonic":true,
                      "dataPoints":[{"startTimeUnixNano":"FROM","timeUnixNano":"UNTIL","asInt":"VALUE"}]}}]}]}]}
                """.replace("FROM", Long.toString(startMillis * 1_000_000)).replace("UNTIL", Long.toString(timeMillis * 1_000_000))
                .replace("VALUE", Long.toString(v));
    }

    @Test
    void theBundleBringsOtlpDeltaToCumulative() throws Exception {
        try (ServerProcess server = ServerProcess.prepare()) {
            assertThat(server.runToCompletion("--help").output()).contains("otlp-deltatocumulative");
            server.start("--web.enable-otlp-receiver", "--enable-feature=otlp-deltatocumulative").awaitReady();
            long now = System.currentTimeMillis();
            assertThat(push(server, deltaBody(now - 20_000, now - 10_000, 3)).statusCode()).isEqualTo(200);
            assertThat(push(server, deltaBody(now - 10_000, now, 7)).statusCode()).isEqualTo(200);
            assertThat(query(server, "http_requests_total")).contains("\"job\":\"shop\"").contains("\"10\"]");
        }
    }

    @Test
    void withoutTheFlagTheRouteAnswers404EvenWithTheOldFeatureName() throws Exception {
        try (ServerProcess server = ServerProcess.prepare()) {
            server.start("--enable-feature=otlp-write-receiver").awaitReady();
            HttpResponse<String> r = push(server, body(System.currentTimeMillis()));
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(r.body()).isEqualTo("otlp write receiver needs to be enabled with --web.enable-otlp-receiver\n");
            assertThat(server.output()).contains("otlp-write-receiver");
        }
    }

    @Test
    void anAgentForwardsOtlpRequestsByRemoteWrite() throws Exception {
        try (ServerProcess receiver = ServerProcess.prepare(); ServerProcess agent = ServerProcess.prepare()) {
            receiver.start("--web.enable-remote-write-receiver").awaitReady();
            agent.config("""
                    remote_write:
                      - url: http://127.0.0.1:%d/api/v1/write
                        send_native_histograms: true
                        queue_config: {batch_send_deadline: 500ms}
                    """.formatted(receiver.port))
                    .start("--agent", "--web.enable-otlp-receiver", "--storage.agent.path=" + agent.home.resolve("data-agent")).awaitReady();
            HttpResponse<String> r = push(agent, body(System.currentTimeMillis()));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            receiver.await(Duration.ofSeconds(60), () -> query(receiver, "http_requests_total").contains("\"job\":\"shop\""),
                    "the OTLP samples remote-written by the agent");
            receiver.await(Duration.ofSeconds(30), () -> query(receiver, "histogram_count(payload_size_bytes)").contains("\"3\"]"),
                    "the native histogram remote-written by the agent");
        }
    }
}
