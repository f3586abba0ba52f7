package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.testsupport.Peers;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Prometheus as Promethium's peer: it remote-writes its own scrapes into Promethium,
 * federates from Promethium's {@code /federate}, and reads Promethium's data through
 * {@code remote_read} (Prometheus 2.42's client asks for sampled responses; streamed chunks are
 * checked by the web bundle's unit tests) for selectors with {@code origin="remote"} only, so the
 * other checks see Prometheus's own data. Each test checks
 * the samples arrive with the same labels, timestamps and values.
 */
class PrometheusPeerIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Values that stress float formatting on the way through the text format. */
    private static final double[] VALUES = {0.1, 1e-7, 1.5e22, -3.25, 12345.678901234, 2.0 / 3};

    private static PrometheusProcess prometheus;
    private static ServerProcess promethium;
    private static long lastSample;

    @BeforeAll
    static void start() throws Exception {
        Peers.require("prometheus");
        promethium = ServerProcess.prepare().config("global:\n  scrape_interval: 1h\n  external_labels:\n    site: p\n")
                .start("--web.enable-remote-write-receiver").awaitReady();
        long now = System.currentTimeMillis() / 1000 * 1000;
        lastSample = now - 10_000;
        List<RemoteWriteClient.TimeSeries> series = new ArrayList<>();
        for (int s = 0; s < VALUES.length; s++) {
            long[] ts = new long[8];
            double[] vs = new double[8];
            for (int i = 0; i < 8; i++) {
                ts[i] = lastSample - (7 - i) * 15_000L;
                vs[i] = VALUES[s] * (i + 1);
            }
            series.add(new RemoteWriteClient.TimeSeries(Map.of("__name__", "peer_metric", "instance", "x", "n", Integer.toString(s)), ts, vs));
            series.add(new RemoteWriteClient.TimeSeries(Map.of("__name__", "remote_only_metric", "origin", "remote",
                    "n", Integer.toString(s)), ts, vs));
        }
        assertThat(RemoteWriteClient.send(promethium.uri("/api/v1/write"), series).statusCode()).isEqualTo(204);
        String target = "127.0.0.1:" + promethium.port;
        String config = """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: self
                    static_configs: [{targets: ['127.0.0.1:PROMETHEUS_PORT']}]
                  - job_name: federate
                    honor_labels: true
                    metrics_path: /federate
                    params: {'match[]': ['{__name__="peer_metric"}']}
                    static_configs: [{targets: ['%s']}]
                remote_write:
                  - url: http://%s/api/v1/write
                    write_relabel_configs: [{source_labels: [job], regex: self, action: keep}]
                    queue_config: {batch_send_deadline: 1s}
                remote_read:
                  - url: http://%s/api/v1/read
                    read_recent: true
                    required_matchers: {origin: remote}
                """.formatted(target, target, target);
        prometheus = PrometheusProcess.start(config);
    }

    @AfterAll
    static void stop() throws Exception {
        if (prometheus != null) {
            prometheus.close();
        }
        if (promethium != null) {
            promethium.close();
        }
    }

    private static HttpResponse<String> get(int port, String pathAndQuery) {
        try {
            return HTTP.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + pathAndQuery))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String seconds(long millis) {
        return millis / 1000 + "." + String.format("%03d", millis % 1000);
    }

    @Test
    void prometheusRemoteWritesItsScrapesIntact() throws Exception {
        promethium.await(Duration.ofSeconds(60), () -> get(promethium.port, "/api/v1/query?query=" + enc("count_over_time(up{job=\"self\"}[1m])"))
                .body().contains("\"value\":[") && !get(promethium.port, "/api/v1/query?query=" + enc("up{job=\"self\"}")).body()
                .contains("\"result\":[]"), "remote-written samples in Promethium");
        // Several scrapes after the first one, in Prometheus's own storage.
        promethium.await(Duration.ofSeconds(60), () -> get(prometheus.port, "/api/v1/query?query="
                + enc("count_over_time(up{job=\"self\"}[1m]) >= 5")).body().contains("\"value\":["), "five scrapes in Prometheus");
        long at = System.currentTimeMillis() - 1000;
        String query = "/api/v1/query?query=" + enc("{job=\"self\",__name__=~\"up|prometheus_build_info|prometheus_tsdb_head_series|"
                + "prometheus_http_requests_total|scrape_samples_scraped\"}[20s]") + "&time=" + seconds(at);
        // Everything Prometheus stored up to `at` reaches Promethium within a few batch deadlines
        // (1 s each): compare until equal, against a deadline, and report the last difference.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String difference;
        HttpResponse<String> fromPrometheus;
        do {
            fromPrometheus = get(prometheus.port, query);
            difference = ApiComparison.compare(fromPrometheus, get(promethium.port, query));
            if (difference.isEmpty()) {
                break;
            }
            ServerProcess.sleep(500);
        } while (System.nanoTime() < deadline);
        JsonNode a = JSON.readTree(fromPrometheus.body()).at("/data/result");
        assertThat(a.size()).as(fromPrometheus.body()).isGreaterThan(4);
        assertThat(difference).as("Prometheus's samples up to %s vs what it remote-wrote into Promethium", seconds(at)).isEmpty();
    }

    @Test
    void prometheusFederatesFromPromethium() throws Exception {
        String query = "/api/v1/query?query=" + enc("peer_metric") + "&time=" + seconds(lastSample);
        promethium.await(Duration.ofSeconds(60), () -> {
            try {
                return JSON.readTree(get(prometheus.port, query).body()).at("/data/result").size() == VALUES.length;
            } catch (Exception e) {
                return false;
            }
        }, "federated samples in Prometheus");
        JsonNode result = JSON.readTree(get(prometheus.port, query).body()).at("/data/result");
        for (JsonNode sample : result) {
            JsonNode metric = sample.get("metric");
            assertThat(metric.get("site").asText()).isEqualTo("p");
            assertThat(metric.get("instance").asText()).isEqualTo("x");
            assertThat(metric.get("job").asText()).isEqualTo("federate");
            int n = metric.get("n").asInt();
            assertThat(sample.at("/value/0").asDouble() * 1000).isEqualTo((double) lastSample);
            assertThat(Double.parseDouble(sample.at("/value/1").asText())).isEqualTo(VALUES[n] * 8);
        }
    }

    @Test
    void prometheusReadsPromethiumThroughRemoteRead() throws Exception {
        String query = "/api/v1/query_range?query=" + enc("remote_only_metric{origin=\"remote\"}") + "&start=" + seconds(lastSample - 105_000)
                + "&end=" + seconds(lastSample) + "&step=15";
        HttpResponse<String> viaPrometheus = get(prometheus.port, query);
        HttpResponse<String> direct = get(promethium.port, query);
        JsonNode result = JSON.readTree(viaPrometheus.body()).at("/data/result");
        assertThat(result.size()).as(viaPrometheus.body()).isEqualTo(VALUES.length);
        // Remote read adds Promethium's external labels; otherwise the series are the same.
        assertThat(result.get(0).at("/metric/site").asText()).isEqualTo("p");
        assertThat(ApiComparison.compare(viaPrometheus, direct.body().isEmpty() ? direct : withSite(direct))).isEmpty();
    }

    /** Promethium's own answer with its external label added, as remote read returns series. */
    private static HttpResponse<String> withSite(HttpResponse<String> r) throws Exception {
        JsonNode tree = JSON.readTree(r.body());
        for (JsonNode s : tree.at("/data/result")) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) s.get("metric")).put("site", "p");
        }
        String body = tree.toString();
        return new HttpResponse<>() {
            public int statusCode() { return r.statusCode(); }
            public HttpRequest request() { return r.request(); }
            public java.util.Optional<HttpResponse<String>> previousResponse() { return java.util.Optional.empty(); }
            public java.net.http.HttpHeaders headers() { return r.headers(); }
            public String body() { return body; }
            public java.util.Optional<javax.net.ssl.SSLSession> sslSession() { return java.util.Optional.empty(); }
            public java.net.URI uri() { return r.uri(); }
            public HttpClient.Version version() { return r.version(); }
        };
    }
}
