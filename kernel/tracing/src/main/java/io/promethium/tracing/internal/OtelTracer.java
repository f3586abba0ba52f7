package io.promethium.tracing.internal;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.promethium.tracing.TraceSpan;
import io.promethium.tracing.Tracer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** A service's tracer: the current SDK tracer, or none (then every span is {@link TraceSpan#NONE}: one volatile read, no allocation). */
final class OtelTracer implements Tracer {

    private static final TextMapGetter<UnaryOperator<String>> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(UnaryOperator<String> carrier) {
            return List.of();
        }

        @Override
        public String get(UnaryOperator<String> carrier, String key) {
            return carrier == null ? null : carrier.apply(key);
        }
    };

    private volatile io.opentelemetry.api.trace.Tracer delegate;

    void install(io.opentelemetry.api.trace.Tracer tracer) {
        delegate = tracer;
    }

    @Override
    public boolean enabled() {
        return delegate != null;
    }

    @Override
    public TraceSpan start(String name) {
        io.opentelemetry.api.trace.Tracer t = delegate;
        return t == null ? TraceSpan.NONE : OtelSpan.started(t.spanBuilder(name).setSpanKind(SpanKind.INTERNAL).startSpan());
    }

    @Override
    public TraceSpan start(String name, long startEpochMillis) {
        io.opentelemetry.api.trace.Tracer t = delegate;
        return t == null ? TraceSpan.NONE : OtelSpan.started(t.spanBuilder(name).setSpanKind(SpanKind.INTERNAL)
                .setStartTimestamp(startEpochMillis, TimeUnit.MILLISECONDS).startSpan());
    }

    @Override
    public TraceSpan current() {
        if (delegate == null) {
            return TraceSpan.NONE;
        }
        Span span = Span.current();
        return span.getSpanContext().isValid() ? OtelSpan.borrowed(span) : TraceSpan.NONE;
    }

    @Override
    public TraceSpan startServer(String name, UnaryOperator<String> header) {
        io.opentelemetry.api.trace.Tracer t = delegate;
        if (t == null) {
            return TraceSpan.NONE;
        }
        // Inside another service's span (the in-process Alertmanager's API under the web server's span): its child.
        Context parent = Span.current().getSpanContext().isValid() ? Context.current()
                : W3CTraceContextPropagator.getInstance().extract(Context.root(), header, HEADERS);
        Span span = t.spanBuilder(name).setParent(parent).setSpanKind(SpanKind.SERVER).startSpan();
        return OtelSpan.started(span);
    }

    @Override
    public TraceSpan startClient(String name) {
        io.opentelemetry.api.trace.Tracer t = delegate;
        return t == null ? TraceSpan.NONE : OtelSpan.started(t.spanBuilder(name).setSpanKind(SpanKind.CLIENT).startSpan());
    }
}
