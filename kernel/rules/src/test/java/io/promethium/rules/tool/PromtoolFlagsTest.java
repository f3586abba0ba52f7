package io.promethium.rules.tool;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.config.tool.CheckConfig;
import io.promethium.testsupport.Peers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flags of Prometheus 3's {@code promtool test rules} ({@code --run}, {@code --debug},
 * {@code --diff}, {@code --ignore-unknown-fields}, {@code test --junit}) and its global
 * {@code --enable-feature} in the rule tools. The Debian promtool 2.42 has none of the
 * {@code test rules} flags and knows no experimental PromQL function, so the expected texts are
 * read from promtool 3's source ({@code cmd/promtool/unittest.go}, {@code util/junitxml},
 * {@code github.com/nsf/jsondiff}).
 */
class PromtoolFlagsTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int testRules(String... args) {
        return TestRules.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private int checkRules(String... args) {
        return CheckRules.run(args, new java.io.ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static final String RULES = """
            groups:
              - name: g
                rules:
                  - record: job:up:sum
                    expr: sum by (job) (up)
                  - alert: Always
                    expr: vector(1)
                    labels:
                      severity: warn
            """;

    /** Three groups: "first" passes, "second" fails its expression test, the third (unnamed) fails its alert test. */
    private static final String TESTS = """
            rule_files: [rules.yml]
            tests:
              - name: first
                input_series:
                  - series: 'up{job="a"}'
                    values: '1 2 3'
                promql_expr_test:
                  - expr: job:up:sum
                    eval_time: 2m
                    exp_samples:
                      - labels: 'job:up:sum{job="a"}'
                        value: 3
              - name: second
                input_series:
                  - series: 'up{job="a"}'
                    values: '1 2 3'
                promql_expr_test:
                  - expr: job:up:sum
                    eval_time: 2m
                    exp_samples:
                      - labels: 'job:up:sum{job="a"}'
                        value: 4
              - alert_rule_test:
                  - eval_time: 1m
                    alertname: Always
                    exp_alerts:
                      - exp_labels:
                          severity: page
            """;

    private Path files() throws Exception {
        Files.writeString(dir.resolve("rules.yml"), RULES);
        Path test = dir.resolve("test.yml");
        Files.writeString(test, TESTS);
        return test;
    }

    private static final String SECOND_FAILURE = "    expr: \"job:up:sum\", time: 2m,\n"
            + "        exp: {__name__=\"job:up:sum\", job=\"a\"} 4E+00\n"
            + "        got: {__name__=\"job:up:sum\", job=\"a\"} 3E+00";

    @Test
    void promtool3PrintsNoFileHeaderAndABlankLineOnStdoutAfterEachError() throws Exception {
        Path test = files();
        assertThat(testRules("--run=second", test.toString())).isEqualTo(1);
        assertThat(out()).isEqualTo("\n\n");
        assertThat(err()).isEqualTo("  FAILED:\n" + SECOND_FAILURE + "\n");
    }

    @Test
    void runSelectsTestGroupsWhoseNameTheRegularExpressionFinds() throws Exception {
        Path test = files();
        assertThat(testRules("--run=fir", test.toString())).isZero();
        assertThat(out()).isEqualTo("  SUCCESS\n\n");
        assertThat(err()).isEmpty();
        // Repeated: joined with '|'; an unnamed group has the name "" and is run only when the expression matches it.
        assertThat(testRules("--run=^first$", "--run=^second$", test.toString())).isEqualTo(1);
        assertThat(err()).doesNotContain("alertname: Always");
        err.reset();
        assertThat(testRules("--run=^$", test.toString())).isEqualTo(1);
        assertThat(err()).contains("alertname: Always").doesNotContain("job:up:sum");
        err.reset();
        assertThat(testRules("--run=(", test.toString())).isEqualTo(1);
        assertThat(err()).startsWith("promethium test rules: error: --run: error parsing regexp \"(\": ");
    }

    @Test
    void withoutRunEveryGroupRunsAndAllFailuresArePrinted() throws Exception {
        Path test = files();
        assertThat(testRules(test.toString())).isEqualTo(1);
        assertThat(err()).isEqualTo("  FAILED:\n" + SECOND_FAILURE + "\n"
                + """
                    alertname: Always, time: 1m,\s
                        exp:[
                            0:
                              Labels:{alertname="Always", severity="page"}
                              Annotations:{}
                            ],\s
                        got:[
                            0:
                              Labels:{alertname="Always", severity="warn"}
                              Annotations:{}
                            ]
                """);
        assertThat(out()).isEqualTo("\n\n\n");
    }

    /**
     * jsondiff's console output of {@code [{"Annotations":{},"Labels":{"alertname":"Always","severity":"page"}}]}
     * against the got alert, traced through its {@code printDiff}: the whole document indented by
     * four spaces a level, the changed value in yellow ({@code ESC[0;33m}) as {@code old => new}.
     */
    @Test
    void diffPrintsJsondiffsColouredDifferenceOfTheAlerts() throws Exception {
        Path test = files();
        assertThat(testRules("--diff", "--run=^$", test.toString())).isEqualTo(1);
        String i = " ".repeat(12);
        assertThat(err()).isEqualTo("  FAILED:\n    alertname: Always, time: 1m, \n        diff: [\n"
                + i + "    {\n"
                + i + "        \"Annotations\": {},\n"
                + i + "        \"Labels\": {\n"
                + i + "            \"alertname\": \"Always\",\n"
                + i + "            \"severity\": \033[0;33m\"page\" => \"warn\"\033[0m\n"
                + i + "        }\n"
                + i + "    }\n"
                + i + "]\n");
    }

    @Test
    void diffOfAMissingAlertShowsWhatOnlyOneSideHasInColour() {
        String none = JsonDiff.compare(List.of("a"), List.of("a", "b"));
        assertThat(none).isEqualTo("[\n    \"a\",\n    \033[0;32m\"b\"\033[0m\n]");
        assertThat(JsonDiff.compare(List.of("a", "b"), List.of("a"))).isEqualTo("[\n    \"a\",\n    \033[0;31m\"b\"\033[0m\n]");
        assertThat(JsonDiff.compare(List.of("a"), List.of("a"))).as("a full match is no failure").isNull();
    }

    @Test
    void debugSaysWhenEachGroupStartsAndEndsAndDumpsEverySeries() throws Exception {
        Path test = files();
        // The recording rule only: what the alerting rule writes (ALERTS) is not this test's concern.
        Files.writeString(dir.resolve("rules.yml"), RULES.substring(0, RULES.indexOf("      - alert:")));
        assertThat(testRules("--debug", "--run=first", test.toString())).isZero();
        // promtool 3 queries {__name__=~".+"}[2m1s] at 2m1s (the last eval_time rounded up to the next second):
        // the range is left-open, so the samples at 0 are not in it.
        assertThat(err()).matches("""
                DEBUG: Starting test first
                DEBUG: Dump of all data \\(input_series and rules\\) at 2m1s:
                \\{__name__="job:up:sum", job="a"\\} =>
                2 @\\[60000\\]
                3 @\\[120000\\]
                \\{__name__="up", job="a"\\} =>
                2 @\\[60000\\]
                3 @\\[120000\\]
                DEBUG: Test first finished, took [0-9.]+(ns|µs|ms|s)
                """);
    }

    @Test
    void junitWritesTheResultsAsPromtoolsJunitxml() throws Exception {
        Path test = files();
        Path report = dir.resolve("report.xml");
        Files.writeString(report, "old content that is replaced");
        assertThat(testRules("--junit=" + report, "--run=first|^$", test.toString())).isEqualTo(1);
        String xml = Files.readString(report).replaceFirst("timestamp=\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\"", "timestamp=\"T\"");
        assertThat(xml).isEqualTo("<testsuites><testsuite name=\"" + test + "\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\""
                + " timestamp=\"T\"><testcase name=\"first\"></testcase><testcase name=\"unnamed#2\"><failure>"
                + "    alertname: Always, time: 1m, &#xA;        exp:[&#xA;            0:&#xA;              Labels:{alertname=&#34;Always&#34;,"
                + " severity=&#34;page&#34;}&#xA;              Annotations:{}&#xA;            ], &#xA;        got:[&#xA;            0:&#xA;"
                + "              Labels:{alertname=&#34;Always&#34;, severity=&#34;warn&#34;}&#xA;              Annotations:{}&#xA;"
                + "            ]</failure></testcase></testsuite></testsuites>");
    }

    @Test
    void junitRecordsAFileThatCannotRunAsAnErrorOfAnUnknownCase() throws Exception {
        Path bad = dir.resolve("bad.yml");
        Files.writeString(bad, "tests: [1]\n");
        Path report = dir.resolve("report.xml");
        assertThat(testRules("--junit", report.toString(), bad.toString())).isEqualTo(1);
        assertThat(Files.readString(report)).isEqualTo("<testsuites><testsuite name=\"" + bad + "\" tests=\"1\" failures=\"0\" errors=\"1\""
                + " skipped=\"0\" timestamp=\"\"><testcase name=\"unknown\"><error>" + bad + ":1:9: a test must be a mapping</error>"
                + "</testcase></testsuite></testsuites>");
        assertThat(testRules("--junit=" + dir.resolve("absent/report.xml"), bad.toString())).isEqualTo(1);
        assertThat(err()).endsWith("promethium test rules: error: open " + dir.resolve("absent/report.xml")
                + ": no such file or directory, try --help\n");
    }

    @Test
    void ignoreUnknownFieldsAcceptsCustomKeysInTheRuleFiles() throws Exception {
        Path test = files();
        Files.writeString(dir.resolve("rules.yml"), RULES.replace("  - name: g\n", "  - name: g\n    owner: team-a\n"));
        assertThat(testRules("--run=first", test.toString())).isEqualTo(1);
        assertThat(err()).contains("owner");
        out.reset();
        err.reset();
        assertThat(testRules("--ignore-unknown-fields", "--run=first", test.toString())).isZero();
        assertThat(out()).isEqualTo("  SUCCESS\n\n");
    }

    private static final String EXPERIMENTAL = """
            groups:
              - name: g
                rules:
                  - record: sorted
                    expr: sort_by_label(up, "job")
            """;

    @Test
    void experimentalFunctionsInRuleFilesAreRefusedUnlessEnabledAsPromtoolRefusesThem() throws Exception {
        Path rules = dir.resolve("experimental.yml");
        Files.writeString(rules, EXPERIMENTAL);
        assertThat(checkRules(rules.toString())).isEqualTo(1);
        assertThat(err()).contains("function \"sort_by_label\" is not enabled");
        out.reset();
        assertThat(checkRules("--enable-feature=promql-experimental-functions", rules.toString())).isZero();
        assertThat(out()).isEqualTo("Checking " + rules + "\n  SUCCESS: 1 rules found\n\n");
        out.reset();
        // An unknown name is promtool's warning, printed without a line break before anything else.
        assertThat(checkRules("--enable-feature=promql-experimental-functions,nope", rules.toString())).isZero();
        assertThat(out()).startsWith("  WARNING: Unknown feature passed to --enable-feature: nopeChecking " + rules + "\n");
    }

    @Test
    void testRulesEvaluatesExperimentalFunctionsOnlyWhenEnabled() throws Exception {
        Files.writeString(dir.resolve("rules.yml"), EXPERIMENTAL);
        Path test = dir.resolve("test.yml");
        Files.writeString(test, """
                rule_files: [rules.yml]
                tests:
                  - input_series:
                      - series: 'up{job="b"}'
                        values: '1'
                      - series: 'up{job="a"}'
                        values: '0'
                    promql_expr_test:
                      - expr: sorted
                        exp_samples:
                          - labels: 'sorted{job="a"}'
                            value: 0
                          - labels: 'sorted{job="b"}'
                            value: 1
                """);
        assertThat(testRules(test.toString())).isEqualTo(1);
        assertThat(err()).contains("function \"sort_by_label\" is not enabled");
        out.reset();
        err.reset();
        assertThat(testRules("--enable-feature=promql-experimental-functions", test.toString())).isZero();
        assertThat(err()).isEmpty();
    }

    @Test
    void checkConfigChecksItsRuleFilesWithTheEnabledFeatures() throws Exception {
        Files.writeString(dir.resolve("experimental.yml"), EXPERIMENTAL);
        Files.writeString(dir.resolve("prometheus.yml"), "rule_files: [experimental.yml]\n");
        String config = dir.resolve("prometheus.yml").toString();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertThat(CheckConfig.run(new String[] {config}, o, e)).isEqualTo(1);
        assertThat(err()).contains("function \"sort_by_label\" is not enabled");
        out.reset();
        assertThat(CheckConfig.run(new String[] {"--enable-feature=promql-experimental-functions,nope", config}, o, e)).isZero();
        assertThat(out()).startsWith("  WARNING: Unknown feature passed to --enable-feature: nopeChecking " + config + "\n")
                .containsOnlyOnce("WARNING").contains("SUCCESS: 1 rules found");
    }

    /**
     * The Debian promtool (2.42) has the global {@code --enable-feature} too (it knows none of
     * promtool 3's names, so only an empty list means the same to both): the same output and exit code.
     */
    @Test
    void anEmptyFeatureListChangesNothingAsForTheInstalledPromtool() throws Exception {
        Path promtool = Peers.require("promtool");
        Path rules = dir.resolve("ok.yml");
        Files.writeString(rules, RULES);
        Process p = new ProcessBuilder(promtool.toString(), "--enable-feature=", "check", "rules", rules.toString()).start();
        p.getOutputStream().close();
        String pout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String perr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        int code = checkRules("--enable-feature=", rules.toString());
        assertThat(List.of(code, out(), err())).isEqualTo(List.of(p.exitValue(), pout, perr));
    }
}
