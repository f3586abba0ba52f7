package io.promethium.promql.engine.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promethium.api.tool.Tool;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Debian promtool (2.42) has no {@code promql label-matchers}; the expected outputs follow
 * Prometheus 3's {@code labelsSetPromQL}/{@code labelsDeletePromQL} in {@code cmd/promtool/main.go}
 * (edit every vector selector, print {@code expr.Pretty(0)}) and its documented flags.
 */
class PromqlLabelMatchersCommandTest {

    record Result(int code, String out, String err) {
    }

    static Result run(Tool tool, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = tool.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Result set(String... args) throws Exception {
        return run(new PromqlLabelMatchersSetCommand(), args);
    }

    static Result delete(String... args) throws Exception {
        return run(new PromqlLabelMatchersDeleteCommand(), args);
    }

    @Test
    void setReplacesOrAddsTheMatcherInEverySelector() throws Exception {
        assertEquals(new Result(0, "sum(rate(http_requests_total{job=\"api\"}[5m])) / up{job=\"api\"}\n", ""),
                set("--experimental", "sum(rate(http_requests_total{job=\"web\"}[5m])) / up", "job", "api"));
        assertEquals(new Result(0, "max_over_time(up{env!~\"dev|test\",job=\"a\"}[5m:1m])\n", ""),
                set("--experimental", "-t", "!~", "max_over_time(up{job='a',env='x'}[5m:1m])", "env", "dev|test"));
        assertEquals(new Result(0, "up{instance=~\"a.*\"}\n", ""), set("--experimental", "--type==~", "up", "instance", "a.*"));
        assertEquals(new Result(0, "up{instance!=\"a\"}\n", ""), set("up", "instance", "a", "-t!=", "--experimental"));
    }

    @Test
    void settingTheNameKeepsTheNameWrittenOutside() throws Exception {
        assertEquals(new Result(0, "foo{__name__=\"bar\"}\n", ""), set("--experimental", "foo", "__name__", "bar"));
    }

    @Test
    void deleteRemovesTheMatcherFromEverySelector() throws Exception {
        assertEquals(new Result(0, "rate(a{x=\"1\"}[1m]) + b\n", ""),
                delete("--experimental", "rate(a{job=\"j\",x=\"1\"}[1m]) + b{job=~\".+\"}", "job"));
        assertEquals(new Result(0, "up\n", ""), delete("--experimental", "up", "job"));
    }

    @Test
    void deleteSkipsTheMatcherAfterARemovedOneAsPromtoolsLoopDoes() throws Exception {
        assertEquals(new Result(0, "foo{a=\"2\"}\n", ""), delete("--experimental", "foo{a=\"1\",a=\"2\"}", "a"));
        Result crash = delete("--experimental", "{a=\"1\",a=\"2\"}", "a");
        assertEquals(1, crash.code());
        assertEquals("cannot delete a: promtool fails on this query (slice bounds out of range [2:1])\n", crash.err());
    }

    @Test
    void usageErrorsAndTheExperimentalFlagAsPromtool() throws Exception {
        assertEquals(new Result(1, "", "This command is experimental and requires the --experimental flag to be set.\n"),
                set("up", "a", "b"));
        assertEquals(new Result(1, "", "promethium promql label-matchers set: error: enum value must be one of =,!=,=~,!~, "
                + "got '==', try --help\n"), set("--experimental", "-t", "==", "up", "a", "b"));
        assertEquals(new Result(1, "", "promethium promql label-matchers delete: error: required argument 'name' not provided, "
                + "try --help\n"), delete("--experimental", "up"));
        assertEquals(new Result(1, "", "promethium promql label-matchers delete: error: unknown short flag '-t', try --help\n"),
                delete("--experimental", "-t", "=", "up", "a"));
        assertEquals(new Result(0, "up{a=\"-1\"}\n", ""), set("--experimental", "--", "up", "a", "-1"));
    }

    @Test
    void aQueryThatDoesNotParseOrABadRegexFails() throws Exception {
        assertEquals(1, set("--experimental", "sum(", "a", "b").code());
        assertEquals(1, set("--experimental", "-t", "=~", "up", "a", "(").code());
    }
}
