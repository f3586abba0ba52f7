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
 * A loopback stand-in of a Eureka server's {@code GET /eureka/apps}, for what a real Eureka
 * ({@link EurekaServerTest}) does not do: answer a status, a body of the test's choosing, or
 * nothing at all; and for the discoverer contract, which breaks its peer. Instances are
 * registered and cancelled in-process (an HTTP client of the test would leave its threads
 * behind, which the contract checks for) and listed as the real server lists them.
 */
final class FakeEureka implements AutoCloseable {

    private static final Pattern INSTANCE_ID = Pattern.compile("<instanceId>([^<]*)</instanceId>");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch released = new CountDownLatch(1);
    /** Applications by name, each with its instances' XML by id, in registration order. */
    private final Map<String, Map<String, String>> registry = new LinkedHashMap<>();
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
            registry.computeIfAbsent(app, a -> new LinkedHashMap<>()).put(id.group(1), instanceXml);
        }
    }

    /** Cancels as {@code DELETE /eureka/apps/<app>/<id>} does. */
    void cancel(String app, String id) {
        synchronized (registry) {
            Map<String, String> instances = registry.get(app);
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
            if (!method.equals("GET")) {
                send(exchange, 405, "");
            } else if (failWith != 0) {
                send(exchange, failWith, "");
            } else if (body != null) {
                send(exchange, 200, body);
            } else if (path.equals("/eureka/apps") || path.equals("/eureka/apps/")) {
                send(exchange, 200, applications());
            } else {
                send(exchange, 404, "");
            }
        }
    }

    private String applications() {
        StringBuilder xml = new StringBuilder("<applications>\n  <versions__delta>1</versions__delta>\n  <apps__hashcode>");
        StringBuilder apps = new StringBuilder();
        int up = 0;
        synchronized (registry) {
            for (Map.Entry<String, Map<String, String>> app : registry.entrySet()) {
                StringBuilder instances = new StringBuilder();
                for (String instance : app.getValue().values()) {
                    instances.append(instance).append('\n');
                    up++;
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
