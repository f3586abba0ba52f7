package io.promethium.tsdb.tool;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.promethium.testsupport.Peers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code create-blocks-from rules} against the real Debian Prometheus (2.42) as the API: its data
 * is a counter backfilled by promtool; the rules are backfilled by Promethium and by promtool from
 * that server. Every sample Promethium wrote must be what the server answers for the rule's
 * expression at that time, at the group's evaluation slots; both tools must write the same series.
 */
class RuleBackfillTest {
    private static final long DATA_START = 1_700_000_000L;

    @TempDir
    Path dir;

    private Process prometheus;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void stop() throws InterruptedException {
        if (prometheus != null) {
            prometheus.destroy();
            prometheus.waitFor(20, TimeUnit.SECONDS);
        }
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        return TsdbTool.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void backfilledRuleSamplesAreThePrometheusAnswersAtTheGroupsSlots() throws Exception {
        Path promtool = Peers.require("promtool");
        Path binary = Peers.require("prometheus");
        // Two counters over 4 h at 15 s: job a rises 1/s, job b 2/s with a reset half way.
        StringBuilder om = new StringBuilder("# TYPE http_requests counter\n");
        for (int i = 0; i <= 4 * 240; i++) {
            long t = DATA_START + i * 15L;
            om.append("http_requests_total{job=\"a\",code=\"200\"} ").append(i * 15).append(' ').append(t).append('\n');
            om.append("http_requests_total{job=\"b\",code=\"500\"} ").append((i % 480) * 30).append(' ').append(t).append('\n');
        }
        om.append("# EOF\n");
        Path file = dir.resolve("data.om");
        Files.writeString(file, om);
        Path data = dir.resolve("prom-data");
        TsdbDumpTest.exec(promtool.toString(), "tsdb", "create-blocks-from", "openmetrics", file.toString(), data.toString());
        String url = startPrometheus(binary, data);

        Path rules = dir.resolve("rules.yml");
        Files.writeString(rules, """
                groups:
                  - name: backfill
                    interval: 1m
                    rules:
                      - record: job:http_requests:rate5m
                        expr: sum by (job) (rate(http_requests_total[5m]))
                        labels:
                          source: backfill
                      - alert: TooMany
                        expr: job:http_requests:rate5m > 1
                  - name: offset
                    interval: 1m
                    query_offset: 5m
                    labels:
                      team: x
                    rules:
                      - record: job_b:http_requests:rate5m
                        expr: sum(rate(http_requests_total{job="b"}[5m]))
                  - name: limited
                    interval: 1m
                    limit: 1
                    rules:
                      - record: limited
                        expr: sum by (job) (rate(http_requests_total[5m]))
                """);
        long start = DATA_START + 600;
        long end = start + 3 * 3600;
        Path ours = dir.resolve("ours");
        assertThat(run("create-blocks-from", "rules", "--start=" + start, "--end=" + Instant.ofEpochSecond(end), "--url=" + url,
                "--output-dir=" + ours, "--eval-interval=30s", rules.toString())).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("wrote 2 blocks");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("1 alerting rules skipped")
                .contains("series exceed the group's limit 1; that evaluation stored nothing");

        assertThat(run("dump", ours.toString())).isZero();
        Map<String, List<String[]>> bySeries = new LinkedHashMap<>();
        for (String line : out.toString(StandardCharsets.UTF_8).lines().toList()) {
            int close = line.indexOf("} ");
            String[] vt = line.substring(close + 2).split(" ");
            bySeries.computeIfAbsent(line.substring(0, close + 1), k -> new ArrayList<>()).add(vt);
        }
        String offsetSeries = "{__name__=\"job_b:http_requests:rate5m\", team=\"x\"}";
        assertThat(bySeries.keySet()).containsExactly(
                "{__name__=\"job:http_requests:rate5m\", job=\"a\", source=\"backfill\"}",
                "{__name__=\"job:http_requests:rate5m\", job=\"b\", source=\"backfill\"}", offsetSeries);
        // query_offset: the sample at T is the expression's value at T - 5m.
        List<String[]> shifted = bySeries.remove(offsetSeries);
        for (int k = 0; k < shifted.size(); k += 13) {
            long t = Long.parseLong(shifted.get(k)[1]);
            assertThat(shifted.get(k)[0]).as("offset at %s", t)
                    .isEqualTo(instantValue(url, "sum(rate(http_requests_total{job=\"b\"}[5m]))", t - 300_000, null));
        }
        RuleFiles.Group group = RuleFiles.read(rules, Duration.ofSeconds(30)).get(0);
        long first = RuleBackfill.evalTimestamp(group, start * 1000);
        if (first < start * 1000) {
            first += 60_000;
        }
        List<String[]> a = bySeries.values().iterator().next();
        assertThat(a).hasSize((int) ((end * 1000 - first) / 60_000) + 1);
        for (int k = 0; k < a.size(); k++) {
            assertThat(Long.parseLong(a.get(k)[1])).isEqualTo(first + k * 60_000L);
        }
        for (Map.Entry<String, List<String[]>> e : bySeries.entrySet()) {
            String job = e.getKey().contains("job=\"a\"") ? "a" : "b";
            List<String[]> samples = e.getValue();
            for (int k = 0; k < samples.size(); k += 17) {
                String[] s = samples.get(k);
                assertThat(s[0]).as("job %s at %s", job, s[1]).isEqualTo(instantValue(url, "sum by (job) (rate(http_requests_total[5m]))",
                        Long.parseLong(s[1]), job));
            }
        }

        // promtool 2.42 knows neither query_offset nor group labels: it gets the first group only.
        String text = Files.readString(rules);
        Path rules242 = Files.writeString(dir.resolve("rules-242.yml"), text.substring(0, text.indexOf("  - name: offset")));
        Path theirs = dir.resolve("theirs");
        TsdbDumpTest.exec(promtool.toString(), "tsdb", "create-blocks-from", "rules", "--start=" + start,
                "--end=" + Instant.ofEpochSecond(end), "--url=" + url, "--output-dir=" + theirs, "--eval-interval=30s",
                rules242.toString());
        Files.createDirectories(theirs.resolve("wal"));
        String theirDump = TsdbDumpTest.exec(promtool.toString(), "tsdb", "dump", "--match={__name__=\"job:http_requests:rate5m\"}",
                theirs.toString());
        assertThat(theirDump.lines().map(l -> l.substring(0, l.indexOf("} ") + 1)).distinct()).containsExactlyElementsOf(bySeries.keySet());
        assertThat((int) theirDump.lines().count()).isBetween(2 * a.size() - 2, 2 * a.size() + 2);
    }

    @Test
    void badRuleFilesAndFlagsFailNamingWhere() throws IOException {
        Path rules = dir.resolve("bad.yml");
        Files.writeString(rules, """
                groups:
                  - name: g
                    rules:
                      - record: x
                        expr: up
                        for: 5m
                """);
        assertThat(run("create-blocks-from", "rules", "--start=1700000000", "--end=1700003600", "--url=http://127.0.0.1:1",
                rules.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(rules + ":6:").contains("invalid field 'for' in recording rule");
        Files.writeString(rules, "groups:\n  - name: g\n    evaluation: 1m\n");
        assertThat(run("create-blocks-from", "rules", "--start=1700000000", rules.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(rules + ":3:5").contains("field evaluation not found");
        assertThat(run("create-blocks-from", "rules", rules.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("required flag --start not provided");
        assertThat(run("create-blocks-from", "rules", "--start=1700003600", "--end=2023-11-14T22:13:20Z", rules.toString()))
                .isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("start time is not before end time");
        assertThat(run("create-blocks-from", "rules", "--start=1700000000", "--http.config.file=h.yml", rules.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--http.config.file is not supported");
        assertThat(run("create-blocks-from", "rules", "--start=soon", rules.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot parse \"soon\" to a valid timestamp");
    }

    @Test
    void aQueryErrorIsReportedPerRuleAndExitsOne() throws IOException {
        Path rules = dir.resolve("r.yml");
        Files.writeString(rules, "groups:\n  - name: g\n    rules:\n      - record: x\n        expr: up\n");
        Path outDir = dir.resolve("o");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertThat(run("create-blocks-from", "rules", "--start=1700000000", "--end=1700003600", "--url=http://127.0.0.1:" + port,
                "--output-dir=" + outDir, rules.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("rule importer error: query range: Post \"http://127.0.0.1:" + port
                + "/api/v1/query_range\": dial tcp 127.0.0.1:" + port + ": connect: connection refused\n").contains("error importing rules");
    }

    /**
     * promtool's lines for a refused connection and for HTTP error statuses (client_golang's
     * {@code server_error: server error: 500}, the API's error of a 422), against a loopback
     * stand-in of the HTTP API answering {@code query_range} with a fixed status and body; the
     * installed promtool (2.42), where present, prints the same lines for the same stand-in.
     */
    @Test
    void queryErrorsAreWordedAsPromtool() throws Exception {
        Path rules = dir.resolve("r.yml");
        Files.writeString(rules, "groups:\n  - name: g\n    rules:\n      - record: x\n        expr: up\n");
        String[] answer = {"500", "oops"};
        HttpServer api = HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = answer[1].getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(Integer.parseInt(answer[0]), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        api.start();
        try {
            String url = "--url=http://127.0.0.1:" + api.getAddress().getPort();
            String[][] cases = {
                {"500", "oops", "rule importer error: query range: server_error: server error: 500"},
                {"404", "404 page not found", "rule importer error: query range: client_error: client error: 404"},
                {"422", "{\"status\":\"error\",\"errorType\":\"execution\",\"error\":\"boom\"}",
                    "rule importer error: query range: execution: boom"},
            };
            // The comparison where promtool is installed; under CI=true a missing one fails.
            Path promtool = io.promethium.testsupport.Ci.active() ? Peers.require("promtool") : Peers.find("promtool").orElse(null);
            for (String[] c : cases) {
                answer[0] = c[0];
                answer[1] = c[1];
                assertThat(run("create-blocks-from", "rules", "--start=1700000000", "--end=1700000600", url,
                        "--output-dir=" + dir.resolve("o" + c[0]), rules.toString())).isEqualTo(1);
                List<String> ours = errorLines(err.toString(StandardCharsets.UTF_8));
                assertThat(ours).containsExactly(c[2], "error importing rules");
                if (promtool != null) {
                    Process p = new ProcessBuilder(promtool.toString(), "tsdb", "create-blocks-from", "rules", "--start=1700000000",
                            "--end=1700000600", url, "--output-dir=" + dir.resolve("p" + c[0]), rules.toString())
                            .redirectErrorStream(true).start();
                    String theirs = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
                    assertThat(p.exitValue()).isEqualTo(1);
                    assertThat(errorLines(theirs)).as("promtool for " + c[0]).isEqualTo(ours);
                }
            }
        } finally {
            api.stop(0);
        }
    }

    /** The error lines of a run, without the progress log lines (whose format differs). */
    private static List<String> errorLines(String output) {
        return output.lines().filter(l -> l.startsWith("rule importer error:") || l.equals("error importing rules")).toList();
    }

    /**
     * A group whose evaluation phase puts a slot in the last second of a 2 h window (promtool
     * loses that slot). The API is a stand-in answering {@code query_range} with the value 1 at
     * every step it is asked for, as the HTTP API documents; what is checked is which slots the
     * tool asks for and writes.
     */
    @Test
    void aSlotInTheLastSecondOfAWindowIsStillWritten() throws Exception {
        Path rules = dir.resolve("slots.yml");
        long start = 1_700_000_000L;
        long end = start + 4 * 3600;
        RuleFiles.Group group = null;
        for (int n = 0; group == null; n++) {
            Files.writeString(rules, "groups:\n  - name: g" + n + "\n    interval: 1m\n    rules:\n      - record: x\n        expr: up\n");
            RuleFiles.Group g = RuleFiles.read(rules, Duration.ofMinutes(1)).get(0);
            if (Math.floorMod(RuleBackfill.evalTimestamp(g, start * 1000), 60_000L) > 59_000) {
                group = g;
            }
        }
        HttpServer api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        api.createContext("/api/v1/query_range", ex -> {
            Map<String, String> form = new LinkedHashMap<>();
            for (String kv : new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
                form.put(kv.substring(0, kv.indexOf('=')), URLDecoder.decode(kv.substring(kv.indexOf('=') + 1), StandardCharsets.UTF_8));
            }
            long from = new BigDecimal(form.get("start")).movePointRight(3).longValueExact();
            long to = new BigDecimal(form.get("end")).movePointRight(3).longValueExact();
            long step = new BigDecimal(form.get("step")).movePointRight(3).longValueExact();
            StringBuilder values = new StringBuilder();
            for (long t = from; t <= to; t += step) {
                values.append(values.isEmpty() ? "" : ",").append("[").append(BigDecimal.valueOf(t, 3).toPlainString()).append(",\"1\"]");
            }
            byte[] body = ("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},\"values\":["
                    + values + "]}]}}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        api.start();
        try {
            Path outDir = dir.resolve("slots");
            assertThat(run("create-blocks-from", "rules", "--start=" + start, "--end=" + end, "--url=http://127.0.0.1:"
                    + api.getAddress().getPort(), "--output-dir=" + outDir, rules.toString())).as(err.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(run("dump", outDir.toString())).isZero();
            long first = RuleBackfill.evalTimestamp(group, start * 1000) + 60_000;
            List<Long> times = out.toString(StandardCharsets.UTF_8).lines().map(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1)))
                    .toList();
            assertThat(times).hasSize((int) ((end * 1000 - first) / 60_000) + 1);
            for (int k = 0; k < times.size(); k++) {
                assertThat(times.get(k)).isEqualTo(first + k * 60_000L);
            }
        } finally {
            api.stop(0);
        }
    }

    private String startPrometheus(Path binary, Path data) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, "global:\n  scrape_interval: 1h\n");
        prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + config, "--web.listen-address=127.0.0.1:" + port,
                "--storage.tsdb.path=" + data, "--storage.tsdb.retention.time=100y").redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        String url = "http://127.0.0.1:" + port;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url + "/-/ready")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return url;
                }
            } catch (IOException e) {
                // not listening yet
            }
            assertThat(System.nanoTime()).as("Prometheus ready within 60 s: " + Files.readString(dir.resolve("prometheus.log")))
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** The server's value of {@code expr} at {@code ms} for the series with {@code job}, as Go's %g prints it. */
    private String instantValue(String url, String expr, long ms, String job) throws Exception {
        String q = url + "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8) + "&time=" + ms / 1000.0;
        JsonNode body = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(URI.create(q)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        for (JsonNode r : body.path("data").path("result")) {
            if (job == null || r.path("metric").path("job").asText().equals(job)) {
                return io.promethium.goformat.GoFloat.formatG(Double.parseDouble(r.path("value").get(1).asText()));
            }
        }
        throw new AssertionError("no result for job " + job + " at " + ms + ": " + body);
    }
}
