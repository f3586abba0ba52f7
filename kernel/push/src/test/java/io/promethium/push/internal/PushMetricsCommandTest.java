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

    /**
     * A refused connection, a receiver that never answers and HTTP error statuses, worded as
     * promtool 3 prints them (client_golang's remote API: {@code Client.Do}'s *url.Error, retried
     * like a 5xx or 429; {@code server returned HTTP status 400 Bad Request: <body>}), against a
     * loopback stand-in of a remote-write receiver that answers a fixed status and counts the
     * attempts. The backoff is 1 ms here (1 s to 10 s in the tool).
     */
    @Test
    void failedRequestsAreWordedAsPromtool3AndRetriedAsClientGolang(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path page = java.nio.file.Files.writeString(dir.resolve("page.prom"), "up 1\n");
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        String refusedUrl = "http://127.0.0.1:" + closed;
        assertThat(runFast(refusedUrl, page.toString())).isEqualTo(new Result(1, "Parsing metrics file " + page + "\n",
                "  FAILED: Post \"" + refusedUrl + "/api/v1/write\": dial tcp 127.0.0.1:" + closed + ": connect: connection refused\n"));
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            String silentUrl = "http://127.0.0.1:" + silent.getLocalPort();
            assertThat(runFast("--timeout=50ms", silentUrl, page.toString()).err()).isEqualTo("  FAILED: Post \"" + silentUrl
                    + "/api/v1/write\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)\n");
        }
        java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        int[] status = {400};
        com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            attempts.incrementAndGet();
            byte[] body = "out of order sample\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status[0], body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        receiver.start();
        try {
            String url = "http://127.0.0.1:" + receiver.getAddress().getPort();
            assertThat(runFast(url, page.toString()).err())
                    .isEqualTo("  FAILED: server returned HTTP status 400 Bad Request: out of order sample\n\n");
            assertThat(attempts.get()).as("a 4xx is not retried").isEqualTo(1);
            status[0] = 503;
            attempts.set(0);
            assertThat(runFast(url, page.toString()).err())
                    .isEqualTo("  FAILED: server returned HTTP status 503 Service Unavailable: out of order sample\n\n");
            assertThat(attempts.get()).as("a 5xx is tried once and retried 10 times").isEqualTo(11);
        } finally {
            receiver.stop(0);
        }
    }

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) throws Exception {
        return run(new PushMetricsCommand(), args);
    }

    private static Result runFast(String... args) throws Exception {
        return run(new PushMetricsCommand(1, 1), args);
    }

    private static Result run(PushMetricsCommand command, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = command.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
