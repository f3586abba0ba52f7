package io.promethium.discovery.openstack.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback stand-in of OpenStack's Keystone v3 ({@code POST /v3/auth/tokens}: 201 with the
 * token in {@code X-Subject-Token} and a service catalog whose compute, network and load-balancer endpoints
 * point back here, or 401 for a wrong password), Nova ({@code /servers/detail},
 * {@code /os-hypervisors/detail}), Neutron ({@code /v2.0/ports}, {@code /v2.0/floatingips}) and
 * Octavia ({@code /v2.0/lbaas/loadbalancers}, {@code /v2.0/lbaas/listeners}),
 * as Prometheus's own {@code discovery/openstack/mock_test.go} serves them (its bodies are the
 * fixtures in {@code prometheus-fixtures/}, see NOTICE there), since no OpenStack can run here.
 * Lists answer the body set for their path and query (else for their path); faults: a status, no answer.
 */
final class FakeOpenstack implements AutoCloseable {

    static final String TOKEN = "cbc36478b0bd8e67e89469c7749d4127";
    static final String PASSWORD = "test";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch released = new CountDownLatch(1);
    private final Map<String, String> bodies = new ConcurrentHashMap<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile boolean hang;

    FakeOpenstack() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        answer("/servers/detail", fixture("servers.json"));
        answer("/os-hypervisors/detail", fixture("hypervisors.json"));
        answer("/v2.0/ports", fixture("ports.json"));
        answer("/v2.0/floatingips", fixture("floatingips.json"));
        answer("/v2.0/lbaas/loadbalancers", fixture("loadbalancers.json"));
        answer("/v2.0/lbaas/listeners", fixture("listeners.json"));
    }

    static String fixture(String name) {
        try (InputStream in = FakeOpenstack.class.getResourceAsStream("/prometheus-fixtures/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The identity endpoint, as Prometheus's mock gives it (with a trailing slash). */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /** The body served for a path and query ({@code /servers/detail?marker=x}). */
    void answer(String pathAndQuery, String body) {
        bodies.put(pathAndQuery, body);
    }

    void status(int status) {
        this.status = status;
    }

    void hang(boolean hang) {
        this.hang = hang;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String target = exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
        requests.add(exchange.getRequestMethod() + " " + target + " " + body);
        try (exchange) {
            if (hang) {
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            if (target.equals("/v3/auth/tokens") && exchange.getRequestMethod().equals("POST")) {
                if (!body.contains("\"password\":\"" + PASSWORD + "\"") && !body.contains("\"secret\":\"" + PASSWORD + "\"")) {
                    send(exchange, 401, "{\"error\":{\"code\":401,\"message\":\"The request you have made requires authentication.\",\"title\":\"Unauthorized\"}}");
                    return;
                }
                exchange.getResponseHeaders().set("X-Subject-Token", TOKEN);
                send(exchange, 201, fixture("token.json").replace("{{ENDPOINT}}", url()));
                return;
            }
            if (!TOKEN.equals(exchange.getRequestHeaders().getFirst("X-Auth-Token"))) {
                send(exchange, 401, "{\"error\":{\"code\":401,\"message\":\"The request you have made requires authentication.\"}}");
                return;
            }
            // A list's query (all_tenants, a marker) picks a body set for it, else the path's.
            String answer = bodies.getOrDefault(target, bodies.get(exchange.getRequestURI().getRawPath()));
            if (answer == null) {
                send(exchange, 404, "{\"itemNotFound\":{\"code\":404,\"message\":\"Not found\"}}");
                return;
            }
            send(exchange, status, answer);
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
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
