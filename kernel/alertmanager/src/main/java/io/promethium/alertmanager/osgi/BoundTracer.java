package io.promethium.alertmanager.osgi;

import io.promethium.api.trace.Span;
import io.promethium.api.trace.Tracer;

/**
 * The Alertmanager's api {@link Tracer} service while one is bound, else {@link Tracer#NONE}:
 * notifier contexts keep this one object while the tracing bundle comes and goes. Each call costs
 * one volatile read before the bound tracer's own.
 */
final class BoundTracer implements Tracer {

    private volatile Tracer bound = Tracer.NONE;

    void bind(Tracer tracer) {
        bound = tracer;
    }

    /** Unbinds {@code tracer} unless another was bound since. */
    void unbind(Tracer tracer) {
        if (bound == tracer) {
            bound = Tracer.NONE;
        }
    }

    @Override
    public boolean enabled() {
        return bound.enabled();
    }

    @Override
    public Span start(String name) {
        return bound.start(name);
    }

    @Override
    public Span startClient(String name) {
        return bound.startClient(name);
    }
}
