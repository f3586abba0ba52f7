package io.promethium.rules.tool;

import io.promethium.config.yaml.YamlNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToolsTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private PrintStream out() {
        return new PrintStream(out, true, StandardCharsets.UTF_8);
    }

    private PrintStream err() {
        return new PrintStream(err, true, StandardCharsets.UTF_8);
    }

    private static final String RULES = """
            groups:
              - name: example
                rules:
                  - record: job:up:sum
                    expr: sum by (job) (up)
                  - alert: InstanceDown
                    expr: up == 0
                    for: 5m
                    labels:
                      severity: page
                    annotations:
                      summary: "Instance {{ $labels.instance }} down"
                      description: "{{ $labels.instance }} of job {{ $labels.job }} has been down for more than 5 minutes."
            """;

    @Test
    void checkRulesReportsRuleCountAndExitsZero() throws Exception {
        Files.writeString(dir.resolve("ok.yml"), RULES);
        int code = CheckRules.run(new String[] {dir.resolve("ok.yml").toString()}, out(), err());
        assertThat(code).isZero();
        assertThat(out.toString()).contains("SUCCESS: 2 rules found");
    }

    @Test
    void checkRulesReportsFileGroupRuleAndPositionOfBadPromQL() throws Exception {
        Files.writeString(dir.resolve("bad.yml"), RULES.replace("sum by (job) (up)", "sum by (job) (up"));
        int code = CheckRules.run(new String[] {dir.resolve("bad.yml").toString()}, out(), err());
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("FAILED").contains("bad.yml:5:").contains("group \"example\", rule 1, \"job:up:sum\"")
                .contains("could not parse expression");
    }

    private static final String DUPLICATES = """
            groups:
              - name: a
                labels: {team: t}
                rules:
                  - record: x
                    expr: vector(1)
                  - alert: A
                    expr: vector(1)
              - name: b
                rules:
                  - record: x
                    expr: vector(2)
                    labels: {team: t}
                  - record: x
                    expr: vector(3)
                  - alert: A
                    expr: vector(2)
                    labels: {team: t}
            """;

    private int checkRules(String... args) {
        return CheckRules.run(args, new java.io.ByteArrayInputStream(new byte[0]), out(), err());
    }

    @Test
    void duplicateRulesFailTheFileWithPromtoolsLintErrorButExitZeroWithoutLintFatal() throws Exception {
        Files.writeString(dir.resolve("dup.yml"), DUPLICATES);
        assertThat(checkRules(dir.resolve("dup.yml").toString())).isZero();
        // Prometheus 3's words, sorted by name then labels; the group's labels count as the rule's.
        assertThat(err.toString()).isEqualTo("""
                  FAILED:
                lint error 2 duplicate rule(s) found.
                Metric: A
                Label(s):
                \tteam: t
                Metric: x
                Label(s):
                \tteam: t
                Might cause inconsistency while recording expressions
                """);
        assertThat(out.toString()).isEqualTo("Checking " + dir.resolve("dup.yml") + "\n\n");
    }

    @Test
    void lintFatalExitsThreeOnLintFindingsOnly() throws Exception {
        Files.writeString(dir.resolve("dup.yml"), DUPLICATES);
        Files.writeString(dir.resolve("ok.yml"), RULES);
        Files.writeString(dir.resolve("bad.yml"), RULES.replace("sum by (job) (up)", "sum by (job) (up"));
        assertThat(checkRules("--lint-fatal", dir.resolve("dup.yml").toString())).isEqualTo(3);
        assertThat(checkRules("--lint-fatal", dir.resolve("ok.yml").toString())).isZero();
        // An invalid file outweighs a lint finding, as promtool.
        assertThat(checkRules("--lint-fatal", dir.resolve("dup.yml").toString(), dir.resolve("bad.yml").toString())).isEqualTo(1);
    }

    @Test
    void lintNoneSkipsTheDuplicateCheckAndUnknownOptionsAreWarnings() throws Exception {
        Files.writeString(dir.resolve("dup.yml"), DUPLICATES);
        assertThat(checkRules("--lint=none", "--lint-fatal", dir.resolve("dup.yml").toString())).isZero();
        assertThat(out.toString()).contains("SUCCESS: 5 rules found");
        out.reset();
        assertThat(checkRules("--lint=bogus", "--lint-fatal", dir.resolve("dup.yml").toString())).isZero();
        assertThat(out.toString()).startsWith("WARNING: unknown lint option: \"bogus\"\n").contains("SUCCESS: 5 rules found");
        assertThat(checkRules("--lint=all", "--lint-fatal", dir.resolve("dup.yml").toString())).isEqualTo(3);
    }

    @Test
    void ignoreUnknownFieldsAcceptsCustomMetadata() throws Exception {
        Files.writeString(dir.resolve("meta.yml"), RULES.replace("  - name: example\n", "  - name: example\n    owner: team-a\n"));
        assertThat(checkRules(dir.resolve("meta.yml").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("field \"owner\" not found");
        assertThat(checkRules("--ignore-unknown-fields", dir.resolve("meta.yml").toString())).isZero();
    }

    @Test
    void withoutFilesTheRulesAreReadFromStandardInput() {
        int code = CheckRules.run(new String[0], new java.io.ByteArrayInputStream(RULES.getBytes(StandardCharsets.UTF_8)), out(), err());
        assertThat(code).isZero();
        assertThat(out.toString()).isEqualTo("Checking standard input\n  SUCCESS: 2 rules found\n\n");
    }

    @Test
    void unknownFlagsAreUsageErrors() {
        assertThat(checkRules("--frobnicate", "x.yml")).isEqualTo(1);
        assertThat(err.toString()).contains("unknown long flag '--frobnicate'");
        assertThat(TestRules.run(new String[0], out(), err())).isEqualTo(1);
    }

    @Test
    void theChecksLookbackDeltaFlagIsParsedAsAGoDurationThoughRulesDoNotUseIt() throws Exception {
        Files.writeString(dir.resolve("ok.yml"), RULES);
        assertThat(checkRules("--query.lookback-delta=1h30m", dir.resolve("ok.yml").toString())).isZero();
        assertThat(checkRules("--query.lookback-delta=7d", dir.resolve("ok.yml").toString())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("promethium check rules: error: time: unknown unit \"d\" in duration \"7d\", try --help\n");
    }

    private static final String TEST = """
            rule_files:
              - rules.yml
            evaluation_interval: 1m
            tests:
              - interval: 1m
                input_series:
                  - series: 'up{job="prometheus", instance="localhost:9090"}'
                    values: '0 0 0 0 0 0 0 0 0 0 0 0 0 0 0'
                  - series: 'up{job="node_exporter", instance="localhost:9100"}'
                    values: '1+0x6 0 0 0 0 0 0 0 0'
                alert_rule_test:
                  - eval_time: 10m
                    alertname: InstanceDown
                    exp_alerts:
                      - exp_labels:
                          severity: page
                          instance: localhost:9090
                          job: prometheus
                        exp_annotations:
                          summary: "Instance localhost:9090 down"
                          description: "localhost:9090 of job prometheus has been down for more than 5 minutes."
                  - eval_time: 2m
                    alertname: InstanceDown
                    exp_alerts: []
                promql_expr_test:
                  - expr: job:up:sum
                    eval_time: 4m
                    exp_samples:
                      - labels: 'job:up:sum{job="prometheus"}'
                        value: 0
                      - labels: 'job:up:sum{job="node_exporter"}'
                        value: 1
            """;

    @Test
    void testRulesPassesPromtoolsDocumentedExample() throws Exception {
        Files.writeString(dir.resolve("rules.yml"), RULES);
        Files.writeString(dir.resolve("test.yml"), TEST);
        int code = TestRules.run(new String[] {dir.resolve("test.yml").toString()}, out(), err());
        assertThat(err.toString()).isEmpty();
        assertThat(code).isZero();
        assertThat(out.toString()).isEqualTo("  SUCCESS\n\n");
    }

    @Test
    void testRulesReportsMismatchesLikePromtool() throws Exception {
        Files.writeString(dir.resolve("rules.yml"), RULES);
        Files.writeString(dir.resolve("test.yml"), TEST.replace("eval_time: 10m", "eval_time: 4m")
                .replace("value: 1\n", "value: 3\n"));
        int code = TestRules.run(new String[] {dir.resolve("test.yml").toString()}, out(), err());
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("FAILED:").contains("alertname: InstanceDown, time: 4m")
                .contains("got:[]").contains("expr: \"job:up:sum\", time: 4m").contains("exp: ").contains("got: ");
    }

    @Test
    void seriesNotationExpands() {
        assertThat(SeriesValues.parse("-2+4x3")).containsExactly(-2, 2, 6, 10);
        assertThat(SeriesValues.parse("1-2x4")).containsExactly(1, -1, -3, -5, -7);
        assertThat(SeriesValues.parse("1x4")).containsExactly(1, 1, 1, 1, 1);
        double[] v = SeriesValues.parse("1 _x3 stale");
        assertThat(v).hasSize(5);
        assertThat(SeriesValues.isMissing(v[1])).isTrue();
        assertThat(SeriesValues.isMissing(v[3])).isTrue();
        assertThat(io.promethium.api.model.StaleMarker.isStale(v[4])).isTrue();
    }

    @Test
    void badSeriesValueNamesTheToken() throws Exception {
        Files.writeString(dir.resolve("rules.yml"), RULES);
        Files.writeString(dir.resolve("test.yml"), TEST.replace("1+0x6 0", "1+0x6 zero"));
        int code = TestRules.run(new String[] {dir.resolve("test.yml").toString()}, out(), err());
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("test.yml:10:").contains("bad number \"zero\"");
    }

    @Test
    void testRulesPrintsValuesWithTheShortestDigitsAsPromtool() throws Exception {
        Files.writeString(dir.resolve("rules.yml"), "groups: []\n");
        Files.writeString(dir.resolve("test.yml"), """
                rule_files: [rules.yml]
                tests:
                  - interval: 1m
                    name: values
                    input_series:
                      - series: 'up{job="a"}'
                        values: '60 60'
                    promql_expr_test:
                      - expr: up
                        eval_time: 1m
                        exp_samples:
                          - labels: 'up{job="a"}'
                            value: 61
                      - expr: 'rate(up[1m]'
                        eval_time: 1m
                """);
        int code = TestRules.run(new String[] {dir.resolve("test.yml").toString()}, out(), err());
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("exp: {__name__=\"up\", job=\"a\"} 6.1E+01")
                .contains("got: {__name__=\"up\", job=\"a\"} 6E+01")
                .contains("    expr: \"rate(up[1m]\", time: 1m, err: ")
                .doesNotContain("name: values"); // promtool names the test before alert failures only
    }

    @Test
    void promtoolNumbersAreGosShortestExponentForm() {
        assertThat(PromtoolNumbers.format(61)).isEqualTo("6.1E+01");
        assertThat(PromtoolNumbers.format(60)).isEqualTo("6E+01");
        assertThat(PromtoolNumbers.format(1)).isEqualTo("1E+00");
        assertThat(PromtoolNumbers.format(60.5)).isEqualTo("6.05E+01");
        assertThat(PromtoolNumbers.format(1e-7)).isEqualTo("1E-07");
        assertThat(PromtoolNumbers.format(-0.25)).isEqualTo("-2.5E-01");
        assertThat(PromtoolNumbers.format(1.5e300)).isEqualTo("1.5E+300");
        assertThat(PromtoolNumbers.format(0)).isEqualTo("0E+00");
        assertThat(PromtoolNumbers.format(Double.NaN)).isEqualTo("NaN");
        assertThat(PromtoolNumbers.format(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
    }

    @Test
    void testRulesFailsWithTheEvaluationErrorOfARuleUnderTest() throws Exception {
        Files.writeString(dir.resolve("rules.yml"), """
                groups:
                  - name: g
                    rules:
                      - alert: ManyToMany
                        expr: up * on() group_right vector(1)
                """);
        Files.writeString(dir.resolve("test.yml"), """
                rule_files: [rules.yml]
                tests:
                  - interval: 1m
                    input_series:
                      - series: 'up{job="a"}'
                        values: '1 1'
                      - series: 'up{job="b"}'
                        values: '1 1'
                    alert_rule_test:
                      - eval_time: 1m
                        alertname: ManyToMany
                        exp_alerts: []
                """);
        int code = TestRules.run(new String[] {dir.resolve("test.yml").toString()}, out(), err());
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("FAILED:").contains("rule: ManyToMany, time: 0s, err: ")
                .contains("many-to-many matching not allowed");
    }

    @Test
    void testRulesFailurePrintsLabelSetsAsPrometheus3LabelsString() throws Exception {
        Files.writeString(dir.resolve("rules.yml"), """
                groups:
                  - name: g
                    rules:
                      - alert: Mem
                        expr: up == 0
                        labels:
                          "alert.kind": mem
                """);
        Files.writeString(dir.resolve("test.yml"), """
                rule_files: [rules.yml]
                tests:
                  - interval: 1m
                    input_series:
                      - series: 'up{job="a"}'
                        values: '0 0'
                    alert_rule_test:
                      - eval_time: 1m
                        alertname: Mem
                        exp_alerts: []
                    promql_expr_test:
                      - expr: 'label_replace(up, "job.name", "$1", "job", "(.*)")'
                        eval_time: 0m
                        exp_samples: []
                """);
        int code = TestRules.run(new String[] {dir.resolve("test.yml").toString()}, out(), err());
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("Labels:{\"alert.kind\"=\"mem\", alertname=\"Mem\", job=\"a\"}")
                .contains("got: {__name__=\"up\", job=\"a\", \"job.name\"=\"a\"} 0");
    }

    /** A rule unit test file on a series with UTF-8 names: the alert's labels and its rendered annotations as Prometheus 3 gives them. */
    @Test
    void testRulesRendersAnnotationsOfUtf8LabelNames() throws Exception {
        Files.writeString(dir.resolve("rules.yml"), """
                groups:
                  - name: g
                    rules:
                      - alert: Utf8
                        expr: '{"my.metric"} == 0'
                        labels:
                          "service.copy": '{{ index $labels "service.name" }}'
                        annotations:
                          service: '{{ index $labels "service.name" }} on {{ $labels.instance }}'
                          all: '{{ $labels }}'
                """);
        String test = """
                rule_files: [rules.yml]
                tests:
                  - interval: 1m
                    input_series:
                      - series: '{"my.metric", "service.name"="x", instance="a", "\uFF21"="1", "\uD83D\uDE00"="2"}'
                        values: '0 0'
                    alert_rule_test:
                      - eval_time: 1m
                        alertname: Utf8
                        exp_alerts:
                          - exp_labels:
                              "service.name": x
                              "service.copy": x
                              instance: a
                              "\uFF21": "1"
                              "\uD83D\uDE00": "2"
                            exp_annotations:
                              service: x on a
                              all: "map[__name__:my.metric instance:a service.name:x \uFF21:1 \uD83D\uDE00:2]"
                """;
        Files.writeString(dir.resolve("test.yml"), test);
        int code = TestRules.run(new String[] {dir.resolve("test.yml").toString()}, out(), err());
        assertThat(err.toString()).isEmpty();
        assertThat(code).isZero();
        // The same file expecting UTF-16 order fails: the order is checked, not ignored.
        Files.writeString(dir.resolve("test.yml"), test.replace("\uFF21:1 \uD83D\uDE00:2]", "\uD83D\uDE00:2 \uFF21:1]"));
        assertThat(TestRules.run(new String[] {dir.resolve("test.yml").toString()}, out(), err())).isEqualTo(1);
    }

    /** Prometheus 3's cmd/promtool/testdata/start-time-test.yml, with its rules.yml, unchanged. */
    @Test
    void testRulesPassesPrometheus3StartTimestampTests() throws Exception {
        for (String name : new String[] {"start-time-test.yml", "rules.yml"}) {
            try (var in = ToolsTest.class.getResourceAsStream("/promtool-v3/" + name)) {
                Files.write(dir.resolve(name), in.readAllBytes());
            }
        }
        int code = TestRules.run(new String[] {dir.resolve("start-time-test.yml").toString()}, out(), err());
        assertThat(err.toString()).isEmpty();
        assertThat(code).isZero();
    }

    @Test
    void startTimestampIsReadAsUnixSecondsOrRfc3339() throws Exception {
        assertThat(TestRules.startTimestamp(null)).isZero();
        YamlNode.Scalar unix = new YamlNode.Scalar("1609459200.5", false, new io.promethium.config.yaml.Location("t.yml", 1, 1));
        assertThat(TestRules.startTimestamp(unix)).isEqualTo(1609459200500L);
        YamlNode.Scalar rfc = new YamlNode.Scalar("2024-01-01T00:00:00Z", true, new io.promethium.config.yaml.Location("t.yml", 1, 1));
        assertThat(TestRules.startTimestamp(rfc)).isEqualTo(1704067200000L);
        YamlNode.Scalar bad = new YamlNode.Scalar("yesterday", true, new io.promethium.config.yaml.Location("t.yml", 2, 3));
        assertThatThrownBy(() -> TestRules.startTimestamp(bad)).hasMessage("t.yml:2:3: cannot parse \"yesterday\" to a valid timestamp");
    }

    /** Prometheus 3's cmd/promtool/testdata/unittest.yml (native histogram series and samples), with its rules.yml, unchanged. */
    @Test
    void testRulesPassesPrometheus3UnitTestFileWithNativeHistograms() throws Exception {
        for (String name : new String[] {"unittest.yml", "rules.yml"}) {
            try (var in = ToolsTest.class.getResourceAsStream("/promtool-v3/" + name)) {
                Files.write(dir.resolve(name), in.readAllBytes());
            }
        }
        int code = TestRules.run(new String[] {dir.resolve("unittest.yml").toString()}, out(), err());
        assertThat(err.toString()).isEmpty();
        assertThat(code).isZero();
    }

    @Test
    void testRulesReportsHistogramMismatchAsTestExpressions() throws Exception {
        Files.writeString(dir.resolve("test.yml"), """
                tests:
                  - interval: 1m
                    input_series:
                      - series: h
                        values: '{{sum:3 count:2 buckets:[2]}}x1'
                    promql_expr_test:
                      - expr: h
                        eval_time: 1m
                        exp_samples:
                          - labels: h
                            histogram: '{{sum:3 count:3 buckets:[3]}}'
                """);
        int code = TestRules.run(new String[] {dir.resolve("test.yml").toString()}, out(), err());
        assertThat(code).isEqualTo(1);
        // The second sample of a chunk reads back as not_reset, as from Prometheus's TSDB.
        assertThat(err.toString()).contains("    expr: \"h\", time: 1m,\n"
                + "        exp: {__name__=\"h\"} {{count:3 sum:3 buckets:[3]}}\n"
                + "        got: {__name__=\"h\"} {{count:2 sum:3 counter_reset_hint:not_reset buckets:[2]}}\n");
    }

    /**
     * Hints as promtool 3's test storage reads them back: the first histogram of each head chunk
     * is unknown, the others not_reset. A steady 1m counter fills 256 bytes of chunk by its 60th
     * histogram, so the head predicts six chunks for the 24 h range and cuts at 240m; a counter
     * reset starts a chunk too (promtool 3 prints no hint there; this storage used to print
     * not_reset at 240m and reset at the reset).
     */
    @Test
    void testRulesReadsHistogramHintsBackAsPrometheusHeadChunksGiveThem() throws Exception {
        Files.writeString(dir.resolve("test.yml"), """
                tests:
                  - interval: 1m
                    input_series:
                      - series: h
                        values: '{{schema:0 sum:1 count:1 buckets:[1]}}+{{schema:0 sum:1 count:1 buckets:[1]}}x300'
                      - series: r
                        values: '{{sum:5 count:5 buckets:[5]}} {{sum:1 count:1 buckets:[1]}} {{sum:2 count:2 buckets:[2]}}'
                    promql_expr_test:
                      - expr: h
                        eval_time: 239m
                        exp_samples:
                          - labels: h
                            histogram: '{{count:240 sum:240 counter_reset_hint:not_reset buckets:[240]}}'
                      - expr: h
                        eval_time: 240m
                        exp_samples:
                          - labels: h
                            histogram: '{{count:241 sum:241 buckets:[241]}}'
                      - expr: h
                        eval_time: 241m
                        exp_samples:
                          - labels: h
                            histogram: '{{count:242 sum:242 counter_reset_hint:not_reset buckets:[242]}}'
                      - expr: histogram_count(increase(h[10m]))
                        eval_time: 245m
                        exp_samples:
                          - value: 10
                      - expr: r
                        eval_time: 1m
                        exp_samples:
                          - labels: r
                            histogram: '{{count:1 sum:1 buckets:[1]}}'
                      - expr: r
                        eval_time: 2m
                        exp_samples:
                          - labels: r
                            histogram: '{{count:2 sum:2 counter_reset_hint:not_reset buckets:[2]}}'
                  # promqltest's functions.test series: 1000 equal histograms at 10s take 4 bits each,
                  # so one chunk holds them all (a float chunk would be cut at 120 samples).
                  - interval: 10s
                    input_series:
                      - series: 'http_requests_histogram{job="api-server", instance="1", group="canary"}'
                        values: '{{schema:0 count:1 sum:2}}x1000'
                    promql_expr_test:
                      - expr: http_requests_histogram
                        eval_time: 1200s
                        exp_samples:
                          - labels: 'http_requests_histogram{job="api-server", instance="1", group="canary"}'
                            histogram: '{{count:1 sum:2 counter_reset_hint:not_reset}}'
                      - expr: http_requests_histogram
                        eval_time: 9990s
                        exp_samples:
                          - labels: 'http_requests_histogram{job="api-server", instance="1", group="canary"}'
                            histogram: '{{count:1 sum:2 counter_reset_hint:not_reset}}'
                """);
        int code = TestRules.run(new String[] {dir.resolve("test.yml").toString()}, out(), err());
        assertThat(err.toString()).isEmpty();
        assertThat(code).isZero();
    }

    @Test
    void testRulesFailsAnExpectedHistogramThatIsAFloat() throws Exception {
        Files.writeString(dir.resolve("test.yml"), """
                tests:
                  - input_series:
                      - series: h
                        values: '1'
                    promql_expr_test:
                      - expr: h
                        eval_time: 0m
                        exp_samples:
                          - labels: h
                            histogram: '1'
                """);
        int code = TestRules.run(new String[] {dir.resolve("test.yml").toString()}, out(), err());
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("    expr: \"h\", time: 0s, err: labels \"h\": expected histogram, got 1.000000");
    }

    @Test
    void recordingRuleWritesHistogramsIntoTheTestStorage() throws Exception {
        Files.writeString(dir.resolve("rules.yml"), """
                groups:
                  - name: g
                    rules:
                      - record: h:sum
                        expr: sum(h)
                """);
        Files.writeString(dir.resolve("test.yml"), """
                rule_files: [rules.yml]
                tests:
                  - interval: 1m
                    input_series:
                      - series: 'h{i="a"}'
                        values: '{{sum:1 count:1 buckets:[1]}}+{{sum:1 count:1 buckets:[1]}}x2'
                      - series: 'h{i="b"}'
                        values: '{{sum:2 count:2 buckets:[2]}}x2'
                    promql_expr_test:
                      - expr: h:sum
                        eval_time: 2m
                        exp_samples:
                          - labels: h:sum
                            histogram: '{{count:5 sum:5 counter_reset_hint:not_reset buckets:[5]}}'
                """);
        int code = TestRules.run(new String[] {dir.resolve("test.yml").toString()}, out(), err());
        assertThat(err.toString()).isEmpty();
        assertThat(code).isZero();
    }

    @Test
    void badHistogramInInputSeriesNamesFileLineAndWhat() throws Exception {
        Files.writeString(dir.resolve("test.yml"), """
                tests:
                  - input_series:
                      - series: h
                        values: '{{sum:3 count:2 buckets:[2}}'
                """);
        int code = TestRules.run(new String[] {dir.resolve("test.yml").toString()}, out(), err());
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("test.yml:4:")
                .contains("unterminated [ of buckets in native histogram: sum:3 count:2 buckets:[2");
    }
}
