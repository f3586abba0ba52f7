package io.promethium.discovery.consul.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An in-test server that follows Consul's documented HTTP API for what discovery uses, because
 * no Consul can be installed here: {@code /v1/agent/self}, {@code /v1/catalog/services} and
 * {@code /v1/health/service/<name>} (tag, node-meta, dc, stale, filter parameters), blocking
 * queries (with {@code index} at or past the current index the answer waits for a change or
 * for {@code wait}, plus up to wait/16 of jitter as Consul adds; every answer carries
 * {@code X-Consul-Index}), ACL tokens ({@code X-Consul-Token}, 403 "ACL not found"), and faults
 * a test can switch on: answering 500, never answering, the index going backwards.
 */
final class FakeConsul implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One registered service instance. */
    record Instance(String service, String id, String node, String nodeAddress, String address, int port, List<String> tags,
                    Map<String, String> meta, Map<String, String> nodeMeta, Map<String, String> taggedAddresses,
                    List<String> checks) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Object lock = new Object();
    private final List<Instance> instances = new ArrayList<>();
    /** Every request's path and query, in arrival order. */
    final List<String> requests = new CopyOnWriteArrayList<>();
    /** Every request's Authorization header (empty when none). */
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    private long index = 10;
    private String requiredToken = "";
    private int failWith;
    private boolean hang;

    FakeConsul() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    void register(Instance instance) {
        synchronized (lock) {
            instances.removeIf(i -> i.id().equals(instance.id()) && i.service().equals(instance.service()));
            instances.add(instance);
            changed();
        }
    }

    void deregister(String service) {
        synchronized (lock) {
            instances.removeIf(i -> i.service().equals(service));
            changed();
        }
    }

    /** The index drops (a snapshot restore): Consul's docs tell clients to start again from 0. */
    void indexGoesBackTo(long lower) {
        synchronized (lock) {
            index = lower;
            lock.notifyAll();
        }
    }

    void requireToken(String token) {
        synchronized (lock) {
            requiredToken = token;
        }
    }

    /** Answers every request with this status (0: normal answers again). */
    void failWith(int status) {
        synchronized (lock) {
            failWith = status;
        }
    }

    /** Never answers (until {@code hang(false)} or close). */
    void hang(boolean on) {
        synchronized (lock) {
            hang = on;
            lock.notifyAll();
        }
    }

    long index() {
        synchronized (lock) {
            return index;
        }
    }

    private void changed() {
        index++;
        lock.notifyAll();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getRawQuery();
        requests.add(path + (query == null ? "" : "?" + query));
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        authorizations.add(authorization == null ? "" : authorization);
        Map<String, List<String>> params = params(query);
        try {
            Object body;
            long answerIndex;
            synchronized (lock) {
                while (hang) {
                    lock.wait();
                }
                if (!requiredToken.isEmpty() && !requiredToken.equals(exchange.getRequestHeaders().getFirst("X-Consul-Token"))) {
                    send(exchange, 403, "ACL not found", 0);
                    return;
                }
                if (failWith != 0) {
                    send(exchange, failWith, "rpc error making call: internal failure", 0);
                    return;
                }
                long asked = params.containsKey("index") ? Long.parseLong(params.get("index").get(0)) : 0;
                if (asked > 0 && asked >= index) {
                    Duration wait = params.containsKey("wait") ? wait(params.get("wait").get(0)) : Duration.ofMinutes(5);
                    long deadline = System.nanoTime() + wait.plus(wait.dividedBy(16)).toNanos();
                    long start = index;
                    while (index == start && !hang) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            break;
                        }
                        lock.wait(Math.max(1, left / 1_000_000));
                    }
                    while (hang) {
                        lock.wait();
                    }
                }
                answerIndex = index;
                body = answer(path, params);
            }
            if (body == null) {
                send(exchange, 404, "not found", answerIndex);
                return;
            }
            send(exchange, 200, JSON.writeValueAsString(body), answerIndex);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            exchange.close();
        }
    }

    private Object answer(String path, Map<String, List<String>> params) {
        if (path.equals("/v1/agent/self")) {
            return Map.of("Config", Map.of("Datacenter", "dc1", "NodeName", "agent-1"));
        }
        List<Instance> visible = new ArrayList<>();
        for (Instance instance : instances) {
            if (matchesNodeMeta(instance, params.getOrDefault("node-meta", List.of()))) {
                visible.add(instance);
            }
        }
        if (path.equals("/v1/catalog/services")) {
            Map<String, List<String>> services = new LinkedHashMap<>();
            for (Instance instance : visible) {
                List<String> tags = services.computeIfAbsent(instance.service(), s -> new ArrayList<>());
                for (String tag : instance.tags()) {
                    if (!tags.contains(tag)) {
                        tags.add(tag);
                    }
                }
            }
            return services;
        }
        if (path.startsWith("/v1/health/service/")) {
            String name = URLDecoder.decode(path.substring("/v1/health/service/".length()), StandardCharsets.UTF_8);
            List<String> tags = params.getOrDefault("tag", List.of());
            List<Object> entries = new ArrayList<>();
            for (Instance instance : visible) {
                if (!instance.service().equals(name) || !instance.tags().containsAll(tags)) {
                    continue;
                }
                Map<String, Object> node = new LinkedHashMap<>();
                node.put("Node", instance.node());
                node.put("Address", instance.nodeAddress());
                node.put("Datacenter", "dc1");
                node.put("TaggedAddresses", instance.taggedAddresses());
                node.put("Meta", instance.nodeMeta());
                Map<String, Object> service = new LinkedHashMap<>();
                service.put("ID", instance.id());
                service.put("Service", instance.service());
                service.put("Tags", instance.tags());
                service.put("Address", instance.address());
                service.put("Meta", instance.meta());
                service.put("Port", instance.port());
                service.put("Namespace", "default");
                service.put("Partition", "default");
                List<Object> checks = new ArrayList<>();
                int n = 0;
                for (String status : instance.checks()) {
                    checks.add(Map.of("Node", instance.node(), "CheckID", "check-" + n++, "Status", status));
                }
                entries.add(Map.of("Node", node, "Service", service, "Checks", checks));
            }
            return entries;
        }
        return null;
    }

    private static boolean matchesNodeMeta(Instance instance, List<String> filters) {
        for (String filter : filters) {
            int colon = filter.indexOf(':');
            if (colon < 0 || !filter.substring(colon + 1).equals(instance.nodeMeta().get(filter.substring(0, colon)))) {
                return false;
            }
        }
        return true;
    }

    private static Duration wait(String text) {
        if (text.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
        }
        if (text.endsWith("s")) {
            return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
        }
        if (text.endsWith("m")) {
            return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
        }
        return Duration.ofSeconds(Long.parseLong(text));
    }

    private static Map<String, List<String>> params(String query) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return params;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return params;
    }

    private static void send(HttpExchange exchange, int status, String body, long index) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (index > 0) {
            exchange.getResponseHeaders().set("X-Consul-Index", Long.toString(index));
        }
        exchange.getResponseHeaders().set("Content-Type", status == 200 ? "application/json" : "text/plain");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        hang(false);
        server.stop(0);
        executor.shutdownNow();
    }
}
