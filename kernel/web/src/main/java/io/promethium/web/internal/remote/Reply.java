package io.promethium.web.internal.remote;

import io.promethium.web.internal.routes.Router;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An answer of the remote endpoints: a status, headers and a whole or streamed body (a value,
 * so a failure found deep in decoding travels back as one).
 */
record Reply(int status, String contentType, byte[] body, Router.Streamed stream, List<String[]> headers) {

    /** A text answer, as Prometheus's {@code http.Error}: the message and a new line. */
    static Reply text(int status, String message) {
        return new Reply(status, Router.TEXT_UTF8, (message + "\n").getBytes(StandardCharsets.UTF_8), null, List.of());
    }

    static Reply noContent() {
        return new Reply(204, null, null, null, List.of());
    }

    static Reply ok(String contentType, byte[] body) {
        return new Reply(200, contentType, body, null, List.of());
    }

    static Reply streamed(String contentType, Router.Streamed stream) {
        return new Reply(200, contentType, null, stream, List.of());
    }

    Reply header(String name, Object value) {
        List<String[]> more = new ArrayList<>(headers);
        more.add(new String[] {name, String.valueOf(value)});
        return new Reply(status, contentType, body, stream, List.copyOf(more));
    }

    void send(Router.Call call) throws IOException {
        for (String[] header : headers) {
            call.exchange().responseHeader(header[0], header[1]);
        }
        if (stream != null) {
            call.stream(status, contentType, stream);
        } else if (body != null) {
            call.respond(status, contentType, body);
        } else {
            call.empty(status);
        }
    }
}
