package io.promethium.tracing.internal;

import io.promethium.api.trace.Span;
import io.promethium.tracing.TraceSpan;
import io.promethium.tracing.Tracer;
import java.util.function.BiConsumer;

/**
 * A kernel {@link Tracer} offered to plugins as the api's {@link io.promethium.api.trace.Tracer}:
 * the same spans (same provider, same current-span context), so a plugin's span is a child of the
 * kernel's span on its thread and the reverse. Off, it hands out {@link Span#NONE} after the
 * kernel tracer's one volatile read.
 */
final class ApiTracer implements io.promethium.api.trace.Tracer {

    private final Tracer tracer;

    ApiTracer(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public boolean enabled() {
        return tracer.enabled();
    }

    @Override
    public Span start(String name) {
        return wrap(tracer.start(name));
    }

    @Override
    public Span startClient(String name) {
        return wrap(tracer.startClient(name));
    }

    private static Span wrap(TraceSpan span) {
        return span == TraceSpan.NONE ? Span.NONE : new ApiSpan(span);
    }

    private record ApiSpan(TraceSpan span) implements Span {
        @Override
        public Span attribute(String key, String value) {
            span.attribute(key, value);
            return this;
        }

        @Override
        public Span attribute(String key, long value) {
            span.attribute(key, value);
            return this;
        }

        @Override
        public void error(Throwable error) {
            span.error(error);
        }

        @Override
        public void error(String description) {
            span.error(description);
        }

        @Override
        public void injectContext(BiConsumer<String, String> header) {
            span.inject(header);
        }

        @Override
        public void close() {
            span.close();
        }
    }
}
