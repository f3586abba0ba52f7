package io.promethium.discovery.eureka.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback stand-in of a Eureka server's REST API (Netflix's "Eureka REST operations"), used
 * instead of a real Eureka: {@code com.netflix.eureka:eureka-server} is a servlet web
 * application on Jersey 1, Guice and the Netflix OSS stack (a servlet container and ~80 jars),
 * and Spring Cloud's server needs Spring Boot; either costs far more than this test's budget.
 * It serves what Prometheus reads and what a client does: {@code POST /eureka/apps/<APP>} with
 * an {@code <instance>} XML body registers (204), {@code PUT /eureka/apps/<APP>/<id>} renews the
 * lease (404 when unknown), {@code DELETE} cancels, and {@code GET /eureka/apps} lists the
 * registry as XML, leaving out instances whose lease ({@code durationInSecs}, 90 s by default)
 * has expired without renewal, as Eureka's eviction does. Faults a test can switch on: a status,
 * a body, no answer.
 */
final class FakeEureka implements AutoCloseable {

    private static final Pattern INSTANCE_ID = Pattern.compile("<instanceId>([^<]*)</instanceId>");
    private static final Pattern DURATION = Pattern.compile("<durationInSecs>(\\d+)</durationInSecs>");

    private record Lease(String xml, long durationMillis, long renewedAt) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch released = new CountDownLatch(1);
    /** Applications by name, each with its instances by id, in registration order. */
    private final Map<String, Map<String, Lease>> registry = new LinkedHashMap<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile int failWith;
    private volatile String body;
    private volatile boolean hang;

    FakeEureka() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/eureka/apps", this::handle);
        server.start();
    }

    /** The service URL as clients and Prometheus configure it. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/eureka";
    }

    /** Registers as {@code POST /eureka/apps/<app>} does. */
    void register(String app, String instanceXml) {
        Matcher id = INSTANCE_ID.matcher(instanceXml);
        if (!id.find()) {
            throw new IllegalArgumentException("no instanceId in " + instanceXml);
        }
        synchronized (registry) {
            registry.computeIfAbsent(app, a -> new LinkedHashMap<>()).put(id.group(1),
                    new Lease(instanceXml, 90_000, System.currentTimeMillis()));
        }
    }

    /** Cancels as {@code DELETE /eureka/apps/<app>/<id>} does. */
    void cancel(String app, String id) {
        synchronized (registry) {
            Map<String, Lease> instances = registry.get(app);
            if (instances != null) {
                instances.remove(id);
                if (instances.isEmpty()) {
                    registry.remove(app);
                }
            }
        }
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
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        requests.add(method + " " + path);
        try (exchange) {
            if (hang) {
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            String[] parts = path.substring("/eureka/apps".length()).split("/");
            String app = parts.length > 1 ? parts[1] : "";
            String id = parts.length > 2 ? parts[2] : "";
            switch (method) {
                case "GET" -> {
                    if (failWith != 0) {
                        send(exchange, failWith, "");
                    } else if (body != null) {
                        send(exchange, 200, body);
                    } else if (app.isEmpty()) {
                        send(exchange, 200, applications());
                    } else {
                        send(exchange, 404, "");
                    }
                }
                case "POST" -> {
                    String xml = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                    Matcher idMatch = INSTANCE_ID.matcher(xml);
                    Matcher duration = DURATION.matcher(xml);
                    if (app.isEmpty() || !idMatch.find()) {
                        send(exchange, 400, "");
                        return;
                    }
                    long millis = duration.find() ? Long.parseLong(duration.group(1)) * 1000 : 90_000;
                    synchronized (registry) {
                        registry.computeIfAbsent(app, a -> new LinkedHashMap<>())
                                .put(idMatch.group(1), new Lease(xml, millis, System.currentTimeMillis()));
                    }
                    send(exchange, 204, "");
                }
                case "PUT" -> {
                    synchronized (registry) {
                        Map<String, Lease> instances = registry.get(app);
                        Lease lease = instances == null ? null : instances.get(id);
                        if (lease == null || expired(lease)) {
                            send(exchange, 404, "");
                            return;
                        }
                        instances.put(id, new Lease(lease.xml(), lease.durationMillis(), System.currentTimeMillis()));
                    }
                    send(exchange, 200, "");
                }
                case "DELETE" -> {
                    boolean removed;
                    synchronized (registry) {
                        Map<String, Lease> instances = registry.get(app);
                        removed = instances != null && instances.remove(id) != null;
                        if (instances != null && instances.isEmpty()) {
                            registry.remove(app);
                        }
                    }
                    send(exchange, removed ? 200 : 404, "");
                }
                default -> send(exchange, 405, "");
            }
        }
    }

    private static boolean expired(Lease lease) {
        return System.currentTimeMillis() - lease.renewedAt() > lease.durationMillis();
    }

    private String applications() {
        StringBuilder xml = new StringBuilder("<applications>\n  <versions__delta>1</versions__delta>\n  <apps__hashcode>");
        StringBuilder apps = new StringBuilder();
        int up = 0;
        synchronized (registry) {
            for (Map.Entry<String, Map<String, Lease>> app : registry.entrySet()) {
                StringBuilder instances = new StringBuilder();
                for (Lease lease : app.getValue().values()) {
                    if (!expired(lease)) {
                        instances.append(lease.xml()).append('\n');
                        up++;
                    }
                }
                if (!instances.isEmpty()) {
                    apps.append("  <application>\n    <name>").append(app.getKey()).append("</name>\n").append(instances)
                            .append("  </application>\n");
                }
            }
        }
        return xml.append("UP_").append(up).append("_</apps__hashcode>\n").append(apps).append("</applications>\n").toString();
    }

    private static void send(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/xml");
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
