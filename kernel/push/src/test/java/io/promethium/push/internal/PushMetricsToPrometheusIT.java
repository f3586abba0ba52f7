package io.promethium.push.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code push metrics} into a real Prometheus (the Debian package, on loopback, with
 * {@code --web.enable-remote-write-receiver}): it answers as promtool prints, and Prometheus
 * stores exactly the series promtool 3 would send, with the page's values and timestamps.
 */
class PushMetricsToPrometheusIT {

    @TempDir
    Path dir;

    @Test
    void prometheusStoresThePushedPage() throws Exception {
        Path prometheus = Peers.require("prometheus");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Files.writeString(dir.resolve("prometheus.yml"), "global: {scrape_interval: 1m}\n");
        // The histogram's lines carry a timestamp a minute ago (an old one would be out of the head's bounds).
        long written = (System.currentTimeMillis() / 1000 - 60) * 1000;
        Path page = Files.writeString(dir.resolve("page.prom"), PushMetricsCommandTest.PAGE.replace("1700000000000", Long.toString(written)));
        Process p = new ProcessBuilder(prometheus.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--web.enable-remote-write-receiver")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try {
            String base = "http://127.0.0.1:" + port;
            HttpClient client = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < deadline && p.isAlive() && !ready(client, base)) {
                Thread.sleep(200);
            }
            PushMetricsCommandTest.Result r = PushMetricsCommandTest.run("--label=job=promtool", "--label=env=ci", base, page.toString());
            assertThat(r).as(Files.readString(dir.resolve("prometheus.log"))).isEqualTo(new PushMetricsCommandTest.Result(0,
                    "Parsing metrics file " + page + "\n  SUCCESS: metrics file " + page + " pushed to remote write.\n", ""));

            // The histogram's samples carry the page's timestamp; the others now.
            String at = Long.toString(written / 1000);
            assertThat(query(client, base, "req_bucket", at)).containsExactlyInAnyOrder(
                    "req_bucket{env=\"ci\",exported_job=\"app\",job=\"promtool\",le=\"+Inf\"} 8",
                    "req_bucket{env=\"ci\",exported_job=\"app\",job=\"promtool\",le=\"1\"} 3",
                    "req_bucket{env=\"ci\",exported_job=\"app\",job=\"promtool\",le=\"5\"} 7");
            String now = Long.toString(System.currentTimeMillis() / 1000 + 1);
            assertThat(query(client, base, "{job=\"promtool\",__name__=~\"rpc.*|hits.*\"}", now)).containsExactlyInAnyOrder(
                    "hits_total{env=\"ci\",job=\"promtool\",path=\"/\"} 42",
                    "rpc_seconds{env=\"ci\",job=\"promtool\",quantile=\"0.5\"} 0.1",
                    "rpc_seconds{env=\"ci\",job=\"promtool\",quantile=\"1\"} 0.5",
                    "rpc_seconds_count{env=\"ci\",job=\"promtool\"} 20",
                    "rpc_seconds_sum{env=\"ci\",job=\"promtool\"} 10");

            // A page that does not parse: promtool's FAILED line, exit 1, nothing sent.
            Path bad = Files.writeString(dir.resolve("bad.prom"), "broken{ 1\n");
            PushMetricsCommandTest.Result failed = PushMetricsCommandTest.run(base, bad.toString());
            assertThat(failed.code()).isEqualTo(1);
            assertThat(failed.out()).isEqualTo("Parsing metrics file " + bad + "\n");
            assertThat(failed.err()).startsWith("  FAILED: text format parsing error in ");
        } finally {
            p.destroy();
            p.waitFor();
        }
    }

    private static boolean ready(HttpClient client, String base) throws InterruptedException {
        try {
            return client.send(HttpRequest.newBuilder(URI.create(base + "/-/ready")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (java.io.IOException notYet) {
            return false;
        }
    }

    /** An instant query's samples as {@code name{labels sorted} value}. */
    private static Set<String> query(HttpClient client, String base, String expr, String time) throws Exception {
        String body = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/query?time=" + time + "&query="
                + URLEncoder.encode(expr, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString()).body();
        Set<String> result = new TreeSet<>();
        for (JsonNode s : new ObjectMapper().readTree(body).path("data").path("result")) {
            StringBuilder b = new StringBuilder(s.path("metric").path("__name__").asText()).append('{');
            new TreeSet<>(iterable(s.path("metric").fieldNames())).stream().filter(n -> !n.equals("__name__"))
                    .forEach(n -> b.append(b.charAt(b.length() - 1) == '{' ? "" : ",").append(n).append("=\"")
                            .append(s.path("metric").path(n).asText()).append('"'));
            result.add(b.append("} ").append(s.path("value").path(1).asText()).toString());
        }
        return result;
    }

    private static Set<String> iterable(java.util.Iterator<String> it) {
        Set<String> s = new TreeSet<>();
        it.forEachRemaining(s::add);
        return s;
    }
}
