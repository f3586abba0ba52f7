package io.promethium.api.trace;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Starts spans of one traced service; the server registers one per service with the property
 * {@link #SERVICE_PROPERTY}. A started span is its thread's current span until it is closed, so
 * spans started meanwhile on that thread become its children: start and close it on one thread
 * (try-with-resources). Thread-safe. With tracing off every method returns {@link Span#NONE}.
 */
@ProviderType
public interface Tracer {

    /** The service property naming the traced service: {@link #PROMETHEUS} or {@link #ALERTMANAGER}. */
    String SERVICE_PROPERTY = "promethium.trace.service";

    /** Prometheus's spans ({@code service.name} {@code prometheus}): storage, remote write, rules. */
    String PROMETHEUS = "prometheus";

    /** Alertmanager's spans ({@code service.name} {@code alertmanager}): notifications. */
    String ALERTMANAGER = "alertmanager";

    /** Whether spans are recorded now; lets a caller skip computing attributes. */
    boolean enabled();

    /** An internal span, child of the thread's current span (or the root of a new trace). */
    Span start(String name);

    /** A client span for an outgoing call, child of the thread's current span. */
    Span startClient(String name);

    /** Traces nothing: what a plugin uses while no tracer is bound. */
    Tracer NONE = new Tracer() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public Span start(String name) {
            return Span.NONE;
        }

        @Override
        public Span startClient(String name) {
            return Span.NONE;
        }
    };
}
