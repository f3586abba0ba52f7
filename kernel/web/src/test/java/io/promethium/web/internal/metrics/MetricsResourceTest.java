package io.promethium.web.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.collect.Collector;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.promethium.exposition.ExpositionFormat;
import io.promethium.exposition.ExpositionParser;
import io.promethium.web.internal.server.ApiServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MetricsResourceTest {

    /** A plugin's collector with a UTF-8 metric and label name. */
    private static final Collector UTF8 = writer -> {
        writer.family("queue.depth", MetricType.GAUGE, "Depth.", "");
        writer.sample("queue.depth", Labels.of("queue.name", "a"), 3);
    };

    /** A counter, a gauge, a histogram and a summary, as the server's own collectors write them. */
    private static final Collector SERVER = writer -> {
        writer.family("requests_total", MetricType.COUNTER, "Requests.", "");
        writer.sample("requests_total", Labels.of("code", "200"), 7);
        writer.family("temperature", MetricType.GAUGE, "Temperature.", "celsius");
        writer.sample("temperature", Labels.EMPTY, 1e-7);
        writer.family("latency_seconds", MetricType.HISTOGRAM, "Latency.", "");
        writer.sample("latency_seconds_bucket", Labels.of("le", "0.5"), 1);
        writer.sample("latency_seconds_bucket", Labels.of("le", "+Inf"), 3);
        writer.sample("latency_seconds_sum", Labels.EMPTY, 2.5);
        writer.sample("latency_seconds_count", Labels.EMPTY, 3);
        writer.family("pause_seconds", MetricType.SUMMARY, "Pauses.", "");
        writer.sample("pause_seconds", Labels.of("quantile", "0.5"), Double.NaN);
        writer.sample("pause_seconds_sum", Labels.EMPTY, 0);
        writer.sample("pause_seconds_count", Labels.EMPTY, 0);
    };

    private static ApiServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new ApiServer(w -> w.register(new MetricsResource(() -> List.of(UTF8, SERVER))));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void utf8NamesAreQuotedWhenTheScraperAllowsThemAndEscapedAsItAsksOtherwise() {
        HttpResponse<String> quoted = server.send(HttpRequest.newBuilder(server.uri("/metrics"))
                .header("Accept", "text/plain;version=1.0.0;escaping=allow-utf-8").GET());
        assertThat(quoted.headers().firstValue("Content-Type")).hasValue("text/plain; version=1.0.0; charset=utf-8; escaping=allow-utf-8");
        assertThat(quoted.body()).contains("{\"queue.depth\",\"queue.name\"=\"a\"} 3");
        HttpResponse<String> dots = server.send(HttpRequest.newBuilder(server.uri("/metrics"))
                .header("Accept", "text/plain;version=1.0.0;escaping=dots").GET());
        assertThat(dots.body()).contains("queue_dot_depth{queue_dot_name=\"a\"} 3");
        HttpResponse<String> plain = server.get("/metrics");
        assertThat(plain.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        assertThat(plain.body()).contains("queue_depth{queue_name=\"a\"} 3");
    }

    /**
     * As client_golang's promhttp: delimited protobuf when the scraper asks for it first (Prometheus
     * 2.42's header with native histograms on), with {@code escaping=} honoured; the families read
     * back with their types and the text page's samples.
     */
    @Test
    void protobufIsServedWhenAskedForFirstWithTheTextPagesSamples() throws Exception {
        String nativeHistograms = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,"
                + "application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;q=0.75,"
                + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
        HttpResponse<byte[]> proto = server.sendBytes(HttpRequest.newBuilder(server.uri("/metrics")).header("Accept", nativeHistograms).GET());
        assertThat(proto.headers().firstValue("Content-Type")).hasValue(
                "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited; escaping=underscores");
        byte[] text = server.get("/metrics").body().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(samples(ExpositionFormat.PROMETHEUS_PROTO, proto.body()))
                .isEqualTo(samples(ExpositionFormat.PROMETHEUS_TEXT_0_0_4, text)).hasSize(10);
        assertThat(types(proto.body())).containsExactly("queue_depth gauge", "requests_total counter", "temperature gauge",
                "latency_seconds histogram", "pause_seconds summary");

        HttpResponse<byte[]> utf8 = server.sendBytes(HttpRequest.newBuilder(server.uri("/metrics"))
                .header("Accept", "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;"
                        + "escaping=allow-utf-8").GET());
        assertThat(utf8.headers().firstValue("Content-Type").orElse("")).endsWith("; escaping=allow-utf-8");
        assertThat(samples(ExpositionFormat.PROMETHEUS_PROTO, utf8.body())).containsKey(Labels.of("__name__", "queue.depth", "queue.name", "a"));
    }

    private static java.util.Map<Labels, String> samples(ExpositionFormat format, byte[] page) throws Exception {
        ExpositionParser p = format.newParser(page, 0, page.length);
        java.util.Map<Labels, String> out = new java.util.TreeMap<>();
        ExpositionParser.Entry e;
        while ((e = p.next()) != ExpositionParser.Entry.EOF) {
            if (e == ExpositionParser.Entry.SERIES) {
                Labels.Builder b = Labels.builder();
                p.labels(b);
                out.put(b.build(), Double.toString(p.value()));
            }
        }
        return out;
    }

    private static List<String> types(byte[] page) throws Exception {
        ExpositionParser p = ExpositionFormat.PROMETHEUS_PROTO.newParser(page, 0, page.length);
        List<String> out = new java.util.ArrayList<>();
        ExpositionParser.Entry e;
        while ((e = p.next()) != ExpositionParser.Entry.EOF) {
            if (e == ExpositionParser.Entry.TYPE) {
                out.add(p.metricFamilyName() + " " + p.type().text());
            }
        }
        return out;
    }

    /**
     * Prometheus 3's {@code /api/v1/status/self_metrics}: client_model's {@code MetricFamily} in
     * protojson, by family name; {@code metric_name_pattern} is anchored.
     */
    @Test
    void selfMetricsAreTheFamiliesInProtobufsJsonMapping() {
        assertThat(server.get("/api/v1/status/self_metrics?metric_name_pattern="
                + java.net.URLEncoder.encode("(latency|pause)_seconds|requests_total|temperature", java.nio.charset.StandardCharsets.UTF_8))
                .body()).isEqualTo("{\"status\":\"success\",\"data\":["
                + "{\"name\":\"latency_seconds\",\"help\":\"Latency.\",\"type\":\"HISTOGRAM\",\"metric\":[{\"histogram\":"
                + "{\"sampleCount\":\"3\",\"sampleSum\":2.5,\"bucket\":[{\"cumulativeCount\":\"1\",\"upperBound\":0.5}]}}]},"
                + "{\"name\":\"pause_seconds\",\"help\":\"Pauses.\",\"type\":\"SUMMARY\",\"metric\":[{\"summary\":"
                + "{\"sampleCount\":\"0\",\"sampleSum\":0,\"quantile\":[{\"quantile\":0.5,\"value\":\"NaN\"}]}}]},"
                + "{\"name\":\"requests_total\",\"help\":\"Requests.\",\"type\":\"COUNTER\",\"metric\":[{\"label\":"
                + "[{\"name\":\"code\",\"value\":\"200\"}],\"counter\":{\"value\":7}}]},"
                + "{\"name\":\"temperature\",\"help\":\"Temperature.\",\"type\":\"GAUGE\",\"metric\":[{\"gauge\":{\"value\":1e-7}}],"
                + "\"unit\":\"celsius\"}]}");
        assertThat(server.get("/api/v1/status/self_metrics?metric_name_pattern=queue").body()).isEqualTo(
                "{\"status\":\"success\",\"data\":[]}");
        assertThat(server.get("/api/v1/status/self_metrics?metric_name_pattern=%28").body())
                .contains("\"errorType\":\"bad_data\"").contains("invalid metric_name_pattern: ");
    }
}
