package io.promethium.tracing.internal;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.promethium.tracing.TraceSpan;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;

/** An SDK span, current on its thread from start to {@link #close()}. */
final class OtelSpan implements TraceSpan {

    private final Span span;
    /** Null for a caller's span handed out by {@code Tracer.current()}: its owner ends it. */
    private final Scope scope;

    private OtelSpan(Span span, Scope scope) {
        this.span = span;
        this.scope = scope;
    }

    static TraceSpan started(Span span) {
        return new OtelSpan(span, span.makeCurrent());
    }

    /** A span someone else started and ends: attributes only. */
    static TraceSpan borrowed(Span span) {
        return new OtelSpan(span, null);
    }

    @Override
    public TraceSpan attribute(String key, String value) {
        span.setAttribute(key, value);
        return this;
    }

    @Override
    public TraceSpan attribute(String key, long value) {
        span.setAttribute(key, value);
        return this;
    }

    @Override
    public TraceSpan attribute(String key, double value) {
        span.setAttribute(key, value);
        return this;
    }

    @Override
    public void error(Throwable error) {
        span.recordException(error);
        span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
    }

    @Override
    public void error(String description) {
        span.setStatus(StatusCode.ERROR, description);
    }

    @Override
    public void inject(BiConsumer<String, String> header) {
        W3CTraceContextPropagator.getInstance().inject(Context.current().with(span), header,
                (carrier, key, value) -> carrier.accept(key, value));
    }

    @Override
    public <T> Callable<T> wrap(Callable<T> task) {
        return Context.current().with(span).wrap(task);
    }

    @Override
    public void close() {
        if (scope == null) {
            return;
        }
        scope.close();
        span.end();
    }
}
