package io.promethium.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A loopback stand-in of a cloud provider's JSON REST API: answers per path and query (set by
 * the test), refuses requests whose credentials the test's check rejects with the provider's
 * status and body, and records every request (the cloud discovery plugins' tests share it). Faults, which apply to every path: a status and
 * body, no answer at all, or 429 with {@code Retry-After}.
 */
public final class FakeCloud implements AutoCloseable {

    public record Answer(int status, String body, Map<String, String> headers) {
        public static Answer json(String body) {
            return new Answer(200, body, Map.of());
        }
    }

    public record Request(String method, URI uri, String authorization, String body, Map<String, String> headers) {
        /** A request header's first value (names in lower case), or null. */
        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch released = new CountDownLatch(1);
    private final Map<String, Function<Request, Answer>> routes = new ConcurrentHashMap<>();
    public final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile Predicate<Request> authorized = r -> true;
    private volatile Answer refusal = new Answer(401, "{\"id\":\"unauthorized\",\"message\":\"Unable to authenticate you\"}", Map.of());
    private volatile Answer fault;
    private volatile boolean hang;

    public FakeCloud() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The API root, ending in {@code /}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    /** Answers requests to {@code path} (without query). */
    public void route(String path, Function<Request, Answer> answer) {
        routes.put(path, answer);
    }

    /** Requests the check rejects get {@code refusal}. */
    public void authorize(Predicate<Request> check, Answer refusal) {
        this.authorized = check;
        this.refusal = refusal;
    }

    /** Every request gets this answer (null: the routes answer again). */
    public void fault(Answer fault) {
        this.fault = fault;
    }

    public void hang(boolean hang) {
        this.hang = hang;
    }

    public long count(String path) {
        return requests.stream().filter(r -> r.uri().getPath().equals(path)).count();
    }

    private void handle(HttpExchange exchange) throws IOException {
        Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI(),
                exchange.getRequestHeaders().getFirst("Authorization"),
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), headers(exchange));
        requests.add(request);
        try (exchange) {
            if (hang) {
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            Answer answer = fault;
            if (answer == null) {
                if (!authorized.test(request)) {
                    answer = refusal;
                } else {
                    Function<Request, Answer> route = routes.get(request.uri().getPath());
                    answer = route == null ? new Answer(404, "{\"id\":\"not_found\"}", Map.of()) : route.apply(request);
                }
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    private static Map<String, String> headers(HttpExchange exchange) {
        Map<String, String> headers = new java.util.HashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
        return Map.copyOf(headers);
    }

    /** A query parameter of a request, or null. */
    public static String query(Request request, String name) {
        String raw = request.uri().getRawQuery();
        if (raw == null) {
            return null;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                return java.net.URLDecoder.decode(eq < 0 ? "" : pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
