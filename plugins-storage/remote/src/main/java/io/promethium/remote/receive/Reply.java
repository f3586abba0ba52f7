package io.promethium.remote.receive;

import io.promethium.api.web.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An answer of the remote endpoints: a status, headers and a whole or streamed body (a value,
 * so a failure found deep in decoding travels back as one); {@code limit} names the protective
 * limit that refused the request (a body or decoded size), reported to the server as it is sent,
 * or is null.
 */
record Reply(int status, String contentType, byte[] body, Routes.Streamed stream, List<String[]> headers, String limit) {

    /** A text answer, as Prometheus's {@code http.Error}: the message and a new line. */
    static Reply text(int status, String message) {
        return new Reply(status, Routes.TEXT_UTF8, (message + "\n").getBytes(StandardCharsets.UTF_8), null, List.of(), null);
    }

    static Reply noContent() {
        return new Reply(204, null, null, null, List.of(), null);
    }

    static Reply ok(String contentType, byte[] body) {
        return new Reply(200, contentType, body, null, List.of(), null);
    }

    static Reply streamed(String contentType, Routes.Streamed stream) {
        return new Reply(200, contentType, null, stream, List.of(), null);
    }

    Reply header(String name, Object value) {
        List<String[]> more = new ArrayList<>(headers);
        more.add(new String[] {name, String.valueOf(value)});
        return new Reply(status, contentType, body, stream, List.copyOf(more), limit);
    }

    /** This answer as a refusal by a protective limit, which the web bundle counts and logs ({@link HttpExchange#refused}). */
    Reply refusedBy(String limitName) {
        return new Reply(status, contentType, body, stream, headers, limitName);
    }

    void send(HttpExchange exchange) throws IOException {
        if (limit != null) {
            exchange.refused(limit, body == null ? "" : new String(body, StandardCharsets.UTF_8).strip());
        }
        for (String[] header : headers) {
            exchange.responseHeader(header[0], header[1]);
        }
        exchange.status(status);
        if (contentType != null) {
            exchange.responseHeader("Content-Type", contentType);
        } else if (status != 204 && status != 304) {
            exchange.responseHeader("Content-Length", "0");
        }
        try (java.io.OutputStream out = exchange.responseBody()) {
            if (stream != null) {
                stream.write(out);
            } else if (body != null) {
                out.write(body);
            }
        }
    }
}
