package io.promethium.tracing;

import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import org.osgi.annotation.versioning.ProviderType;

/** A started span; {@link #close()} ends it and restores the thread's previous current span. */
@ProviderType
public interface TraceSpan extends AutoCloseable {

    TraceSpan attribute(String key, String value);

    TraceSpan attribute(String key, long value);

    /** Since 1.1.0. */
    TraceSpan attribute(String key, double value);

    /** Marks the span failed with the error (recorded as an exception event). */
    void error(Throwable error);

    /** Marks the span failed with a description. */
    void error(String description);

    /** Writes the W3C {@code traceparent}/{@code tracestate} headers of this span, for an outgoing request. */
    void inject(BiConsumer<String, String> header);

    /** The task, run with this span as its thread's current span: work handed to another thread stays in the trace. */
    <T> Callable<T> wrap(Callable<T> task);

    @Override
    void close();

    /** Records nothing. */
    TraceSpan NONE = new TraceSpan() {
        @Override
        public TraceSpan attribute(String key, String value) {
            return this;
        }

        @Override
        public TraceSpan attribute(String key, long value) {
            return this;
        }

        @Override
        public TraceSpan attribute(String key, double value) {
            return this;
        }

        @Override
        public void error(Throwable error) {
        }

        @Override
        public void error(String description) {
        }

        @Override
        public void inject(BiConsumer<String, String> header) {
        }

        @Override
        public <T> Callable<T> wrap(Callable<T> task) {
            return task;
        }

        @Override
        public void close() {
        }
    };
}
