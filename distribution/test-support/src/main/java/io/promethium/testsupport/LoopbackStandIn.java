package io.promethium.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The base of a loopback stand-in of a service no test can install (Marathon, PuppetDB, Uyuni, a
 * cloud provider's API): the JDK's HTTP server on 127.0.0.1 at an ephemeral port, one virtual
 * thread a request, every request recorded before it is answered, and the faults every such test
 * needs, which apply to every path: a fixed answer ({@link #fault}: a status, a 429 with
 * {@code Retry-After}, a malformed body) or no answer at all ({@link #hang}). A subclass says
 * what the service answers in {@link #answer}, shaped as the service documents it.
 */
public abstract class LoopbackStandIn implements AutoCloseable {

    /** An answer: the stand-in's content type unless {@code headers} set {@code Content-Type}. */
    public record Answer(int status, String body, Map<String, String> headers) {
        public Answer {
            headers = Map.copyOf(headers);
        }

        /** 200 with this body. */
        public static Answer json(String body) {
            return new Answer(200, body, Map.of());
        }

        /** {@code status} with this body and content type. */
        public static Answer of(int status, String contentType, String body) {
            return new Answer(status, body, Map.of("Content-Type", contentType));
        }

        /** 429 with {@code Retry-After: seconds}. */
        public static Answer tooManyRequests(long seconds, String body) {
            return new Answer(429, body, Map.of("Retry-After", Long.toString(seconds)));
        }
    }

    /** A request as received: header names in lower case, first value of each; the body as UTF-8. */
    public record Request(String method, URI uri, Map<String, String> headers, String body) {
        public Request {
            headers = Map.copyOf(headers);
        }

        /** A request header's first value, or null. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** The {@code Authorization} header, or null. */
        public String authorization() {
            return header("authorization");
        }
    }

    /** Every request received, in order. */
    public final List<Request> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch released = new CountDownLatch(1);
    private final String contentType;
    private volatile Answer fault;
    private volatile boolean hang;

    /**
     * Starts serving {@code contextPath} (requests elsewhere get the JDK server's 404) with
     * {@code contentType} on every answer that does not set its own. The server runs from here
     * on, but no request can come before the constructor returns the port to the test.
     */
    protected LoopbackStandIn(String contextPath, String contentType) throws IOException {
        this.contentType = contentType;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext(contextPath, this::handle);
        server.start();
    }

    /** What the service answers to {@code request} (recorded already); null: an empty 404. */
    protected abstract Answer answer(Request request);

    /** {@code http://127.0.0.1:PORT}, without a trailing slash. */
    public final String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Every request gets this answer instead of the service's (null: the service answers again). */
    public final void fault(Answer fault) {
        this.fault = fault;
    }

    /** Whether requests get no answer at all (held until {@link #close}). */
    public final void hang(boolean hang) {
        this.hang = hang;
    }

    private void handle(HttpExchange exchange) throws IOException {
        Map<String, String> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.getFirst()));
        Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI(), headers,
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
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
                answer = answer(request);
            }
            if (answer == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
