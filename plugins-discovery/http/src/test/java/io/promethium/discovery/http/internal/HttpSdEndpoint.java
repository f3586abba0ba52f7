package io.promethium.discovery.http.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback stand-in for an HTTP SD endpoint, answering as Prometheus's HTTP SD documentation
 * describes (200, {@code application/json}, a JSON list of target groups), with the faults a
 * test can switch on: another status, another content type, any body, a body of a given size,
 * or no answer at all.
 */
final class HttpSdEndpoint implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch released = new CountDownLatch(1);
    /** Each request's headers of interest: Accept, X-Prometheus-Refresh-Interval-Seconds, Authorization. */
    final List<List<String>> requests = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String contentType = "application/json";
    private volatile String body = "[]";
    private volatile long hugeBody = -1;
    private volatile boolean hang;

    HttpSdEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/sd";
    }

    void answer(String json) {
        answer(200, "application/json", json);
    }

    void answer(int status, String contentType, String body) {
        this.status = status;
        this.contentType = contentType;
        this.body = body;
        this.hugeBody = -1;
        this.hang = false;
    }

    /** A valid JSON list of {@code bytes} bytes (one group with one long label value). */
    void answerHuge(long bytes) {
        answer("[]");
        this.hugeBody = bytes;
    }

    void hang(boolean hang) {
        this.hang = hang;
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.add(List.of(String.valueOf(exchange.getRequestHeaders().getFirst("Accept")),
                String.valueOf(exchange.getRequestHeaders().getFirst("X-Prometheus-Refresh-Interval-Seconds")),
                String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"))));
        try (exchange) {
            if (hang) {
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            if (contentType != null) {
                exchange.getResponseHeaders().set("Content-Type", contentType);
            }
            if (hugeBody >= 0) {
                String head = "[{\"targets\":[\"a:1\"],\"labels\":{\"big\":\"";
                String tail = "\"}}]";
                exchange.sendResponseHeaders(status, hugeBody);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(head.getBytes(StandardCharsets.UTF_8));
                    byte[] chunk = "x".repeat(65536).getBytes(StandardCharsets.UTF_8);
                    long left = hugeBody - head.length() - tail.length();
                    while (left > 0) {
                        int n = (int) Math.min(left, chunk.length);
                        out.write(chunk, 0, n);
                        left -= n;
                    }
                    out.write(tail.getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // the client stopped reading
                }
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
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
