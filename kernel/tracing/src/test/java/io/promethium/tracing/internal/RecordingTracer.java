package io.promethium.tracing.internal;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.promethium.tracing.Tracer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * For other bundles' tests: the tracing bundle's tracer over an OpenTelemetry SDK provider that
 * samples everything and keeps each ended span in memory (exported as it ends), so a test can
 * assert names, parents and attributes without a receiver.
 */
public final class RecordingTracer implements AutoCloseable {

    private final List<SpanData> spans = new ArrayList<>();
    private final SdkTracerProvider provider;
    private final OtelTracer tracer = new OtelTracer();

    public RecordingTracer() {
        SpanExporter memory = new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> batch) {
                synchronized (spans) {
                    spans.addAll(batch);
                }
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        };
        provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(memory)).build();
        tracer.install(provider.get("test"));
    }

    /** The tracer; off (every span {@code NONE}) after {@link #off()}. */
    public Tracer tracer() {
        return tracer;
    }

    /** Turns tracing off, as a config without {@code tracing:} does. */
    public void off() {
        tracer.install(null);
    }

    /** The ended spans, in the order they ended. */
    public List<SpanData> spans() {
        synchronized (spans) {
            return List.copyOf(spans);
        }
    }

    /** The one ended span of that name. */
    public SpanData span(String name) {
        List<SpanData> named = spans().stream().filter(s -> s.getName().equals(name)).toList();
        if (named.size() != 1) {
            throw new AssertionError("expected one span " + name + ", got " + named.size() + " of " + names());
        }
        return named.get(0);
    }

    /** The ended spans of that name. */
    public List<SpanData> spans(String name) {
        return spans().stream().filter(s -> s.getName().equals(name)).toList();
    }

    /** The span that is {@code span}'s parent, if it ended. */
    public Optional<SpanData> parent(SpanData span) {
        return spans().stream().filter(s -> s.getSpanId().equals(span.getParentSpanId())).findFirst();
    }

    public List<String> names() {
        return spans().stream().map(SpanData::getName).toList();
    }

    @Override
    public void close() {
        provider.shutdown();
    }
}
