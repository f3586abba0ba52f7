package io.promethium.distribution;

import static io.promethium.testsupport.ProtoWriter.label;
import static io.promethium.testsupport.ProtoWriter.span;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.promethium.testsupport.Peers;
import io.promethium.testsupport.ProtoWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Native histograms over remote write 1.0 with the real Prometheus 2.42 (Debian) both ways. One
 * target serves a native histogram in the protobuf exposition format; Promethium scrapes it and
 * remote-writes it (send_native_histograms) to Prometheus ({@code --web.enable-remote-write-receiver
 * --enable-feature=native-histograms}); Prometheus scrapes it too (its native-histograms feature
 * negotiates protobuf) and remote-writes it (send_native_histograms, supported since 2.40) to
 * Promethium. Each side's raw samples, read back through the other's query API, are equal to the
 * writer's own. (2.42 scrapes and sends integer histograms only: float histograms over remote write
 * and custom buckets came later, so those are checked against protobuf-java in the module tests.)
 * Prometheus also scrapes Promethium's own {@code /metrics}, asking for protobuf first as its
 * native-histograms feature does: the page is served in protobuf and Prometheus reads it.
 */
class NativeHistogramRemoteIT {

    private static HttpServer target;
    private static final AtomicLong scrapes = new AtomicLong();
    private static PrometheusProcess prometheus;
    private static ServerProcess promethium;

    @BeforeAll
    static void start() throws Exception {
        Peers.require("prometheus");
        target = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        target.createContext("/nh", NativeHistogramRemoteIT::page);
        target.start();
        promethium = ServerProcess.prepare();
        int promethiumPort = promethium.uri("").getPort();
        prometheus = PrometheusProcess.start("""
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: from_prometheus
                    metrics_path: /nh
                    static_configs: [{targets: ['127.0.0.1:%1$d']}]
                  # Promethium's own /metrics, which answers this Prometheus's protobuf Accept header in protobuf.
                  - job_name: promethium_self
                    static_configs: [{targets: ['127.0.0.1:%2$d']}]
                remote_write:
                  # Only its own scrapes: what Promethium wrote here must not echo back (older samples, refused).
                  - url: http://127.0.0.1:%2$d/api/v1/write
                    send_native_histograms: true
                    queue_config: {batch_send_deadline: 500ms}
                    write_relabel_configs: [{source_labels: [job], regex: from_prometheus, action: keep}]
                """.formatted(target.getAddress().getPort(), promethiumPort),
                "--web.enable-remote-write-receiver", "--enable-feature=native-histograms");
        promethium.config("""
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: from_promethium
                    metrics_path: /nh
                    scrape_native_histograms: true
                    static_configs: [{targets: ['127.0.0.1:%1$d']}]
                remote_write:
                  - url: http://127.0.0.1:%2$d/api/v1/write
                    send_native_histograms: true
                    queue_config: {batch_send_deadline: 500ms}
                    write_relabel_configs: [{source_labels: [job, via], regex: 'from_promethium;', action: keep}]
                  # Remote write 2.0 from this server to its own receiver, marked via="rw2" (what already
                  # came that way is not sent again): our 2.0 sender against our 2.0 receiver.
                  - url: http://127.0.0.1:%3$d/api/v1/write
                    name: self_v2
                    protobuf_message: io.prometheus.write.v2.Request
                    send_native_histograms: true
                    queue_config: {batch_send_deadline: 500ms}
                    write_relabel_configs:
                      - {source_labels: [via], regex: .+, action: drop}
                      - {target_label: via, replacement: rw2}
                """.formatted(target.getAddress().getPort(), prometheus.port, promethiumPort))
                .start("--web.enable-remote-write-receiver").awaitReady();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {promethium, prometheus}) {
            if (c != null) {
                c.close();
            }
        }
        if (target != null) {
            target.stop(0);
        }
    }

    /**
     * A native histogram (schema 0, a zero bucket, buckets at 0, 1 and 3 and a negative one) that
     * grows with every scrape, in the delimited protobuf exposition format.
     */
    private static void page(com.sun.net.httpserver.HttpExchange exchange) throws IOException {
        long n = scrapes.incrementAndGet();
        ProtoWriter histogram = new ProtoWriter().varint(1, 9 * n).dbl(2, 11.5 * n)
                .sint(5, 0).dbl(6, 0.001).varint(7, n)
                .message(9, span(-1, 1)).packedSint(10, n)
                .message(12, span(0, 2)).message(12, span(1, 1)).packedSint(13, 2 * n, -n, 3 * n);
        byte[] body = new ProtoWriter().string(1, "it_latency_seconds").string(2, "Latency.").varint(3, 4)
                .message(4, new ProtoWriter().message(1, label("path", "/x")).message(7, histogram)).delimited();
        exchange.getResponseHeaders().add("Content-Type",
                "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    /** The raw histogram samples of the one series a range selector answers: timestamp → the histogram's JSON. */
    private static TreeMap<Double, String> histograms(JsonNode answer) {
        TreeMap<Double, String> out = new TreeMap<>();
        assertThat(answer.at("/status").asText()).as(answer.toString()).isEqualTo("success");
        JsonNode result = answer.at("/data/result");
        if (result.isEmpty()) {
            return out;
        }
        assertThat(result.size()).as(answer.toString()).isEqualTo(1);
        for (JsonNode p : result.get(0).path("histograms")) {
            out.put(p.get(0).asDouble(), p.get(1).toString());
        }
        return out;
    }

    private static void roundTrip(String job, URI writer, URI receiver) {
        roundTrip("it_latency_seconds{job=\"" + job + "\",path=\"/x\",via=\"\"}[20s]", writer,
                "it_latency_seconds{job=\"" + job + "\",path=\"/x\",via=\"\"}[20s]", receiver);
    }

    private static void roundTrip(String selector, URI writer, String receivedSelector, URI receiver) {
        String what = selector;
        // The comparison reads 3 s back (every sample in its window has had time to travel): wait
        // until that window already holds 3 samples on the receiving side.
        promethium.await(Duration.ofSeconds(60),
                () -> histograms(RemotePeersIT.query(receiver, receivedSelector, System.currentTimeMillis() - 3000)).size() >= 3,
                "3 histogram samples of " + what + " written across");
        long at = System.currentTimeMillis() - 3000;
        TreeMap<Double, String> written = histograms(RemotePeersIT.query(writer, selector, at));
        TreeMap<Double, String> received = histograms(RemotePeersIT.query(receiver, receivedSelector, at));
        assertThat(received).hasSizeGreaterThanOrEqualTo(3);
        // Every sample the writer has between the first and the last that arrived is there, equal
        // (a queue sends what is scraped after it started; the newest may still be on its way).
        assertThat(received).isEqualTo(written.subMap(received.firstKey(), true, received.lastKey(), true));
        assertThat(received.values()).allMatch(h -> h.contains("\"buckets\""));
    }

    /**
     * Prometheus 2.42 with native histograms asks for delimited protobuf first; Promethium's
     * {@code /metrics} answers in protobuf and Prometheus reads it: the target is up, the families
     * have the types of the text page, a histogram's buckets (the {@code +Inf} one implicit in the
     * protobuf count) are the text page's, and a summary's counts arrive per label set.
     */
    @Test
    void prometheusScrapesThisServersOwnMetricsInProtobuf() throws Exception {
        String accept = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,"
                + "application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;q=0.75,"
                + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
        java.net.http.HttpResponse<byte[]> direct = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(promethium.uri("/metrics")).header("Accept", accept).build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(direct.headers().firstValue("Content-Type").orElse(""))
                .startsWith("application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited");
        URI theirs = prometheus.uri("");
        RemotePeersIT.query(promethium.uri(""), "1", System.currentTimeMillis()); // a query for the engine's summary
        promethium.await(Duration.ofSeconds(60), () -> {
            JsonNode up = RemotePeersIT.query(theirs, "count_over_time(up{job=\"promethium_self\"}[1m]) >= 3 and up{job=\"promethium_self\"} == 1",
                    System.currentTimeMillis());
            return up.at("/data/result").size() == 1;
        }, "three scrapes of Promethium's /metrics, the last one up");
        String text = promethium.get("/metrics").body();
        java.util.Map<String, String> types = new java.util.TreeMap<>();
        for (String family : java.util.List.of("prometheus_http_requests_total", "prometheus_config_last_reload_successful",
                "prometheus_http_request_duration_seconds", "prometheus_engine_query_duration_seconds")) {
            JsonNode metadata = get(theirs.resolve("/api/v1/metadata?metric=" + family));
            types.put(family, metadata.at("/data/" + family + "/0/type").asText());
        }
        assertThat(types).containsExactly(java.util.Map.entry("prometheus_config_last_reload_successful", "gauge"),
                java.util.Map.entry("prometheus_engine_query_duration_seconds", "summary"),
                java.util.Map.entry("prometheus_http_request_duration_seconds", "histogram"),
                java.util.Map.entry("prometheus_http_requests_total", "counter"));
        long at = System.currentTimeMillis();
        assertThat(bounds(RemotePeersIT.query(theirs, "prometheus_http_request_duration_seconds_bucket{job=\"promethium_self\",handler=\"/metrics\"}", at), "le"))
                .isEqualTo(bounds(text, "prometheus_http_request_duration_seconds_bucket{", "handler=\"/metrics\"", "le")).contains(Double.POSITIVE_INFINITY);
        // A summary (the engine's has no quantiles): its _count per slice, from the Summary message.
        java.util.Set<String> slices = new java.util.TreeSet<>();
        for (JsonNode series : RemotePeersIT.query(theirs, "prometheus_engine_query_duration_seconds_count{job=\"promethium_self\"}", at)
                .at("/data/result")) {
            slices.add(series.at("/metric/slice").asText());
        }
        assertThat(slices).isEqualTo(java.util.Set.of("inner_eval", "queue_time"));
        assertThat(text).contains("prometheus_engine_query_duration_seconds_count{slice=\"inner_eval\"}");
    }

    private static JsonNode get(URI uri) throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(uri).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
    }

    /** The distinct values of {@code label} (as numbers) in a query answer. */
    private static java.util.Set<Double> bounds(JsonNode answer, String label) {
        java.util.Set<Double> out = new java.util.TreeSet<>();
        for (JsonNode s : answer.at("/data/result")) {
            out.add(number(s.at("/metric/" + label).asText()));
        }
        return out;
    }

    /** The distinct values of {@code label} (as numbers) on the lines of a text page that start with {@code prefix} and contain {@code filter}. */
    private static java.util.Set<Double> bounds(String page, String prefix, String filter, String label) {
        java.util.Set<Double> out = new java.util.TreeSet<>();
        java.util.regex.Pattern value = java.util.regex.Pattern.compile(label + "=\"([^\"]*)\"");
        for (String line : page.split("\n")) {
            if (line.startsWith(prefix) && line.contains(filter)) {
                java.util.regex.Matcher m = value.matcher(line);
                if (m.find()) {
                    out.add(number(m.group(1)));
                }
            }
        }
        return out;
    }

    private static double number(String text) {
        return text.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(text);
    }

    @Test
    void nativeHistogramsRemoteWrittenByPromethiumReadBackEqualInPrometheus() {
        roundTrip("from_promethium", promethium.uri(""), prometheus.uri(""));
    }

    @Test
    void nativeHistogramsSentOverRemoteWrite2ArriveEqualInPromethiumsOwn2Receiver() {
        URI self = promethium.uri("");
        roundTrip("it_latency_seconds{job=\"from_promethium\",path=\"/x\",via=\"\"}[20s]", self,
                "it_latency_seconds{job=\"from_promethium\",path=\"/x\",via=\"rw2\"}[20s]", self);
    }

    @Test
    void nativeHistogramsRemoteWrittenByPrometheusReadBackEqualInPromethium() {
        roundTrip("from_prometheus", prometheus.uri(""), promethium.uri(""));
    }
}
