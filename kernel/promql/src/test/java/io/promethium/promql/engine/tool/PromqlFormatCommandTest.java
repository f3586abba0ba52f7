package io.promethium.promql.engine.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Debian promtool (2.42) has no {@code promql format}; the expected forms are those of
 * Prometheus's prettier (its {@code printer_test.go} cases' layout: two spaces per level, a split
 * once the single line exceeds 100 bytes). The same printer is compared with the real Prometheus
 * 2.42's ({@code /api/v1/format_query}, the code promtool's command calls) on twenty long queries
 * in {@code PrometheusDifferentialIT}.
 */
class PromqlFormatCommandTest {

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new PromqlFormatCommand().run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aShortQueryIsPrintedOnOneLineNormalised() {
        assertEquals(new Result(0, "sum by (job) (rate(http_requests_total{code=~\"5..\"}[5m]))\n", ""),
                run("--experimental", "sum(rate(http_requests_total{code=~'5..'}[5m])) by (job)"));
    }

    @Test
    void aLongQueryIsSplitAtItsTopLevelStructure() {
        Result r = run("--experimental", "sum(rate(http_requests_total{job=\"api-server\",code=~\"5..\"}[5m])) by (job) "
                + "/ sum(rate(http_requests_total{job=\"api-server\"}[5m])) by (job)");
        assertEquals(new Result(0, """
                  sum by (job) (rate(http_requests_total{code=~"5..",job="api-server"}[5m]))
                /
                  sum by (job) (rate(http_requests_total{job="api-server"}[5m]))
                """, ""), r);
    }

    @Test
    void withoutExperimentalItRefusesAsPromtoolDoes() {
        assertEquals(new Result(1, "", "This command is experimental and requires the --experimental flag to be set.\n"), run("up"));
    }

    @Test
    void aParseErrorIsPrintedWithExitCode1() {
        assertEquals(new Result(1, "", "1:4: parse error: unexpected end of input inside braces\n"), run("--experimental", "up{"));
    }

    /** promtool 3 parses with its --enable-feature options; duration expressions are always on. */
    @Test
    void experimentalSyntaxNeedsItsFeatureAsInPromtool3() {
        assertEquals(new Result(1, "", "1:1: parse error: function \"sort_by_label\" is not enabled\n"),
                run("--experimental", "sort_by_label(up, \"job\")"));
        assertEquals(new Result(0, "sort_by_label(up, \"job\")\n", ""),
                run("--experimental", "--enable-feature=promql-experimental-functions", "sort_by_label(up, \"job\")"));
        assertEquals(0, run("--experimental", "rate(up[5m * 2])").code());
        // promtool warns with Printf and no line break, so the answer follows on that line.
        assertEquals(new Result(0, "  WARNING: Unknown feature passed to --enable-feature: nopeup\n", ""),
                run("--experimental", "--enable-feature=nope", "up"));
    }

    @Test
    void missingQueryIsBadUsage() {
        assertEquals(1, run("--experimental").code());
    }
}
