package io.promethium.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.Span;
import io.promethium.config.http.KernelHttpClientFactory;
import io.promethium.tracing.internal.TracingManager;
import io.promethium.tracing.testing.OtlpStandIn;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The provider lifecycle and what reaches an OTLP receiver (the loopback stand-in: no collector is packaged). */
class TracingManagerTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT_ID = "00f067aa0ba902b7";

    private static TracingSettings settings(String clientType, String endpoint, double fraction, Map<String, String> headers,
                                            String compression) {
        return new TracingSettings(clientType, endpoint, fraction, true, null, headers, compression, Duration.ofSeconds(5));
    }

    private static TracingManager manager() {
        return new TracingManager("1.2.3");
    }

    private static void apply(TracingManager m, TracingSettings s) throws Exception {
        m.apply(Tracing.PROMETHEUS, s, new KernelHttpClientFactory(), null);
    }

    @Test
    void aRequestAndItsQueryArriveOverOtlpHttpGzippedWithHeadersAndTheServiceResource() throws Exception {
        try (OtlpStandIn receiver = OtlpStandIn.http(); TracingManager m = manager()) {
            apply(m, settings("http", receiver.endpoint(), 1, Map.of("X-Scope-OrgID", "team-a"), "gzip"));
            Tracer tracer = m.tracer(Tracing.PROMETHEUS);
            assertThat(tracer.enabled()).isTrue();
            String traceparent = "00-" + TRACE_ID + "-" + PARENT_ID + "-01";
            try (TraceSpan request = tracer.startServer("GET /api/v1/query", h -> h.equals("traceparent") ? traceparent : null)) {
                try (TraceSpan query = tracer.start("promqlExec")) {
                    query.attribute("query", "up");
                }
            }
            apply(m, null); // flushes and stops, as a reload without the section does
            List<Span> spans = receiver.spans();
            assertThat(spans).extracting(Span::getName).containsExactlyInAnyOrder("GET /api/v1/query", "promqlExec");
            Span server = spans.stream().filter(s -> s.getName().startsWith("GET")).findFirst().orElseThrow();
            Span query = spans.stream().filter(s -> s.getName().equals("promqlExec")).findFirst().orElseThrow();
            // W3C trace context: the request continues the caller's trace, the query is the request's child.
            assertThat(HexFormat.of().formatHex(server.getTraceId().toByteArray())).isEqualTo(TRACE_ID);
            assertThat(HexFormat.of().formatHex(server.getParentSpanId().toByteArray())).isEqualTo(PARENT_ID);
            assertThat(server.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
            assertThat(query.getTraceId()).isEqualTo(server.getTraceId());
            assertThat(query.getParentSpanId()).isEqualTo(server.getSpanId());
            OtlpStandIn.Export export = receiver.exports().get(0);
            assertThat(export.headers()).containsEntry("x-scope-orgid", "team-a").containsEntry("content-encoding", "gzip");
            assertThat(export.resource("service.name")).isEqualTo("prometheus");
            assertThat(export.resource("service.version")).isEqualTo("1.2.3");
        }
    }

    @Test
    void samplingFractionZeroSendsNoNewTraceButFollowsASampledParent() throws Exception {
        try (OtlpStandIn receiver = OtlpStandIn.http(); TracingManager m = manager()) {
            apply(m, settings("http", receiver.endpoint(), 0, Map.of(), ""));
            Tracer tracer = m.tracer(Tracing.PROMETHEUS);
            for (int i = 0; i < 20; i++) {
                try (TraceSpan span = tracer.startServer("GET /api/v1/query", h -> null)) {
                    span.attribute("i", i);
                }
            }
            String sampledParent = "00-" + TRACE_ID + "-" + PARENT_ID + "-01";
            try (TraceSpan span = tracer.startServer("GET /api/v1/labels", h -> h.equals("traceparent") ? sampledParent : null)) {
                span.attribute("parent", "sampled");
            }
            apply(m, null);
            // Parent-based, as Prometheus: only the span whose caller sampled its trace is sent.
            assertThat(receiver.spans()).extracting(Span::getName).containsExactly("GET /api/v1/labels");
        }
    }

    @Test
    void aChangedConfigReplacesTheProviderAndRemovingTheSectionStopsSending() throws Exception {
        try (OtlpStandIn first = OtlpStandIn.http(); OtlpStandIn second = OtlpStandIn.http(); TracingManager m = manager()) {
            apply(m, settings("http", first.endpoint(), 1, Map.of(), ""));
            Tracer tracer = m.tracer(Tracing.PROMETHEUS);
            tracer.start("before").close();
            apply(m, settings("http", second.endpoint(), 1, Map.of(), ""));
            // The tracer handed out before the reload follows the new provider; the old one flushed on its way out.
            tracer.start("after").close();
            assertThat(first.spans()).extracting(Span::getName).containsExactly("before");
            apply(m, null);
            assertThat(second.spans()).extracting(Span::getName).containsExactly("after");
            assertThat(tracer.enabled()).isFalse();
            assertThat(tracer.start("off")).isSameAs(TraceSpan.NONE);
            assertThat(m.tracer(Tracing.ALERTMANAGER).enabled()).isFalse();
        }
    }

    @Test
    void eachServiceHasItsOwnProviderAndServiceName() throws Exception {
        try (OtlpStandIn receiver = OtlpStandIn.http(); TracingManager m = manager()) {
            m.apply(Tracing.ALERTMANAGER, settings("http", receiver.endpoint(), 1, Map.of(), ""), new KernelHttpClientFactory(), null);
            assertThat(m.tracer(Tracing.PROMETHEUS).enabled()).isFalse();
            m.tracer(Tracing.ALERTMANAGER).start("dispatch.AggregationGroup.flush").close();
            m.close();
            assertThat(receiver.exports()).singleElement().satisfies(e -> assertThat(e.resource("service.name")).isEqualTo("alertmanager"));
        }
    }

    @Test
    void theGrpcClientTypeExportsOverOtlpGrpc() throws Exception {
        try (OtlpStandIn receiver = OtlpStandIn.grpc(); TracingManager m = manager()) {
            apply(m, settings("grpc", receiver.endpoint(), 1, Map.of("X-Tenant", "t1"), "gzip"));
            m.tracer(Tracing.PROMETHEUS).startClient("Remote Store").close();
            apply(m, null);
            assertThat(receiver.spans()).extracting(Span::getName).containsExactly("Remote Store");
            assertThat(receiver.exports().get(0).headers()).containsEntry("x-tenant", "t1").containsEntry("grpc-encoding", "gzip");
        }
    }

    @Test
    void aSpanWrappedForAnotherThreadStaysInTheTrace() throws Exception {
        try (OtlpStandIn receiver = OtlpStandIn.http(); TracingManager m = manager()) {
            apply(m, settings("http", receiver.endpoint(), 1, Map.of(), ""));
            Tracer tracer = m.tracer(Tracing.PROMETHEUS);
            try (TraceSpan flush = tracer.start("flush"); var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                executor.submit(flush.wrap(() -> {
                    tracer.start("notify").close();
                    return null;
                })).get();
            }
            apply(m, null);
            Span flush = receiver.spans().stream().filter(s -> s.getName().equals("flush")).findFirst().orElseThrow();
            Span notify = receiver.spans().stream().filter(s -> s.getName().equals("notify")).findFirst().orElseThrow();
            assertThat(notify.getParentSpanId()).isEqualTo(flush.getSpanId());
        }
    }
}
