package io.promethium.api.testing;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A loopback HTTP (or HTTPS) server that records every request with its arrival time and answers
 * through per-path {@link Responder}s (longest prefix wins; {@code 200} with no body otherwise).
 * A stand-in for a webhook receiver, a service API (Slack, PagerDuty, ...), an OAuth2 token
 * endpoint or a forward proxy: a proxied request arrives with an absolute URI, which
 * {@link Request#uri()} keeps. Each request runs on its own virtual thread, so a responder that
 * hangs delays no other request.
 */
public final class RecordingHttpServer implements AutoCloseable {

    /** One request as it arrived; header names are lower case. */
    public record Request(Instant at, String method, URI uri, Map<String, List<String>> headers, byte[] body) {

        public String path() {
            return uri.getPath();
        }

        /** The first value of a header, or null. */
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** An answer: status, headers, body (empty for none). */
    public record Response(int status, Map<String, String> headers, String body) {

        public static Response status(int status) {
            return new Response(status, Map.of(), "");
        }

        public static Response of(int status, String contentType, String body) {
            return new Response(status, Map.of("Content-Type", contentType), body);
        }

        public Response withHeader(String name, String value) {
            Map<String, String> all = new TreeMap<>(headers);
            all.put(name, value);
            return new Response(status, all, body);
        }
    }

    /** Answers one request; may block (the request has a thread of its own). */
    @FunctionalInterface
    public interface Responder {
        Response answer(Request request) throws IOException;
    }

    private final HttpServer server;
    private final String scheme;
    private final Map<String, Responder> responders =
            new ConcurrentSkipListMap<>(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()));
    private final List<Request> requests = new ArrayList<>();
    private final AtomicInteger failNext = new AtomicInteger();

    private RecordingHttpServer(HttpServer server, String scheme) {
        this.server = server;
        this.scheme = scheme;
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    /** A plain HTTP server on 127.0.0.1 and a free port. */
    public static RecordingHttpServer http() throws IOException {
        return new RecordingHttpServer(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), "http");
    }

    /** An HTTPS server on 127.0.0.1 presenting the certificate of {@code tls} (see {@link TestCertificates}). */
    public static RecordingHttpServer https(SSLContext tls) throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        return new RecordingHttpServer(server, "https");
    }

    /** Answers requests whose path starts with {@code pathPrefix} (longest prefix wins). */
    public RecordingHttpServer on(String pathPrefix, Responder responder) {
        responders.put(pathPrefix, responder);
        return this;
    }

    /** The next {@code n} requests are answered 503 (and not recorded), whatever their path. */
    public void failNext(int n) {
        failNext.set(n);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:port} + path. */
    public String url(String path) {
        return scheme + "://127.0.0.1:" + port() + path;
    }

    /** Every request recorded so far, in arrival order. */
    public List<Request> requests() {
        synchronized (requests) {
            return new ArrayList<>(requests);
        }
    }

    /** Waits until at least {@code n} requests arrived or the timeout passed; returns them all. */
    public List<Request> await(int n, Duration timeout) throws InterruptedException {
        Instant end = Instant.now().plus(timeout);
        synchronized (requests) {
            while (requests.size() < n) {
                long left = Duration.between(Instant.now(), end).toMillis();
                if (left <= 0) {
                    break;
                }
                requests.wait(left);
            }
            return new ArrayList<>(requests);
        }
    }

    private void handle(com.sun.net.httpserver.HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                ex.sendResponseHeaders(503, -1);
                return;
            }
            Map<String, List<String>> headers = new TreeMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
            Request request = new Request(Instant.now(), ex.getRequestMethod(), ex.getRequestURI(), Map.copyOf(headers), body);
            synchronized (requests) {
                requests.add(request);
                requests.notifyAll();
            }
            Response response = Response.status(200);
            for (Map.Entry<String, Responder> e : responders.entrySet()) {
                if (request.path().startsWith(e.getKey())) {
                    response = e.getValue().answer(request);
                    break;
                }
            }
            response.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            byte[] out = response.body().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(response.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(out);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        if (server.getExecutor() instanceof java.util.concurrent.ExecutorService executor) {
            executor.shutdownNow();
        }
    }
}
