package io.promethium.tracing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.promethium.api.trace.Span;
import io.promethium.tracing.TraceSpan;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The api's tracer, as plugins get it, records real SDK spans in the kernel's traces. */
class ApiTracerTest {

    private final RecordingTracer recording = new RecordingTracer();
    private final io.promethium.api.trace.Tracer tracer = new ApiTracer(recording.tracer());

    @AfterEach
    void close() {
        recording.close();
    }

    @Test
    void aPluginsSpansNestUnderTheKernelsAndTheInjectedTraceparentNamesTheClientSpan() {
        Map<String, String> headers = new LinkedHashMap<>();
        try (TraceSpan kernel = recording.tracer().start("rule group")) {
            try (Span batch = tracer.start("Remote Send Batch").attribute("samples", 100).attribute("remote_name", "r1")) {
                try (Span store = tracer.startClient("Remote Store")) {
                    store.injectContext(headers::put);
                    store.error("server returned HTTP status 503");
                }
            }
        }
        SpanData kernel = recording.span("rule group");
        SpanData batch = recording.span("Remote Send Batch");
        SpanData store = recording.span("Remote Store");
        assertThat(batch.getParentSpanId()).isEqualTo(kernel.getSpanId());
        assertThat(batch.getTraceId()).isEqualTo(kernel.getTraceId());
        assertThat(batch.getKind()).isEqualTo(SpanKind.INTERNAL);
        assertThat(batch.getAttributes().get(AttributeKey.longKey("samples"))).isEqualTo(100L);
        assertThat(batch.getAttributes().get(AttributeKey.stringKey("remote_name"))).isEqualTo("r1");
        assertThat(store.getParentSpanId()).isEqualTo(batch.getSpanId());
        assertThat(store.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(store.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(store.getStatus().getDescription()).isEqualTo("server returned HTTP status 503");
        assertThat(headers).containsEntry("traceparent", "00-" + store.getTraceId() + "-" + store.getSpanId() + "-"
                + store.getSpanContext().getTraceFlags().asHex());
    }

    @Test
    void anErrorIsRecordedAsAnExceptionEvent() {
        try (Span span = tracer.start("Remote Send Batch")) {
            span.error(new java.io.IOException("connection refused"));
        }
        SpanData batch = recording.span("Remote Send Batch");
        assertThat(batch.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(batch.getEvents()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("exception"));
    }

    @Test
    void offItHandsOutTheNoOpSpanAndInjectsNothing() {
        recording.off();
        Map<String, String> headers = new LinkedHashMap<>();
        assertThat(tracer.enabled()).isFalse();
        try (Span span = tracer.startClient("Remote Store")) {
            assertThat(span).isSameAs(Span.NONE);
            span.injectContext(headers::put);
        }
        assertThat(headers).isEmpty();
        assertThat(recording.spans()).isEmpty();
    }
}
