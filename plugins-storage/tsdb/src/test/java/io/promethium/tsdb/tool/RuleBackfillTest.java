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
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code create-blocks-from rules} against the real Debian Prometheus (2.42) as the API: its data
 * is a counter backfilled by promtool; the rules are backfilled by Promethium and by promtool from
 * that server. Every sample Promethium wrote must be what the server answers for the rule's
 * expression at that time, at the group's evaluation slots; promtool's blocks, dumped by
 * {@code promtool tsdb dump}, hold the same values at the same slots as Promethium's dumped by its
 * {@code tsdb dump}. Failures (a bad rule file, an unreachable URL, bad times) print promtool's
 * lines and exit code.
 */
class RuleBackfillTest {
    private static final long DATA_START = 1_700_000_000L;
    private static final long WINDOW = 2 * 3600 * 1000L;
    /** Rules of a group's {@code rules:}: a recording rule and an alerting rule with data (job b's 2/s). */
    private static final String RATE_RULES = """
                  - record: job:http_requests:rate5m
                    expr: sum by (job) (rate(http_requests_total[5m]))
                    labels:
                      source: backfill
                  - alert: TooMany
                    expr: sum by (job) (rate(http_requests_total[5m])) > 1.5
            """;

    @TempDir
    static Path shared;
    private static Process prometheus;
    private static String prometheusUrl;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterAll
    static void stop() throws InterruptedException {
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
        String url = prometheus();
        Path rules = dir.resolve("rules.yml");
        Files.writeString(rules, """
                groups:
                  - name: backfill
                    interval: 1m
                    rules:
                %s  - name: offset
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
                """.formatted(RATE_RULES));
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
    }

    /**
     * promtool 2.42 and Promethium backfill the same rule file from the same server; each dump
     * ({@code promtool tsdb dump} of promtool's blocks, this {@code tsdb dump} of ours) is
     * compared series by series and value by value at the timestamps both hold. The group's name
     * is chosen so that both tools put its evaluation slots at the same phase: promtool takes it
     * from Prometheus's group hash (xxHash64 of the group's file and name), Promethium from its
     * own rule manager's (a different hash), so for other names the slots differ by a constant.
     * Where promtool 3 still differs (docs/operations.md): it backfills an alerting rule's
     * expression under the alert's name, and it loses a slot in the last second of a 2 h window.
     */
    @Test
    void promtoolsBlocksHoldTheSameValuesAtTheSameSlots() throws Exception {
        Path promtool = Peers.require("promtool");
        String url = prometheus();
        Path rules = dir.resolve("rules-242.yml").toAbsolutePath();
        String group = samePhaseGroupName(rules.toString(), Duration.ofMinutes(1));
        Files.writeString(rules, """
                groups:
                  - name: %s
                    interval: 1m
                    rules:
                %s      - record: errors:ratio
                        expr: sum(rate(http_requests_total{code="500"}[5m])) / sum(rate(http_requests_total[5m]))
                """.formatted(group, RATE_RULES));
        long start = DATA_START + 600;
        long end = start + 3 * 3600;
        String[] flags = {"--start=" + start, "--end=" + Instant.ofEpochSecond(end), "--url=" + url, "--eval-interval=30s"};
        Path ours = dir.resolve("ours");
        List<String> args = new ArrayList<>(List.of("create-blocks-from", "rules"));
        args.addAll(List.of(flags));
        args.addAll(List.of("--output-dir=" + ours, rules.toString()));
        assertThat(run(args.toArray(String[]::new))).as(err.toString(StandardCharsets.UTF_8)).isZero();
        Path theirs = dir.resolve("theirs");
        List<String> cmd = new ArrayList<>(List.of(promtool.toString(), "tsdb", "create-blocks-from", "rules"));
        cmd.addAll(List.of(flags));
        cmd.addAll(List.of("--output-dir=" + theirs, rules.toString()));
        assertThat(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                .waitFor()).isZero();
        Files.createDirectories(theirs.resolve("wal"));

        assertThat(run("dump", ours.toString())).isZero();
        Map<String, TreeMap<Long, String>> ourSeries = samplesBySeries(out.toString(StandardCharsets.UTF_8));
        Map<String, TreeMap<Long, String>> theirSeries = samplesBySeries(TsdbDumpTest.exec(promtool.toString(), "tsdb", "dump",
                theirs.toString()));
        // promtool writes the alert's expression under its name; Promethium skips alerting rules.
        Map<String, TreeMap<Long, String>> alertSeries = new TreeMap<>();
        theirSeries.keySet().removeIf(k -> k.startsWith("{__name__=\"TooMany\"") && alertSeries.put(k, theirSeries.get(k)) == null);
        assertThat(alertSeries.keySet()).containsExactly("{__name__=\"TooMany\", job=\"b\"}");
        assertThat(ourSeries.keySet()).containsExactly("{__name__=\"errors:ratio\"}",
                "{__name__=\"job:http_requests:rate5m\", job=\"a\", source=\"backfill\"}",
                "{__name__=\"job:http_requests:rate5m\", job=\"b\", source=\"backfill\"}");
        assertThat(theirSeries.keySet()).containsExactlyElementsOf(ourSeries.keySet());
        for (String series : ourSeries.keySet()) {
            TreeMap<Long, String> mine = ourSeries.get(series);
            TreeMap<Long, String> their = theirSeries.get(series);
            assertThat(mine.keySet()).as(series).containsAll(their.keySet());
            for (long t : mine.keySet()) {
                if (!their.containsKey(t)) {
                    assertThat(Math.floorMod(t, WINDOW)).as("%s: a slot only Promethium has, at %d", series, t).isGreaterThanOrEqualTo(WINDOW - 1000);
                }
            }
            assertThat(their.size()).as(series).isGreaterThan(170);
            their.forEach((t, v) -> assertThat(mine.get(t)).as("%s at %d", series, t).isEqualTo(v));
        }
    }

    /**
     * A group name (in {@code file}) whose evaluation phase is the same for promtool 2.42 and
     * Promethium: promtool's is xxHash64 of {@code file\xffFILE\xffname\xffNAME\xff} modulo the
     * interval in nanoseconds, its first query starting there and the API rounding that start to
     * the millisecond; Promethium's is {@link RuleBackfill#evalTimestamp}'s.
     */
    private static String samePhaseGroupName(String file, Duration interval) {
        net.jpountz.xxhash.XXHash64 xxh = net.jpountz.xxhash.XXHashFactory.safeInstance().hash64();
        long ivNanos = interval.toNanos();
        for (int n = 0; ; n++) {
            String name = "backfill-" + n;
            RuleFiles.Group g = new RuleFiles.Group(file, name, interval, 0, Duration.ZERO, List.of(), 0);
            long ours = RuleBackfill.evalTimestamp(g, 0);
            byte[] key = ("file\u00ff" + file + "\u00ffname\u00ff" + name + "\u00ff").getBytes(StandardCharsets.ISO_8859_1);
            if (!file.chars().allMatch(c -> c < 0x80)) {
                throw new IllegalStateException("a non-ASCII path: " + file);
            }
            long theirs = Long.remainderUnsigned(xxh.hash(key, 0, key.length, 0), ivNanos);
            if (Math.abs(theirs - Math.floorMod(ours, interval.toMillis()) * 1_000_000L) < 400_000) {
                return name;
            }
        }
    }

    /** A dump's lines by series: timestamp to value, as printed. */
    private static Map<String, TreeMap<Long, String>> samplesBySeries(String dump) {
        Map<String, TreeMap<Long, String>> bySeries = new TreeMap<>();
        for (String line : dump.lines().toList()) {
            int close = line.lastIndexOf("} ");
            String[] vt = line.substring(close + 2).split(" ");
            bySeries.computeIfAbsent(line.substring(0, close + 1), k -> new TreeMap<>()).put(Long.parseLong(vt[1]), vt[0]);
        }
        return bySeries;
    }

    /**
     * Failures against the Debian promtool (2.42) on the same arguments: the exit code, standard
     * output and the error lines on standard error are the same; the progress lines promtool logs
     * on standard error are promtool 3's (slog's format, where 2.42 has go-kit's), so they are
     * compared by level, message and attributes. Prometheus 3.5 decodes a rule into
     * {@code rulefmt.Rule} (2.42: {@code rulefmt.RuleNode}), which its unknown-field error names.
     */
    @Test
    void failuresPrintPromtoolsLinesAndExitCodes() throws Exception {
        Path promtool = Peers.require("promtool");
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        String window = "--start=1700000000 --end=1700003600 --url=http://127.0.0.1:" + closed;
        String good = "groups:\n  - name: g\n    rules:\n      - record: x\n        expr: up\n      - record: y\n        expr: up\n";
        String[][] cases = {
            {"invalid field", window, "groups:\n  - name: g\n    rules:\n      - record: x\n        expr: up\n        for: 5m\n"},
            {"unknown group field", "--start=1700000000", "groups:\n  - name: g\n    evaluation: 1m\n    rules: []\n"},
            {"unknown rule fields", window, "groups:\n  - name: g\n    rules:\n      - record: x\n        exp: up\n        help: y\n"},
            {"repeated group", window, "groups:\n  - name: g\n    rules: []\n  - name: g\n    rules: []\n"},
            {"bad duration", window, "groups:\n  - name: g\n    interval: soon\n    rules: []\n"},
            {"unreachable URL", window, good},
            {"end before start", "--start=1700003600 --end=2023-11-14T22:13:20Z", good},
            {"bad end", "--start=1700000000 --end=later", good},
        };
        for (String[] c : cases) {
            Path rules = Files.writeString(dir.resolve(c[0].replace(' ', '-') + ".yml"), c[2]);
            List<String> args = new ArrayList<>(List.of("create-blocks-from", "rules"));
            args.addAll(List.of(c[1].split(" ")));
            args.addAll(List.of("--output-dir=" + dir.resolve("ours-" + c[0].replace(' ', '-')), rules.toString()));
            int ourCode = run(args.toArray(String[]::new));
            String ourOut = out.toString(StandardCharsets.UTF_8);
            String ourErr = err.toString(StandardCharsets.UTF_8);

            List<String> cmd = new ArrayList<>(List.of(promtool.toString(), "tsdb"));
            cmd.addAll(args);
            cmd.set(cmd.size() - 2, "--output-dir=" + dir.resolve("theirs-" + c[0].replace(' ', '-')));
            Path theirOut = dir.resolve("stdout");
            Path theirErr = dir.resolve("stderr");
            Process p = new ProcessBuilder(cmd).redirectOutput(theirOut.toFile()).redirectError(theirErr.toFile()).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

            assertThat(ourCode).as(c[0] + ": exit code; " + ourErr).isEqualTo(p.exitValue()).isEqualTo(1);
            assertThat(ourOut).as(c[0] + ": stdout").isEqualTo(Files.readString(theirOut));
            String theirs = Files.readString(theirErr).replace("rulefmt.RuleNode", "rulefmt.Rule");
            assertThat(errorLines(ourErr)).as(c[0] + ": stderr").isEqualTo(errorLines(theirs)).isNotEmpty();
            assertThat(logLines(ourErr)).as(c[0] + ": progress lines of " + ourErr).isEqualTo(logLines(theirs));
        }
    }

    /** Standard error without the progress log lines. */
    private static List<String> errorLines(String stderr) {
        return stderr.lines().filter(l -> !l.startsWith("level=") && !l.startsWith("time=")).toList();
    }

    /**
     * The progress log lines as level, message and attributes: go-kit's logfmt of promtool 2.42
     * ({@code level=info backfiller="new rule importer" start=...}) and slog's of promtool 3
     * ({@code time=... level=INFO source=... msg="new rule importer" component=backfiller start=...}).
     */
    private static List<String> logLines(String stderr) {
        List<String> lines = new ArrayList<>();
        for (String line : stderr.lines().filter(l -> l.startsWith("level=") || l.startsWith("time=")).toList()) {
            Map<String, String> kv = new LinkedHashMap<>();
            int i = 0;
            while (i < line.length()) {
                int eq = line.indexOf('=', i);
                String key = line.substring(i, eq);
                StringBuilder value = new StringBuilder();
                i = eq + 1;
                if (i < line.length() && line.charAt(i) == '"') {
                    for (i++; line.charAt(i) != '"'; i++) {
                        if (line.charAt(i) == '\\') {
                            i++;
                        }
                        value.append(line.charAt(i));
                    }
                    i++;
                } else {
                    while (i < line.length() && line.charAt(i) != ' ') {
                        value.append(line.charAt(i++));
                    }
                }
                kv.put(key, value.toString());
                i++;
            }
            String msg = kv.containsKey("msg") ? kv.remove("msg") : kv.remove("backfiller");
            String level = kv.remove("level").toLowerCase(java.util.Locale.ROOT);
            kv.keySet().removeAll(List.of("time", "source", "component"));
            lines.add(level + " " + msg + " " + kv);
        }
        return lines;
    }

    /** Usage errors and what promtool 2.42 cannot judge (Prometheus 3's rulefmt checks), on Promethium alone. */
    @Test
    void badRuleFilesAndFlagsFailNamingWhere() throws IOException {
        Path rules = dir.resolve("bad.yml");
        Files.writeString(rules, "groups:\n  - name: g\n    rules:\n      - record: x{a=\"b\"}\n        expr: up\n");
        assertThat(run("create-blocks-from", "rules", "--start=1700000000", "--end=1700003600", rules.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).endsWith("rule importer parse error: " + rules + ": 4:17: group \"g\", rule 1, "
                + "\"x{a=\\\"b\\\"}\": braces present in the recording rule name; should it be in expr?: x{a=\"b\"}\n");
        // Neither record nor alert: rulefmt names both (absent) nodes as 0:0.
        Files.writeString(rules, "groups:\n  - name: g\n    rules:\n      - expr: up\n");
        assertThat(run("create-blocks-from", "rules", "--start=1700000000", "--end=1700003600", rules.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).endsWith("rule importer parse error: " + rules
                + ": 0:0: 0:0: group \"g\", rule 1, \"\": one of 'record' or 'alert' must be set\n");
        Files.writeString(rules, "groups:\n  - name: g\n    limit: many\n    rules:\n      - record: x\n        expr: up\n        labels:\n"
                + "          __name__: y\n");
        assertThat(run("create-blocks-from", "rules", "--start=1700000000", "--end=1700003600", rules.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).endsWith("rule importer parse error: " + rules
                + ": yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str `many` into int\n");
        Files.writeString(rules, "groups:\n  - name: g\n    rules:\n      - record: x\n        expr: up\n        labels:\n"
                + "          __name__: y\n");
        assertThat(run("create-blocks-from", "rules", "--start=1700000000", "--end=1700003600", rules.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).endsWith("rule importer parse error: " + rules
                + ": group \"g\", rule 1, \"x\": invalid label name: __name__\n");

        assertThat(run("create-blocks-from", "rules", rules.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("required flag --start not provided");
        assertThat(run("create-blocks-from", "rules", "--start=1700000000", "--http.config.file=h.yml", rules.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--http.config.file is not supported");
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

    /**
     * The Debian Prometheus (started once for the class) over two counters backfilled by promtool
     * from OpenMetrics, 4 h at 15 s: job a rises 1/s, job b 2/s with a reset half way.
     */
    private static synchronized String prometheus() throws Exception {
        if (prometheusUrl != null) {
            return prometheusUrl;
        }
        Path promtool = Peers.require("promtool");
        Path binary = Peers.require("prometheus");
        StringBuilder om = new StringBuilder("# TYPE http_requests counter\n");
        for (int i = 0; i <= 4 * 240; i++) {
            long t = DATA_START + i * 15L;
            om.append("http_requests_total{job=\"a\",code=\"200\"} ").append(i * 15).append(' ').append(t).append('\n');
            om.append("http_requests_total{job=\"b\",code=\"500\"} ").append((i % 480) * 30).append(' ').append(t).append('\n');
        }
        om.append("# EOF\n");
        Path file = shared.resolve("data.om");
        Files.writeString(file, om);
        Path data = shared.resolve("prom-data");
        TsdbDumpTest.exec(promtool.toString(), "tsdb", "create-blocks-from", "openmetrics", file.toString(), data.toString());
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path config = shared.resolve("prometheus.yml");
        Files.writeString(config, "global:\n  scrape_interval: 1h\n");
        Path log = shared.resolve("prometheus.log");
        prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + config, "--web.listen-address=127.0.0.1:" + port,
                "--storage.tsdb.path=" + data, "--storage.tsdb.retention.time=100y").redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        String url = "http://127.0.0.1:" + port;
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                if (client.send(HttpRequest.newBuilder(URI.create(url + "/-/ready")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    prometheusUrl = url;
                    return url;
                }
            } catch (IOException e) {
                // not listening yet
            }
            assertThat(System.nanoTime()).as("Prometheus ready within 60 s: " + Files.readString(log)).isLessThan(deadline);
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
