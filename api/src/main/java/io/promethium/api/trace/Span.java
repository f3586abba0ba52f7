package io.promethium.api.trace;

import java.util.function.BiConsumer;
import org.osgi.annotation.versioning.ProviderType;

/** A started span; {@link #close()} ends it and makes the thread's previous span current again. */
@ProviderType
public interface Span extends AutoCloseable {

    Span attribute(String key, String value);

    Span attribute(String key, long value);

    /** Marks the span failed with the error, recorded as an exception event. */
    void error(Throwable error);

    /** Marks the span failed with a description (an HTTP status and the receiver's answer). */
    void error(String description);

    /**
     * Writes this span's W3C trace context ({@code traceparent}, and {@code tracestate} when there is
     * one) as headers of an outgoing request, so the receiver's spans join the trace (an unsampled
     * trace is propagated as unsampled); {@link #NONE} writes nothing.
     */
    void injectContext(BiConsumer<String, String> header);

    @Override
    void close();

    /** Records nothing. */
    Span NONE = new Span() {
        @Override
        public Span attribute(String key, String value) {
            return this;
        }

        @Override
        public Span attribute(String key, long value) {
            return this;
        }

        @Override
        public void error(Throwable error) {
        }

        @Override
        public void error(String description) {
        }

        @Override
        public void injectContext(BiConsumer<String, String> header) {
        }

        @Override
        public void close() {
        }
    };
}
