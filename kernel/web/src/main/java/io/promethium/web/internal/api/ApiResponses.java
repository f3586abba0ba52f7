package io.promethium.web.internal.api;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.IOException;

/**
 * Writes API responses as Prometheus's envelope ({@code {"status":"success","data":...}}),
 * streamed through Jackson's generator so that no tree is built for large results.
 */
public final class ApiResponses {

    /**
     * Jackson's default keeps its 16 KB of buffers per thread; requests ran on virtual threads,
     * each new, so every response allocated them afresh (half of a small query's allocation).
     * A shared bounded pool hands them from request to request, whatever thread writes.
     */
    private static final JsonFactory FACTORY = new JsonFactoryBuilder()
            .recyclerPool(com.fasterxml.jackson.core.util.JsonRecyclerPools.newBoundedPool(64))
            // Strings byte for byte as Prometheus writes them (GoJsonEscapes).
            .characterEscapes(new GoJsonEscapes())
            .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
            .build();

    private ApiResponses() {
    }

    /** Writes fields of the top-level object. */
    @FunctionalInterface
    public interface Body {
        void write(JsonGenerator generator) throws IOException;
    }

    /** Writes {@code {fields}} as the response, with its status and the JSON content type. */
    public static void write(io.promethium.api.web.HttpExchange exchange, int status, Body fields) throws IOException {
        exchange.status(status);
        exchange.responseHeader("Content-Type", "application/json");
        try (JsonGenerator generator = generator(exchange.responseBody())) {
            generator.writeStartObject();
            fields.write(generator);
            generator.writeEndObject();
        }
    }

    /** A UTF-8 JSON generator on {@code out}, its buffers from the shared pool; closing it closes {@code out}. */
    public static JsonGenerator generator(java.io.OutputStream out) throws IOException {
        return FACTORY.createGenerator(out, JsonEncoding.UTF8);
    }

    /** Prometheus 3's top-level {@code warnings} and {@code infos}, each left out when empty. */
    public static void annotations(JsonGenerator g, java.util.List<String> warnings, java.util.List<String> infos) throws IOException {
        if (!warnings.isEmpty()) {
            g.writeArrayFieldStart("warnings");
            for (String w : warnings) {
                g.writeString(w);
            }
            g.writeEndArray();
        }
        if (!infos.isEmpty()) {
            g.writeArrayFieldStart("infos");
            for (String i : infos) {
                g.writeString(i);
            }
            g.writeEndArray();
        }
    }

    /** The fields of a success envelope with warnings after the data (for an {@link ApiRoute}). */
    public static Body successFields(Body data, java.util.List<String> warnings) {
        return g -> {
            g.writeStringField("status", "success");
            g.writeFieldName("data");
            data.write(g);
            annotations(g, warnings, java.util.List.of());
        };
    }
}
