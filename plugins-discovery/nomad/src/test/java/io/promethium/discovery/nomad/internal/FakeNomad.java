package io.promethium.discovery.nomad.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback stand-in of Nomad's HTTP API for its service catalogue, as Nomad documents it
 * ({@code GET /v1/services}: namespaces with their services' names and tags;
 * {@code GET /v1/service/<name>}: the registrations), since no Nomad can be installed here.
 * It records each request's path and query; faults: a status for every request or for one
 * service, a body, no answer.
 */
final class FakeNomad implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One registration, as {@code /v1/service/<name>} lists it. */
    record Registration(String id, String service, String namespace, String nodeId, String datacenter, String address, int port,
                        List<String> tags) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch released = new CountDownLatch(1);
    private final List<Registration> registrations = new CopyOnWriteArrayList<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile int failWith;
    private volatile String failService = "";
    private volatile String body;
    private volatile boolean hang;

    FakeNomad() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/v1/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void register(Registration registration) {
        registrations.add(registration);
    }

    void deregister(String service) {
        registrations.removeIf(r -> r.service().equals(service));
    }

    void failWith(int status, String service) {
        failWith = status;
        failService = service;
    }

    void answerBody(String body) {
        this.body = body;
    }

    void hang(boolean hang) {
        this.hang = hang;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        requests.add(path + "?" + exchange.getRequestURI().getRawQuery());
        try (exchange) {
            if (hang) {
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            if (failWith != 0 && (failService.isEmpty() || path.equals("/v1/service/" + failService))) {
                send(exchange, failWith, "internal error");
                return;
            }
            if (body != null) {
                send(exchange, 200, body);
                return;
            }
            if (path.equals("/v1/services")) {
                Map<String, Map<String, List<String>>> byNamespace = new LinkedHashMap<>();
                for (Registration r : registrations) {
                    byNamespace.computeIfAbsent(r.namespace(), n -> new LinkedHashMap<>()).put(r.service(), r.tags());
                }
                List<Object> stubs = new ArrayList<>();
                byNamespace.forEach((ns, services) -> {
                    List<Object> list = new ArrayList<>();
                    services.forEach((name, tags) -> list.add(Map.of("ServiceName", name, "Tags", tags)));
                    stubs.add(Map.of("Namespace", ns, "Services", list));
                });
                send(exchange, 200, JSON.writeValueAsString(stubs));
            } else if (path.startsWith("/v1/service/")) {
                String name = path.substring("/v1/service/".length());
                List<Object> list = new ArrayList<>();
                for (Registration r : registrations) {
                    if (r.service().equals(name)) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("ID", r.id());
                        m.put("ServiceName", r.service());
                        m.put("Namespace", r.namespace());
                        m.put("NodeID", r.nodeId());
                        m.put("Datacenter", r.datacenter());
                        m.put("JobID", "job");
                        m.put("AllocID", "alloc");
                        m.put("Tags", r.tags());
                        m.put("Address", r.address());
                        m.put("Port", r.port());
                        m.put("CreateIndex", 10);
                        m.put("ModifyIndex", 10);
                        list.add(m);
                    }
                }
                send(exchange, 200, JSON.writeValueAsString(list));
            } else {
                send(exchange, 404, "not found");
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
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
