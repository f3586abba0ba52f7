package io.promethium.api.testing;

import io.promethium.api.trace.Span;
import io.promethium.api.trace.Tracer;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiConsumer;

/**
 * A test implementation of the api's {@link Tracer}, as a plugin sees the server's: spans nest
 * per thread, each ended span is kept with its attributes and error, and an injected
 * {@code traceparent} is W3C-shaped from the span's own ids. Only what the plugin (or the api's
 * helpers) does is under test with it; the server's OpenTelemetry adapter is tested in
 * kernel/tracing.
 */
public final class RecordingTracer implements Tracer {

    /** An ended span. */
    public record Recorded(String name, boolean client, String traceId, String spanId, String parentId,
                    Map<String, Object> attributes, String error, String traceparent) {
    }

    public final ConcurrentLinkedQueue<Recorded> ended = new ConcurrentLinkedQueue<>();
    private final ThreadLocal<Started> current = new ThreadLocal<>();

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public Span start(String name) {
        return new Started(name, false);
    }

    @Override
    public Span startClient(String name) {
        return new Started(name, true);
    }

    public List<Recorded> named(String name) {
        return ended.stream().filter(r -> r.name().equals(name)).toList();
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private final class Started implements Span {
        private final String name;
        private final boolean client;
        private final Started parent;
        private final String traceId;
        private final String spanId = hex(8);
        private final Map<String, Object> attributes = new LinkedHashMap<>();
        private String error;
        private String traceparent;

        Started(String name, boolean client) {
            this.name = name;
            this.client = client;
            this.parent = current.get();
            this.traceId = parent == null ? hex(16) : parent.traceId;
            current.set(this);
        }

        @Override
        public Span attribute(String key, String value) {
            attributes.put(key, value);
            return this;
        }

        @Override
        public Span attribute(String key, long value) {
            attributes.put(key, value);
            return this;
        }

        @Override
        public void error(Throwable e) {
            error = String.valueOf(e);
        }

        @Override
        public void error(String description) {
            error = description;
        }

        @Override
        public void injectContext(BiConsumer<String, String> header) {
            traceparent = "00-" + traceId + "-" + spanId + "-01";
            header.accept("traceparent", traceparent);
        }

        @Override
        public void close() {
            current.set(parent);
            ended.add(new Recorded(name, client, traceId, spanId, parent == null ? null : parent.spanId, Map.copyOf(attributes),
                    error, traceparent));
        }
    }
}
