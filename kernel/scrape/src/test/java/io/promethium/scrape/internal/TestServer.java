package io.promethium.scrape.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/** A loopback HTTP server serving one settable page, recording the last request's headers. */
final class TestServer implements AutoCloseable {

    /** How to answer a request. */
    interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final AtomicReference<Handler> handler = new AtomicReference<>();
    final AtomicReference<HttpExchange> lastRequest = new AtomicReference<>();
    volatile String lastAccept;
    volatile String lastAuthorization;
    volatile String lastQuery;
    /** The last request's {@code traceparent} header, or null. */
    volatile String lastTraceparent;

    TestServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            lastAccept = exchange.getRequestHeaders().getFirst("Accept");
            lastAuthorization = exchange.getRequestHeaders().getFirst("Authorization");
            lastQuery = exchange.getRequestURI().getRawQuery();
            lastTraceparent = exchange.getRequestHeaders().getFirst("traceparent");
            try {
                handler.get().handle(exchange);
            } catch (IOException e) {
                // The client went away (timeout, limit): nothing to do.
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    URI url() {
        return URI.create("http://" + address() + "/metrics");
    }

    void page(String contentType, String body) {
        handler.set(exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
    }

    void page(String contentType, byte[] bytes) {
        handler.set(exchange -> {
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
    }

    void text(String body) {
        page("text/plain; version=0.0.4; charset=utf-8", body);
    }

    void handler(Handler h) {
        handler.set(h);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
