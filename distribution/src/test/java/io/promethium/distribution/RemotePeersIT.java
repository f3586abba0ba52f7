package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.promethium.testsupport.Peers;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Promethium's remote write and remote read against real engines on loopback: the Debian
 * Prometheus (as a remote write receiver and a remote read endpoint) and VictoriaMetrics
 * single-node. One Promethium scrapes a target and writes to both (exemplars too, to Prometheus with
 * its exemplar storage on); a Promethium agent writes to
 * VictoriaMetrics through an outage of {@code promethium.it.outage.seconds} (8 s here; the
 * soak command in plugins-storage/remote/README.md runs 120 s) and nothing is lost or doubled. Its
 * queue holds 200 samples a shard, so the outage backs up through the WAL many times over what
 * the queue holds, as a long outage does with the default capacity.
 */
class RemotePeersIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long OUTAGE_SECONDS = Long.getLong("promethium.it.outage.seconds", 8);

    private static HttpServer target;
    private static final AtomicLong scrapesA = new AtomicLong();
    private static final AtomicLong scrapesB = new AtomicLong();
    private static final AtomicLong scrapesEx = new AtomicLong();
    private static final AtomicBoolean goneA = new AtomicBoolean();
    private static final AtomicBoolean downB = new AtomicBoolean();
    private static PrometheusProcess prometheus;
    private static VictoriaMetricsProcess vm;
    private static ServerProcess promethium;

    @BeforeAll
    static void start() throws Exception {
        Peers.require("prometheus");
        Peers.require("victoria-metrics");
        target = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        target.createContext("/a", exchange -> page(exchange, scrapesA.incrementAndGet(), !goneA.get()));
        target.createContext("/b", exchange -> {
            if (downB.get()) {
                exchange.sendResponseHeaders(503, -1);
                exchange.close();
                return;
            }
            page(exchange, scrapesB.incrementAndGet(), true);
        });
        target.createContext("/ex", RemotePeersIT::exemplarPage);
        target.start();
        prometheus = PrometheusProcess.start("""
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: prom
                    static_configs: [{targets: ['127.0.0.1:PROMETHEUS_PORT']}]
                """, "--web.enable-remote-write-receiver", "--enable-feature=exemplar-storage");
        vm = VictoriaMetricsProcess.start();
        promethium = ServerProcess.prepare().config("""
                global:
                  scrape_interval: 1s
                  external_labels: {replica: a}
                storage:
                  exemplars: {max_exemplars: 1000}
                scrape_configs:
                  - job_name: a
                    metrics_path: /a
                    static_configs: [{targets: ['127.0.0.1:%1$d']}]
                  - job_name: ex
                    metrics_path: /ex
                    static_configs: [{targets: ['127.0.0.1:%1$d']}]
                remote_write:
                  - url: http://127.0.0.1:%2$d/api/v1/write
                    name: prometheus
                    send_exemplars: true
                    queue_config: {batch_send_deadline: 500ms}
                  - url: http://127.0.0.1:%3$d/api/v1/write
                    name: victoria
                    queue_config: {batch_send_deadline: 500ms}
                remote_read:
                  # What this server wrote there (external labels matched and stripped): merges with local series.
                  - url: http://127.0.0.1:%4$d/api/v1/read
                    read_recent: true
                  # Prometheus's own scrapes, asked only for queries naming job="prom".
                  - url: http://127.0.0.1:%5$d/api/v1/read
                    read_recent: true
                    required_matchers: {job: prom}
                    filter_external_labels: false
                """.formatted(target.getAddress().getPort(), prometheus.port, vm.port, prometheus.port, prometheus.port))
                .start("--enable-feature=exemplar-storage").awaitReady();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {promethium, vm, prometheus}) {
            if (c != null) {
                c.close();
            }
        }
        if (target != null) {
            target.stop(0);
        }
    }

    private static void page(com.sun.net.httpserver.HttpExchange exchange, long n, boolean withGone) throws IOException {
        String body = "# HELP it_scrapes_total Scrapes of this page.\n# TYPE it_scrapes_total counter\nit_scrapes_total " + n + "\n"
                + "# TYPE it_gauge gauge\nit_gauge{kind=\"x\"} " + (n * 0.1) + "\nit_gauge{kind=\"y\"} " + (1e9 / n) + "\n"
                + (withGone ? "# TYPE it_gone gauge\nit_gone 1\n" : "");
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
        exchange.sendResponseHeaders(200, b.length);
        exchange.getResponseBody().write(b);
        exchange.close();
    }

    /** An OpenMetrics page whose counter carries an exemplar with a new trace id at every scrape. */
    private static void exemplarPage(com.sun.net.httpserver.HttpExchange exchange) throws IOException {
        long n = scrapesEx.incrementAndGet();
        String body = "# TYPE it_requests counter\n# HELP it_requests Requests.\nit_requests_total " + n
                + " # {trace_id=\"trace-" + n + "\"} 0.25 " + System.currentTimeMillis() / 1000.0 + "\n# EOF\n";
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/openmetrics-text; version=1.0.0; charset=utf-8");
        exchange.sendResponseHeaders(200, b.length);
        exchange.getResponseBody().write(b);
        exchange.close();
    }

    /** An instant query's JSON answer from the server at {@code base} (shared with the other peer ITs). */
    static JsonNode query(URI base, String promql, long atMillis) {
        String uri = base + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                + "&time=" + atMillis / 1000 + "." + String.format("%03d", atMillis % 1000);
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static URI base(int port) {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Series (labels without {@code replica}) to their samples, from a matrix or vector answer. */
    private static Map<String, String> series(JsonNode answer) {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode s : answer.at("/data/result")) {
            Map<String, String> labels = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = s.get("metric").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getKey().equals("replica")) {
                    labels.put(e.getKey(), e.getValue().asText());
                }
            }
            out.put(labels.toString(), s.has("values") ? s.get("values").toString() : s.get("value").toString());
        }
        return out;
    }

    /** [[t, "v"], ...] as (t, v) pairs. */
    private static List<double[]> samples(String values) {
        try {
            List<double[]> out = new java.util.ArrayList<>();
            for (JsonNode p : JSON.readTree(values)) {
                out.add(new double[] {p.get(0).asDouble(), Double.parseDouble(p.get(1).asText())});
            }
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void await(Duration max, java.util.function.BooleanSupplier condition, String what) {
        promethium.await(max, condition, what);
    }

    @Test
    void samplesAndStalenessMarkersArriveIntactInPrometheusAndVictoriaMetrics() {
        await(Duration.ofSeconds(60), () -> series(query(base(prometheus.port), "it_scrapes_total{job=\"a\"}[1m]",
                System.currentTimeMillis())).size() == 1, "samples in Prometheus");
        ServerProcess.sleep(5000);
        goneA.set(true);
        long removedAt = System.currentTimeMillis();
        ServerProcess.sleep(4000);
        long at = System.currentTimeMillis() - 2000;
        String selector = "{job=\"a\",__name__=~\"it_.*|up|scrape_samples_scraped\"}[15s]";
        Map<String, String> local = series(query(promethium.uri(""), selector, at));
        assertThat(local).hasSizeGreaterThanOrEqualTo(5);
        assertThat(series(query(base(prometheus.port), selector, at))).isEqualTo(local);
        // VictoriaMetrics keeps about 15 significant digits and returns staleness markers as NaN.
        Map<String, String> fromVm = series(query(base(vm.port), selector, at));
        assertThat(fromVm.keySet()).isEqualTo(local.keySet());
        for (String key : local.keySet()) {
            List<double[]> ours = samples(local.get(key));
            List<double[]> theirs = samples(fromVm.get(key));
            if (key.contains("it_gone")) {
                assertThat(Double.isNaN(theirs.get(theirs.size() - 1)[1])).as("staleness marker of %s in VictoriaMetrics", key).isTrue();
                theirs = theirs.subList(0, theirs.size() - 1);
            }
            assertThat(theirs).as(key).hasSameSizeAs(ours);
            for (int i = 0; i < ours.size(); i++) {
                assertThat(theirs.get(i)[0]).as(key).isEqualTo(ours.get(i)[0]);
                assertThat(theirs.get(i)[1]).as(key).isCloseTo(ours.get(i)[1], org.assertj.core.data.Percentage.withPercentage(1e-10));
            }
        }
        // The staleness marker arrived: the series ends in Prometheus right after it left the page.
        long after = removedAt + 2500;
        assertThat(series(query(base(prometheus.port), "it_gone{job=\"a\"}", after))).isEmpty();
        assertThat(series(query(base(prometheus.port), "count_over_time(it_gone{job=\"a\"}[1m])", after))).hasSize(1);
    }

    @Test
    void remoteReadFromPrometheusIsMergedIntoLocalQueries() {
        await(Duration.ofSeconds(60), () -> !series(query(promethium.uri(""), "up{job=\"prom\"}", System.currentTimeMillis())).isEmpty(),
                "Prometheus's own series through remote read");
        await(Duration.ofSeconds(60), () -> !series(query(base(prometheus.port), "up{job=\"a\"}", System.currentTimeMillis())).isEmpty(),
                "remote-written samples in Prometheus");
        // The comparison below reads 3 s back: wait until local samples reach that far (an idle
        // machine gets here before the first scrapes are 3 s old).
        await(Duration.ofSeconds(60), () -> !series(query(promethium.uri(""), "up{job=\"a\"}", System.currentTimeMillis() - 3000)).isEmpty(),
                "local samples of job a 3 s back");
        long at = System.currentTimeMillis() - 3000;
        // job a is both local and (remote-written, with replica="a") in Prometheus: merged into one series, not two.
        // (Job ex, the exemplar page, is left out: this checks the merge of job a.)
        Map<String, String> up = series(query(promethium.uri(""), "count by (job) (up{job!=\"ex\"})", at));
        assertThat(up).containsOnlyKeys("{job=a}");
        assertThat(up.get("{job=a}")).endsWith(",\"1\"]");
        assertThat(series(query(promethium.uri(""), "up{job=\"prom\"}[10s]", at)))
                .isEqualTo(series(query(base(prometheus.port), "up{job=\"prom\"}[10s]", at)));
    }

    @Test
    void exemplarsArriveInPrometheusWithTheirSeries() {
        String[] found = {""};
        await(Duration.ofSeconds(60), () -> {
            long now = System.currentTimeMillis() / 1000;
            String uri = base(prometheus.port) + "/api/v1/query_exemplars?query=" + URLEncoder.encode("it_requests_total", StandardCharsets.UTF_8)
                    + "&start=" + (now - 120) + "&end=" + (now + 5);
            try {
                JsonNode data = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(uri)).build(),
                        HttpResponse.BodyHandlers.ofString()).body()).at("/data");
                found[0] = data.toString();
                return data.size() == 1 && data.get(0).at("/exemplars").size() >= 3;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, "exemplars in Prometheus");
        assertThat(found[0]).contains("\"job\":\"ex\"").contains("\"replica\":\"a\"").containsPattern("\"trace_id\":\"trace-[0-9]+\"")
                .contains("\"value\":\"0.25\"");
    }

    @Test
    void anAgentWritesToVictoriaMetricsThroughAnOutageLosingNothingAndDoublingNothing() throws Exception {
        try (ServerProcess agent = ServerProcess.prepare()) {
            agent.config("""
                    global:
                      scrape_interval: 500ms
                      scrape_timeout: 500ms
                    scrape_configs:
                      - job_name: b
                        metrics_path: /b
                        static_configs: [{targets: ['127.0.0.1:%d']}]
                      - job_name: self
                        static_configs: [{targets: ['127.0.0.1:%d']}]
                    remote_write:
                      - url: http://127.0.0.1:%d/api/v1/write
                        queue_config: {batch_send_deadline: 500ms, min_backoff: 100ms, max_backoff: 1s, capacity: 200, max_samples_per_send: 50}
                    """.formatted(target.getAddress().getPort(), agent.port, vm.port))
                    .start("--agent", "--storage.agent.path=" + agent.home.resolve("data-agent")).awaitReady();
            HttpResponse<String> q = agent.get("/api/v1/query?query=up");
            assertThat(q.statusCode()).isEqualTo(422);
            assertThat(q.body()).contains("unavailable with Prometheus Agent");
            await(Duration.ofSeconds(60), () -> !series(query(base(vm.port), "it_scrapes_total{job=\"b\"}", System.currentTimeMillis())).isEmpty(),
                    "the agent's samples in VictoriaMetrics");
            vm.stop();
            ServerProcess.sleep(OUTAGE_SECONDS * 1000);
            assertThat(agent.get("/metrics").body()).containsPattern("prometheus_remote_storage_samples_retried_total\\{[^}]*} [1-9]");
            vm.startAgain();
            ServerProcess.sleep(3000);
            downB.set(true);
            long served = scrapesB.get();
            String window = "[" + (OUTAGE_SECONDS + 300) + "s]";
            await(Duration.ofSeconds(90), () -> series(query(base(vm.port), "max_over_time(it_scrapes_total{job=\"b\"}" + window + ")",
                    System.currentTimeMillis())).values().stream().anyMatch(v -> v.endsWith(",\"" + served + "\"]")),
                    "every scrape up to " + served + " in VictoriaMetrics");
            long now = System.currentTimeMillis();
            long min = value(query(base(vm.port), "min_over_time(it_scrapes_total{job=\"b\"}" + window + ")", now));
            long count = value(query(base(vm.port), "count_over_time(it_scrapes_total{job=\"b\"}" + window + ")", now));
            assertThat(count).as("samples from %d to %d, each once", min, served).isEqualTo(served - min + 1);
            assertThat(served - min).isGreaterThan(OUTAGE_SECONDS);
        }
    }

    private static long value(JsonNode answer) {
        JsonNode result = answer.at("/data/result");
        assertThat(result.size()).as(answer.toString()).isEqualTo(1);
        return (long) Double.parseDouble(result.get(0).get("value").get(1).asText());
    }
}
