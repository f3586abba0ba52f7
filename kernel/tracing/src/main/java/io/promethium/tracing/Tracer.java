package io.promethium.tracing;

import java.util.function.UnaryOperator;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Starts spans of one service. A started span is the thread's current span until it is closed,
 * so spans started meanwhile on the same thread become its children; close it on that thread
 * (try-with-resources). When tracing is off every method returns {@link TraceSpan#NONE}.
 */
@ProviderType
public interface Tracer {

    /** Whether spans are being recorded; lets a caller skip building attributes. */
    boolean enabled();

    /** An internal span, child of the thread's current span (or a new trace). */
    TraceSpan start(String name);

    /**
     * An internal span that began at {@code startEpochMillis} (a scheduled time: a rule group's
     * evaluation starts at its slot, so a late start shows). Since 1.1.0.
     */
    TraceSpan start(String name, long startEpochMillis);

    /**
     * The thread's current span, to add attributes to a caller's span (the PromQL engine puts
     * {@code query} on the span it was called in, as Prometheus's does); {@link TraceSpan#NONE}
     * without one. Closing it does nothing: its owner ends it. Since 1.1.0.
     */
    TraceSpan current();

    /**
     * A server span for an incoming request, child of the remote span its W3C
     * {@code traceparent}/{@code tracestate} headers name (or a new trace); inside a span of
     * another service on this thread (an in-process service's route under the web server's
     * span), a child of that span.
     *
     * @param header the request's header of a name, or null
     */
    TraceSpan startServer(String name, UnaryOperator<String> header);

    /** A client span for an outgoing call (a notification, a remote write). */
    TraceSpan startClient(String name);

    /** Traces nothing. */
    Tracer NONE = new Tracer() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public TraceSpan start(String name) {
            return TraceSpan.NONE;
        }

        @Override
        public TraceSpan start(String name, long startEpochMillis) {
            return TraceSpan.NONE;
        }

        @Override
        public TraceSpan current() {
            return TraceSpan.NONE;
        }

        @Override
        public TraceSpan startServer(String name, UnaryOperator<String> header) {
            return TraceSpan.NONE;
        }

        @Override
        public TraceSpan startClient(String name) {
            return TraceSpan.NONE;
        }
    };
}
