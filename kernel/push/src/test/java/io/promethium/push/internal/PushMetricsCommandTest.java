package io.promethium.push.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The series {@code push metrics} sends and its usage errors. The Debian promtool (2.42) has no
 * {@code push metrics}; expectations follow promtool 3's {@code fmtutil.MetricFamiliesToWriteRequest}.
 */
class PushMetricsCommandTest {

    static final String PAGE = """
            # HELP rpc_seconds RPC latency.
            # TYPE rpc_seconds summary
            rpc_seconds{quantile="0.5"} 0.1
            rpc_seconds{quantile="1"} 0.5
            rpc_seconds_sum 10
            rpc_seconds_count 20
            # TYPE req histogram
            req_bucket{job="app",le="1"} 3 1700000000000
            req_bucket{job="app",le="5"} 7 1700000000000
            req_sum{job="app"} 12 1700000000000
            req_count{job="app"} 8 1700000000000
            hits_total{path="/"} 42
            """;

    @Test
    void seriesAreFamiliesSortedWithTheirPartsAsPromtoolSendsThem() throws Exception {
        byte[] page = PAGE.getBytes(StandardCharsets.UTF_8);
        List<PushMetricsCommand.Series> got = PushMetricsCommand.series(TextBodyParser.parse(page, page.length),
                Map.of("job", "promtool"), 5);
        long t = 1_700_000_000_000L;
        assertThat(got).containsExactly(
                new PushMetricsCommand.Series(Labels.of("__name__", "hits_total", "job", "promtool", "path", "/"), 42, 5),
                new PushMetricsCommand.Series(Labels.of("__name__", "req_bucket", "exported_job", "app", "job", "promtool", "le", "1"), 3, t),
                new PushMetricsCommand.Series(Labels.of("__name__", "req_bucket", "exported_job", "app", "job", "promtool", "le", "5"), 7, t),
                new PushMetricsCommand.Series(Labels.of("__name__", "req_bucket", "exported_job", "app", "job", "promtool", "le", "+Inf"), 8, t),
                new PushMetricsCommand.Series(Labels.of("__name__", "req_sum", "exported_job", "app", "job", "promtool"), 12, t),
                new PushMetricsCommand.Series(Labels.of("__name__", "req_count", "exported_job", "app", "job", "promtool"), 8, t),
                new PushMetricsCommand.Series(Labels.of("__name__", "rpc_seconds", "job", "promtool", "quantile", "0.5"), 0.1, 5),
                new PushMetricsCommand.Series(Labels.of("__name__", "rpc_seconds", "job", "promtool", "quantile", "1"), 0.5, 5),
                new PushMetricsCommand.Series(Labels.of("__name__", "rpc_seconds_sum", "job", "promtool"), 10, 5),
                new PushMetricsCommand.Series(Labels.of("__name__", "rpc_seconds_count", "job", "promtool"), 20, 5));
    }

    @Test
    void flagsAsPromtools() throws Exception {
        PushMetricsCommand.Options o = PushMetricsCommand.parse(List.of("--label=a=b", "--label", "c=d", "--timeout=5s",
                "--header=X-Scope-OrgID=t1", "http://127.0.0.1:9090", "f.prom"));
        assertThat(o.labels()).isEqualTo(Map.of("a", "b", "c", "d"));
        assertThat(o.headers()).isEqualTo(Map.of("X-Scope-OrgID", "t1"));
        assertThat(o.timeout()).hasSeconds(5);
        assertThat(o.files()).containsExactly("f.prom");
        assertThat(PushMetricsCommand.parse(List.of("http://h:1")).labels()).as("the default label").isEqualTo(Map.of("job", "promtool"));
        assertThat(PushMetricsCommand.joinPath("/", "/api/v1/write")).isEqualTo("/api/v1/write");
        assertThat(PushMetricsCommand.joinPath("/prefix/", "api/v1/write")).isEqualTo("/prefix/api/v1/write");
    }

    @Test
    void badUsageAndUnreadablePagesFail() throws Exception {
        assertThat(run("--label=nokey", "http://127.0.0.1:1")).isEqualTo(new Result(1, "",
                "promethium push metrics: error: expected KEY=VALUE got 'nokey', try --help\n"));
        assertThat(run()).isEqualTo(new Result(1, "",
                "promethium push metrics: error: required argument 'remote-write-url' not provided, try --help\n"));
        assertThat(run("--protobuf_message=x", "http://127.0.0.1:1")).isEqualTo(new Result(1, "",
                "  FAILED: invalid protobuf message \"x\", must be prometheus.WriteRequest or io.prometheus.write.v2.Request\n"));
        assertThat(run("http://127.0.0.1:1", "/nonexistent.prom")).isEqualTo(new Result(1, "",
                "  FAILED: open /nonexistent.prom: no such file or directory\n"));
    }

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new PushMetricsCommand().run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
