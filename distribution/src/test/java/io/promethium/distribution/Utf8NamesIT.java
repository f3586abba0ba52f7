package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * UTF-8 metric and label names end to end in the assembled server, as Prometheus 3. One server
 * scrapes a page with dotted metric and label names under every name scheme: the global
 * {@code metric_name_validation_scheme: utf8} and {@code metric_name_escaping_scheme: dots}, and
 * jobs that override them ({@code allow-utf-8}, {@code values}, {@code underscores}, legacy
 * validation). The unescaped series are relabeled, queried with quoted selectors, listed by the
 * HTTP API (series, labels, metadata, exemplars, target metadata), evaluated by recording and
 * alerting rules whose names, labels and templates are UTF-8, and remote-written to a second server.
 *
 * <p>The target is a loopback stand-in answering as client_golang's {@code promhttp} handler does
 * (prometheus/common's {@code expfmt}): it takes the {@code escaping=} parameter of the scrape's
 * {@code Accept} header (client_golang's default, {@code underscores}, when there is none), escapes
 * names outside the legacy character set as {@code model.EscapeMetricFamily} does and says the
 * scheme in its {@code Content-Type}; {@code /utf8} answers OpenMetrics 1.0.0 with an exemplar (a
 * handler with {@code EnableOpenMetrics}), the other paths the 0.0.4 text format (the handler's
 * default). {@code /stubborn} ignores the negotiation and always sends the unescaped page, as an
 * older library would, for the job with legacy validation to refuse. The expected answers come from
 * Prometheus 3's API documentation and code ({@code web/api/v1}, {@code scrape.acceptHeader},
 * {@code promql/parser} printing) and prometheus/common's {@code EscapeName} tests; the Debian
 * Prometheus (2.42) has no UTF-8 names, so there is no differential run.
 */
class Utf8NamesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RULES = """
            groups:
              - name: dotted
                interval: 1s
                rules:
                  - record: "a.b:sum"
                    expr: sum by (job, "c.d") ({"a.b"})
                    labels:
                      "rule.kind": recorded
                  - alert: DottedSeriesUp
                    expr: '{"a.b", "c.d"="x"} > 0'
                    labels:
                      "alert.severity": page
                      "copy.of": '{{ index $labels "c.d" }}'
                    annotations:
                      "summary.text": 'value {{ $value }} of {{ index $labels "c.d" }} from {{ $labels.job }}'
            """;

    private static final Map<String, String> ACCEPT = new ConcurrentHashMap<>();
    private static HttpServer target;
    private static ServerProcess receiver;
    private static ServerProcess server;
    private static String instance;

    @BeforeAll
    static void start() throws Exception {
        target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.createContext("/", Utf8NamesIT::serve);
        target.start();
        instance = "127.0.0.1:" + target.getAddress().getPort();
        receiver = ServerProcess.prepare();
        server = ServerProcess.prepare();
        // Both start at once: the sender retries until the receiver is up.
        receiver.start("--web.enable-remote-write-receiver");
        Files.writeString(server.home.resolve("conf/utf8.rules.yml"), RULES);
        server.config("""
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                  metric_name_validation_scheme: utf8
                  metric_name_escaping_scheme: dots
                rule_files: [utf8.rules.yml]
                scrape_configs:
                  - job_name: utf8
                    metrics_path: /utf8
                    metric_name_escaping_scheme: allow-utf-8
                    static_configs: [{targets: ['%1$s'], labels: {"team.name": blue}}]
                    metric_relabel_configs:
                      - {source_labels: ["c.d"], target_label: "e.f", replacement: "copy-$1"}
                  - job_name: dots
                    metrics_path: /dots
                    static_configs: [{targets: ['%1$s']}]
                  - job_name: values
                    metrics_path: /values
                    metric_name_escaping_scheme: values
                    static_configs: [{targets: ['%1$s']}]
                  - job_name: underscores
                    metrics_path: /underscores
                    metric_name_escaping_scheme: underscores
                    static_configs: [{targets: ['%1$s']}]
                  - job_name: legacy
                    metrics_path: /legacy
                    metric_name_validation_scheme: legacy
                    static_configs: [{targets: ['%1$s']}]
                  - job_name: stubborn
                    metrics_path: /stubborn
                    metric_name_validation_scheme: legacy
                    static_configs: [{targets: ['%1$s']}]
                remote_write:
                  - url: http://127.0.0.1:%2$d/api/v1/write
                    queue_config: {batch_send_deadline: 500ms}
                """.formatted(instance, receiver.port)).start("--enable-feature=exemplar-storage");
        receiver.awaitReady();
        server.awaitReady();
        server.await(Duration.ofSeconds(60), () -> query(server, "{\"a.b:sum\"}").contains("\"a.b:sum\"")
                && query(server, "up == 1").split("\"value\"").length == 6, "the dotted series scraped and recorded by five jobs");
    }

    @AfterAll
    static void stop() throws IOException {
        if (target != null) {
            target.stop(0);
        }
        for (ServerProcess process : new ServerProcess[] {server, receiver}) {
            if (process != null) {
                process.close();
            }
        }
    }

    @Test
    void dottedNamesAreScrapedQueriedListedAndRemoteWritten() throws Exception {
        assertThat(query(server, "{\"a.b\", \"c.d\"=\"x\"}")).contains("\"__name__\":\"a.b\"").contains("\"c.d\":\"x\"")
                .contains("\"e.f\":\"copy-x\"").contains("\"job\":\"utf8\"").contains("\"1\"]");
        assertThat(query(server, "sum by (\"c.d\") ({\"a.b\"})")).contains("{\"c.d\":\"x\"}");
        assertThat(server.get("/api/v1/label/__name__/values").body()).contains("\"a.b\"");
        assertThat(server.get("/api/v1/labels").body()).contains("\"c.d\"").contains("\"e.f\"");
        assertThat(server.get("/api/v1/metadata?metric=a.b").body()).contains("A dotted gauge.");
        assertThat(server.get("/api/v1/format_query?query=" + enc("sum by(\"c.d\")({\"a.b\"})")).body())
                .contains("sum by (\\\"c.d\\\") ({__name__=\\\"a.b\\\"})");
        receiver.await(Duration.ofSeconds(60), () -> query(receiver, "{\"a.b\"}").contains("\"e.f\":\"copy-x\""),
                "the dotted series remote-written");
    }

    @Test
    void seriesRangeQueriesExemplarsAndTargetMetadataCarryUtf8Names() throws Exception {
        // /api/v1/series: one object of label pairs per series (the API documentation's "Finding series by label matchers").
        JsonNode series = data(server.get("/api/v1/series?match[]=" + enc("{\"my.requests_total\", \"http.status\"=\"200\"}")
                + "&match[]=" + enc("{\"a.b\"}")));
        assertThat(labelSets(series)).containsExactlyInAnyOrder(
                utf8Target("__name__", "a.b", "c.d", "x", "e.f", "copy-x"),
                // The relabel rule's regex (.*) matches the absent "c.d" too: "e.f" becomes "copy-", as Prometheus relabels.
                utf8Target("__name__", "my.requests_total", "http.status", "200", "e.f", "copy-"));

        // Rounded up: a first scrape within the last second is inside the range.
        long now = (System.currentTimeMillis() + 999) / 1000;
        JsonNode range = data(server.get("/api/v1/query_range?query=" + enc("sum by (\"http.status\") ({\"my.requests_total\"})")
                + "&start=" + (now - 30) + "&end=" + now + "&step=1"));
        assertThat(range.path("resultType").asText()).isEqualTo("matrix");
        assertThat(range.path("result")).hasSize(1);
        assertThat(labels(range.path("result").get(0).path("metric"))).isEqualTo(Map.of("http.status", "200"));
        assertThat(range.path("result").get(0).path("values")).isNotEmpty()
                .allSatisfy(point -> assertThat(point.get(1).asText()).isEqualTo("5"));

        // Exemplars of the OpenMetrics page, under the series' UTF-8 labels ("Querying exemplars").
        JsonNode exemplars = data(server.get("/api/v1/query_exemplars?query=" + enc("{\"my.requests_total\", \"http.status\"=\"200\"}")
                + "&start=" + (now - 3600) + "&end=" + (now + 60)));
        assertThat(exemplars).hasSize(1);
        assertThat(labels(exemplars.get(0).path("seriesLabels")))
                .isEqualTo(utf8Target("__name__", "my.requests_total", "http.status", "200", "e.f", "copy-"));
        JsonNode exemplar = exemplars.get(0).path("exemplars").get(0);
        assertThat(labels(exemplar.path("labels"))).isEqualTo(Map.of("trace_id", "abc123"));
        assertThat(exemplar.path("value").asText()).isEqualTo("1");

        // Target metadata: "metric" is left out when asked for ("Querying target metadata"); match_target on a UTF-8 target label.
        JsonNode oneMetric = data(server.get("/api/v1/targets/metadata?match_target=" + enc("{\"team.name\"=\"blue\"}")
                + "&metric=" + enc("a.b")));
        assertThat(oneMetric).hasSize(1);
        assertThat(labels(oneMetric.get(0).path("target"))).isEqualTo(Map.of("instance", instance, "job", "utf8", "team.name", "blue"));
        assertThat(oneMetric.get(0).has("metric")).isFalse();
        assertThat(oneMetric.get(0).path("type").asText()).isEqualTo("gauge");
        assertThat(oneMetric.get(0).path("help").asText()).isEqualTo("A dotted gauge.");
        Map<String, String> helpByMetric = new TreeMap<>();
        for (JsonNode m : data(server.get("/api/v1/targets/metadata?match_target=" + enc("{job=\"utf8\"}")))) {
            helpByMetric.put(m.path("metric").asText() + " " + m.path("type").asText(), m.path("help").asText());
        }
        assertThat(helpByMetric).containsEntry("a.b gauge", "A dotted gauge.")
                .containsEntry("my.requests counter", "Requests by dotted status.");
        // An escaped job's metadata is under the escaped name.
        JsonNode escaped = data(server.get("/api/v1/targets/metadata?match_target=" + enc("{job=\"values\"}") + "&metric=U__a_2e_b"));
        assertThat(escaped).hasSize(1);
        assertThat(escaped.get(0).path("help").asText()).isEqualTo("A dotted gauge.");
    }

    @Test
    void rulesAndAlertsWithUtf8NamesLabelsAndTemplates() throws Exception {
        server.await(Duration.ofSeconds(30), () -> server.get("/api/v1/alerts").body().contains("\"firing\""), "the dotted alert firing");
        JsonNode groups = data(server.get("/api/v1/rules")).path("groups");
        assertThat(groups).hasSize(1);
        JsonNode group = groups.get(0);
        assertThat(group.path("name").asText()).isEqualTo("dotted");
        assertThat(group.path("file").asText()).endsWith("utf8.rules.yml");
        assertThat(group.path("interval").asDouble()).isEqualTo(1.0);
        JsonNode recording = group.path("rules").get(0);
        assertThat(recording.path("type").asText()).isEqualTo("recording");
        assertThat(recording.path("name").asText()).isEqualTo("a.b:sum");
        // Printed as Prometheus 3's parser prints it: quoted names where the legacy set does not suffice.
        assertThat(recording.path("query").asText()).isEqualTo("sum by (job, \"c.d\") ({__name__=\"a.b\"})");
        assertThat(labels(recording.path("labels"))).isEqualTo(Map.of("rule.kind", "recorded"));
        assertThat(recording.path("health").asText()).isEqualTo("ok");

        JsonNode alerting = group.path("rules").get(1);
        assertThat(alerting.path("type").asText()).isEqualTo("alerting");
        assertThat(alerting.path("name").asText()).isEqualTo("DottedSeriesUp");
        // The selector's matchers sorted as strings, the quoted one before __name__.
        assertThat(alerting.path("query").asText()).isEqualTo("{\"c.d\"=\"x\",__name__=\"a.b\"} > 0");
        assertThat(alerting.path("state").asText()).isEqualTo("firing");
        assertThat(labels(alerting.path("labels"))).isEqualTo(Map.of("alert.severity", "page", "copy.of", "{{ index $labels \"c.d\" }}"));
        assertThat(labels(alerting.path("annotations"))).isEqualTo(
                Map.of("summary.text", "value {{ $value }} of {{ index $labels \"c.d\" }} from {{ $labels.job }}"));
        assertThat(alerting.path("alerts")).hasSize(1);

        Map<String, String> alertLabels = utf8Target("alertname", "DottedSeriesUp", "c.d", "x", "e.f", "copy-x", "alert.severity", "page",
                "copy.of", "x");
        Map<String, String> annotations = Map.of("summary.text", "value 1 of x from utf8");
        JsonNode inRules = alerting.path("alerts").get(0);
        assertThat(labels(inRules.path("labels"))).isEqualTo(alertLabels);
        assertThat(labels(inRules.path("annotations"))).isEqualTo(annotations);
        JsonNode alerts = data(server.get("/api/v1/alerts")).path("alerts");
        assertThat(alerts).hasSize(1);
        assertThat(labels(alerts.get(0).path("labels"))).isEqualTo(alertLabels);
        assertThat(labels(alerts.get(0).path("annotations"))).isEqualTo(annotations);
        assertThat(alerts.get(0).path("state").asText()).isEqualTo("firing");
        assertThat(alerts.get(0).path("value").asText()).isEqualTo("1e+00");

        JsonNode recorded = data(server.get("/api/v1/query?query=" + enc("{\"a.b:sum\"}"))).path("result");
        assertThat(recorded).hasSize(1);
        assertThat(labels(recorded.get(0).path("metric")))
                .isEqualTo(Map.of("__name__", "a.b:sum", "job", "utf8", "c.d", "x", "rule.kind", "recorded"));
        Map<String, String> series = new TreeMap<>(alertLabels);
        series.put("__name__", "ALERTS");
        series.put("alertstate", "firing");
        // The alert's state is public from its evaluation on; its ALERTS sample once that evaluation commits.
        String alertsQuery = "/api/v1/query?query=" + enc("ALERTS{\"alert.severity\"=\"page\"}");
        server.await(Duration.ofSeconds(10), () -> server.get(alertsQuery).body().contains("\"ALERTS\""), "the ALERTS series stored");
        JsonNode alertSeries = data(server.get(alertsQuery)).path("result");
        assertThat(alertSeries).hasSize(1);
        assertThat(labels(alertSeries.get(0).path("metric"))).isEqualTo(series);
    }

    /**
     * The schemes as Prometheus 3's config resolves them: a job without either field takes the
     * global {@code dots}; a job that sets only {@code metric_name_validation_scheme: legacy} gets
     * {@code underscores}. Each scrape asks for its scheme in the 1.0.0 formats' {@code escaping=}
     * (Prometheus 3's {@code acceptHeader} over the default {@code scrape_protocols}), and the
     * names stored are the target's escapings, as prometheus/common's {@code EscapeName} documents
     * them ({@code mysystem.prod} → {@code mysystem_prod}, {@code mysystem_dot_prod},
     * {@code U__mysystem_2e_prod}; an underscore doubled by {@code dots} and {@code values}).
     */
    @Test
    void globalAndPerJobNameSchemesAreAskedForAndTheEscapedNamesStored() {
        Map<String, String> schemes = Map.of("utf8", "allow-utf-8", "dots", "dots", "values", "values", "underscores", "underscores",
                "legacy", "underscores", "stubborn", "underscores");
        server.await(Duration.ofSeconds(30), () -> ACCEPT.keySet().containsAll(schemes.keySet()), "every job scraped");
        schemes.forEach((job, scheme) -> assertThat(ACCEPT.get(job)).as(job).isEqualTo(
                "application/openmetrics-text;version=1.0.0;escaping=" + scheme + ";q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,"
                        + "text/plain;version=1.0.0;escaping=" + scheme + ";q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2"));

        assertThat(stored("dots")).containsExactlyInAnyOrder(
                target("dots", "__name__", "a_dot_b", "c_dot_d", "x"),
                target("dots", "__name__", "my_dot_requests__total", "http_dot_status", "200"));
        assertThat(stored("values")).containsExactlyInAnyOrder(
                target("values", "__name__", "U__a_2e_b", "U__c_2e_d", "x"),
                target("values", "__name__", "U__my_2e_requests__total", "U__http_2e_status", "200"));
        for (String job : List.of("underscores", "legacy")) {
            assertThat(stored(job)).as(job).containsExactlyInAnyOrder(
                    target(job, "__name__", "a_b", "c_d", "x"),
                    target(job, "__name__", "my_requests_total", "http_status", "200"));
        }
        // The target that ignores escaping=underscores: its quoted names fail legacy validation, the scrape fails.
        server.await(Duration.ofSeconds(30), () -> query(server, "up{job=\"stubborn\"}").contains("\"0\"]"), "the stubborn job down");
        assertThat(stored("stubborn")).isEmpty();
        assertThat(server.get("/api/v1/targets?state=active").body()).contains("invalid metric name or label names");
    }

    /** The series a job stored from the page (without {@code up} and the other scrape series). */
    private static List<Map<String, String>> stored(String job) {
        try {
            return labelSets(data(server.get("/api/v1/series?match[]=" + enc("{job=\"" + job + "\",__name__!~\"up|scrape_.*\"}"))));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, String> utf8Target(String... pairs) {
        Map<String, String> labels = target("utf8", pairs);
        labels.put("team.name", "blue");
        return labels;
    }

    private static Map<String, String> target(String job, String... pairs) {
        Map<String, String> labels = new TreeMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            labels.put(pairs[i], pairs[i + 1]);
        }
        labels.put("instance", instance);
        labels.put("job", job);
        return labels;
    }

    private static List<Map<String, String>> labelSets(JsonNode array) {
        List<Map<String, String>> sets = new ArrayList<>();
        array.forEach(node -> sets.add(labels(node)));
        return sets;
    }

    private static Map<String, String> labels(JsonNode object) {
        Map<String, String> labels = new TreeMap<>();
        object.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    private static JsonNode data(java.net.http.HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("status").asText()).as(response.body()).isEqualTo("success");
        return body.path("data");
    }

    private static String query(ServerProcess server, String promql) {
        return server.get("/api/v1/query?query=" + enc(promql)).body();
    }

    private static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    // ---- the stand-in target ----

    /** One sample of the page: its metric name, labels (names as the instrumentation has them) and value. */
    private record Sample(String family, String type, String help, String name, Map<String, String> labels, String value,
            String exemplar) {
    }

    private static final List<Sample> PAGE = List.of(
            new Sample("a.b", "gauge", "A dotted gauge.", "a.b", Map.of("c.d", "x"), "1", null),
            new Sample("my.requests", "counter", "Requests by dotted status.", "my.requests_total", Map.of("http.status", "200"), "5",
                    "{trace_id=\"abc123\"} 1"));

    private static void serve(HttpExchange exchange) throws IOException {
        String job = exchange.getRequestURI().getPath().substring(1);
        String accept = exchange.getRequestHeaders().getFirst("Accept");
        ACCEPT.put(job, accept == null ? "" : accept);
        boolean stubborn = job.equals("stubborn");
        String scheme = stubborn ? "allow-utf-8" : negotiatedEscaping(accept == null ? "" : accept);
        boolean openMetrics = job.equals("utf8");
        byte[] body = page(scheme, openMetrics).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", (openMetrics ? "application/openmetrics-text; version=1.0.0"
                : "text/plain; version=0.0.4") + "; charset=utf-8; escaping=" + scheme);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    /**
     * expfmt's {@code NegotiateAccept}: the {@code escaping=} of the Accept entries in order of
     * preference up to the one the handler serves (Prometheus gives it on its first entry);
     * {@code underscores} when there is none.
     */
    private static String negotiatedEscaping(String accept) {
        String scheme = "underscores";
        for (String entry : accept.split(",")) {
            for (String param : entry.split(";")) {
                String p = param.trim();
                if (p.startsWith("escaping=") && List.of("allow-utf-8", "underscores", "dots", "values").contains(p.substring(9))) {
                    scheme = p.substring(9);
                }
            }
            if (entry.startsWith("application/openmetrics-text;version=1.0.0") || entry.startsWith("text/plain;version=0.0.4")) {
                break;
            }
        }
        return scheme;
    }

    private static String page(String scheme, boolean openMetrics) {
        StringBuilder out = new StringBuilder();
        for (Sample s : PAGE) {
            String sampleName = escape(s.name(), scheme);
            // OpenMetrics names a counter's family without _total (expfmt strips it after escaping the name).
            String family = openMetrics ? (s.type().equals("counter") ? sampleName.substring(0, sampleName.length() - 6) : sampleName)
                    : sampleName;
            out.append("# HELP ").append(name(family)).append(' ').append(s.help()).append('\n');
            out.append("# TYPE ").append(name(family)).append(' ').append(s.type()).append('\n');
            Map<String, String> labels = new LinkedHashMap<>();
            s.labels().forEach((k, v) -> labels.put(escape(k, scheme), v));
            StringBuilder pairs = new StringBuilder();
            labels.forEach((k, v) -> pairs.append(pairs.isEmpty() ? "" : ",").append(name(k)).append("=\"").append(v).append('"'));
            if (isLegacy(sampleName)) {
                out.append(sampleName).append('{').append(pairs).append('}');
            } else {
                out.append('{').append(name(sampleName)).append(',').append(pairs).append('}');
            }
            out.append(' ').append(s.value());
            if (openMetrics && s.exemplar() != null) {
                out.append(" # ").append(s.exemplar());
            }
            out.append('\n');
        }
        return openMetrics ? out.append("# EOF\n").toString() : out.toString();
    }

    private static String name(String name) {
        return isLegacy(name) ? name : "\"" + name + "\"";
    }

    /**
     * prometheus/common's {@code EscapeName} as {@code EscapeMetricFamily} applies it: names valid
     * in the legacy set are left alone.
     */
    private static String escape(String name, String scheme) {
        if (scheme.equals("allow-utf-8") || isLegacy(name)) {
            return name;
        }
        StringBuilder out = new StringBuilder(scheme.equals("values") ? "U__" : "");
        int[] codePoints = name.codePoints().toArray();
        for (int i = 0; i < codePoints.length; i++) {
            int c = codePoints[i];
            boolean valid = isLegacyChar(c, i);
            switch (scheme) {
                case "underscores" -> out.appendCodePoint(valid ? c : '_');
                case "dots" -> out.append(c == '_' ? "__" : c == '.' ? "_dot_" : valid ? Character.toString(c) : "__");
                case "values" -> out.append(c == '_' ? "__" : valid ? Character.toString(c) : "_" + Integer.toHexString(c) + "_");
                default -> throw new IllegalArgumentException(scheme);
            }
        }
        return out.toString();
    }

    private static boolean isLegacy(String name) {
        int[] codePoints = name.codePoints().toArray();
        for (int i = 0; i < codePoints.length; i++) {
            if (!isLegacyChar(codePoints[i], i)) {
                return false;
            }
        }
        return codePoints.length > 0;
    }

    private static boolean isLegacyChar(int c, int index) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (index > 0 && c >= '0' && c <= '9');
    }
}
