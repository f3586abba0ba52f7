package io.promethium.web.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.Span;
import io.promethium.api.storage.Storage;
import io.promethium.config.http.KernelHttpClientFactory;
import io.promethium.promql.engine.EngineOptions;
import io.promethium.promql.engine.QueryEngine;
import io.promethium.tracing.Tracer;
import io.promethium.tracing.Tracing;
import io.promethium.tracing.TracingSettings;
import io.promethium.tracing.internal.TracingManager;
import io.promethium.tracing.testing.OtlpStandIn;
import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbOptions;
import io.promethium.web.internal.metrics.HttpMetrics;
import io.promethium.web.internal.query.QueryResource;
import io.promethium.web.internal.routes.RouteTable;
import io.promethium.web.internal.routes.RoutesHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web server's spans, sent by the tracing bundle's manager to a loopback OTLP/HTTP stand-in
 * receiver (shaped per the OTLP specification; no collector is packaged): a span per request
 * named {@code METHOD /path} continuing the caller's W3C trace, a {@code promqlInstantQuery} child
 * per query with the engine's {@code promqlExec} under it, nothing with tracing off.
 */
class TracedRequestsTest {

    @TempDir
    Path dir;

    @Test
    void anApiQueryRequestSendsItsRequestSpanAndQuerySpan() throws Exception {
        try (OtlpStandIn receiver = OtlpStandIn.http(); TracingManager tracing = new TracingManager("test");
             Tsdb tsdb = Tsdb.open(TsdbOptions.defaults(dir.resolve("data")))) {
            Tracer tracer = tracing.tracer(Tracing.PROMETHEUS);
            HttpServer server = start(tsdb, () -> tracer);
            try {
                // Off until the config's section is applied: requests are served, nothing is sent.
                assertThat(get(server, "/api/v1/query?query=1%2B1", null).statusCode()).isEqualTo(200);
                tracing.apply(Tracing.PROMETHEUS, new TracingSettings("http", receiver.endpoint(), 1, true, null, Map.of(), "", null),
                        new KernelHttpClientFactory(), null);
                String traceId = "0af7651916cd43dd8448eb211c80319c";
                HttpResponse<String> answer = get(server, "/api/v1/query?query=vector(2)", "00-" + traceId + "-b7ad6b7169203331-01");
                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(answer.body()).contains("\"2\"");
                assertThat(get(server, "/api/v1/nothing-here", null).statusCode()).isEqualTo(404);
            } finally {
                // A request's span ends after its answer is written: stopped first, the server has
                // ended every span before the tracing is turned off (which flushes them).
                server.stop();
            }
            tracing.apply(Tracing.PROMETHEUS, null, new KernelHttpClientFactory(), null);
            List<Span> spans = receiver.spans();
            assertThat(spans).extracting(Span::getName)
                    .contains("GET /api/v1/query", "promqlInstantQuery", "promqlExec", "promqlEval", "GET /api/v1/nothing-here")
                    .containsOnlyOnce("GET /api/v1/query", "promqlInstantQuery", "promqlExec");
            Span request = spans.stream().filter(s -> s.getName().equals("GET /api/v1/query")).findFirst().orElseThrow();
            Span query = spans.stream().filter(s -> s.getName().equals("promqlInstantQuery")).findFirst().orElseThrow();
            Span exec = spans.stream().filter(s -> s.getName().equals("promqlExec")).findFirst().orElseThrow();
            assertThat(HexFormat.of().formatHex(request.getTraceId().toByteArray())).isEqualTo("0af7651916cd43dd8448eb211c80319c");
            assertThat(query.getParentSpanId()).isEqualTo(request.getSpanId());
            assertThat(exec.getParentSpanId()).isEqualTo(query.getSpanId());
            // As Prometheus: the API's span has the parameters, then the engine's statement replaces the query text.
            assertThat(query.getAttributesList()).anySatisfy(kv -> {
                assertThat(kv.getKey()).isEqualTo("query");
                assertThat(kv.getValue().getStringValue()).isEqualTo("EVAL vector(2)");
            }).anySatisfy(kv -> {
                assertThat(kv.getKey()).isEqualTo("result_series");
                assertThat(kv.getValue().getIntValue()).isEqualTo(1);
            });
            assertThat(request.getAttributesList()).anySatisfy(kv -> {
                assertThat(kv.getKey()).isEqualTo("http.response.status_code");
                assertThat(kv.getValue().getIntValue()).isEqualTo(200);
            });
        }
    }

    private static HttpServer start(Storage storage, Supplier<Tracer> tracer) throws Exception {
        RouteTable routes = new RouteTable();
        QueryEngine engine = QueryEngine.create(EngineOptions.DEFAULTS, tracer.get());
        new QueryResource(() -> engine, () -> storage, Clock.systemUTC(), tracer).routes(1 << 16, false).forEach(routes::addBuiltIn);
        HttpServer server = new HttpServer("127.0.0.1:0", new RoutesHandler(routes, new HttpMetrics(), null, "/", tracer),
                WebConfigFile.NONE, 30_000, 8, "/");
        server.start();
        return server;
    }

    private static HttpResponse<String> get(HttpServer server, String path, String traceparent) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(10));
        if (traceparent != null) {
            b.header("traceparent", traceparent);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
