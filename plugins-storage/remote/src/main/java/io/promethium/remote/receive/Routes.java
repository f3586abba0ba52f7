package io.promethium.remote.receive;

import io.promethium.goformat.GoStrings;
import io.promethium.api.storage.StorageException;
import io.promethium.api.web.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * How the receivers answer what is not theirs to handle, as the web bundle answered them when it
 * served these endpoints itself: only the endpoint's own path (a trailing slash allowed) is
 * served, anything below it is a plain 404; a method other than POST is a plain 405 (OPTIONS
 * lists what is allowed); in agent mode the remote read endpoint answers Prometheus's 422.
 */
final class Routes {

    /** Reads a request body and answers it. */
    @FunctionalInterface
    interface Post {
        Reply answer(HttpExchange exchange, InputStream body) throws IOException;
    }

    /** Writes a streamed body. */
    @FunctionalInterface
    interface Streamed {
        void write(OutputStream out) throws IOException;
    }

    static final String TEXT = "text/plain";
    /** A UTF-8 text response's content type, as the web bundle writes it. */
    static final String TEXT_UTF8 = "text/plain;charset=utf-8";
    /** Prometheus's answer where its agent has no such endpoint. */
    static final String AGENT_MESSAGE = "unavailable with Prometheus Agent";

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(Routes.class.getName());

    /**
     * A service the endpoint needs is not there (the storage): answered 503 {@code unavailable}, as
     * is a {@link StorageException.Reason#CLOSED} storage that goes away under the request.
     */
    static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unavailable(String what) {
            super(what + " is not available");
        }
    }

    private Routes() {
    }

    /** Serves one POST endpoint at {@code path}; {@code agentRefuses}: answered 422 as Prometheus's agent does. */
    static void post(HttpExchange exchange, String path, boolean agentRefuses, Post post) throws IOException {
        String p = exchange.path();
        if (!p.equals(path) && !p.equals(path + "/")) {
            exchange.respond(404, TEXT, "404 page not found\n");
            return;
        }
        if (agentRefuses) {
            error(exchange, 422, "execution", AGENT_MESSAGE);
            return;
        }
        switch (exchange.method()) {
            case "POST" -> {
                Reply reply;
                try {
                    reply = post.answer(exchange, exchange.requestBody());
                } catch (Unavailable e) {
                    error(exchange, 503, "unavailable", e.getMessage());
                    return;
                } catch (StorageException e) {
                    // A closed storage is one going away under a plugin swap: the sender retries, as on a missing one.
                    if (e.reason() == StorageException.Reason.CLOSED) {
                        error(exchange, 503, "unavailable", e.getMessage());
                    } else {
                        LOG.log(java.util.logging.Level.WARNING, "storage error serving a request", e);
                        error(exchange, 500, "internal", String.valueOf(e.getMessage()));
                    }
                    return;
                } catch (RuntimeException e) {
                    LOG.log(java.util.logging.Level.WARNING, "unexpected error serving a request", e);
                    error(exchange, 500, "internal", String.valueOf(e.getMessage()));
                    return;
                }
                reply.send(exchange);
            }
            case "OPTIONS" -> {
                exchange.responseHeader("Allow", "POST,OPTIONS");
                exchange.respond(200, TEXT, "POST, OPTIONS");
            }
            default -> exchange.respond(405, TEXT, "Method Not Allowed\n");
        }
    }

    /** Prometheus's error JSON, as the web bundle's API writes it. */
    static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        exchange.respond(status, "application/json", "{\"status\":\"error\",\"errorType\":\"" + type + "\",\"error\":\""
                + json(message) + "\"}");
    }

    private static String json(String s) {
        String quoted = GoStrings.json(s, false);
        return quoted.substring(1, quoted.length() - 1);
    }
}
