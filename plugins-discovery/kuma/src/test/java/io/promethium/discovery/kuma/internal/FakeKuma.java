package io.promethium.discovery.kuma.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * A loopback stand-in of a Kuma control plane's MADS endpoint
 * ({@code POST /v3/discovery:monitoringassignments}, xDS v3 over HTTP with proto JSON), since no
 * Kuma can be installed here: it answers the current assignments with a version and a nonce,
 * and 304 when the request already carries the current version (where Kuma would first wait up
 * to {@code fetch-timeout} for a change). It records each request's query and body; faults: a
 * status, a body, no answer.
 */
final class FakeKuma implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch released = new CountDownLatch(1);
    final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile String resources = "[]";
    private volatile int version = 1;
    private volatile int failWith;
    private volatile String body;
    private volatile boolean hang;

    FakeKuma() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Sets the assignments (a JSON list of MonitoringAssignment Any objects) and bumps the version. */
    void assignments(String resources) {
        this.resources = resources;
        version++;
    }

    void failWith(int status) {
        failWith = status;
    }

    void answerBody(String body) {
        this.body = body;
    }

    void hang(boolean hang) {
        this.hang = hang;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + request);
        try (exchange) {
            if (hang) {
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            if (!exchange.getRequestURI().getPath().equals("/v3/discovery:monitoringassignments")) {
                send(exchange, 404, "not found");
                return;
            }
            if (failWith != 0) {
                send(exchange, failWith, "{\"message\":\"failure\"}");
                return;
            }
            if (body != null) {
                send(exchange, 200, body);
                return;
            }
            JsonNode req = JSON.readTree(request);
            String current = Integer.toString(version);
            if (current.equals(req.path("version_info").asText(""))) {
                exchange.sendResponseHeaders(304, -1);
                return;
            }
            send(exchange, 200, "{\"versionInfo\":\"" + current + "\",\"resources\":" + resources
                    + ",\"typeUrl\":\"type.googleapis.com/kuma.observability.v1.MonitoringAssignment\",\"nonce\":\"n" + current + "\"}");
        }
    }

    private static void send(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
