package io.promethium.push.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** The push endpoint over real HTTP for tests: a store, the endpoint, its routes on a loopback port. */
final class PushServer implements AutoCloseable {

    final GroupStore store;
    final PushEndpoint endpoint;
    final io.promethium.api.testing.RoutesServer server;
    final PushMetrics metrics = new PushMetrics();
    private final HttpClient client = HttpClient.newHttpClient();

    PushServer(Map<String, String> flags) throws IOException {
        Map<String, String> all = new HashMap<>(Map.of("web.enable-admin-api", "true"));
        all.putAll(flags);
        PushSettings settings = PushSettings.from(all::get);
        store = new GroupStore(settings.limits(), settings.names(), GroupStore::wallClockNanos);
        endpoint = new PushEndpoint(store, settings,
                () -> new PushEndpoint.Status(Map.of("push.enabled", "true"), Instant.EPOCH, Map.of("version", "test")), metrics);
        server = new io.promethium.api.testing.RoutesServer(endpoint.routes());
    }

    PushServer() throws IOException {
        this(Map.of());
    }

    String url() {
        return server.url();
    }

    /** Sends a request; returns status and body. */
    Response send(String method, String path, String contentType, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Response send(String method, String path, String body) {
        return send(method, path, null, body == null ? null : body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    String page() {
        return send("GET", PushEndpoint.PAGE_PATH, null).body();
    }

    /** The pushed page as a reader sending {@code accept} gets it: its content type, a newline, its body. */
    String page(String accept) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url() + PushEndpoint.PAGE_PATH)).header("Accept", accept).GET().build();
        try {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            return r.headers().firstValue("Content-Type").orElse("") + "\n" + r.body();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record Response(int status, String body) {
    }

    @Override
    public void close() {
        server.close();
    }
}
