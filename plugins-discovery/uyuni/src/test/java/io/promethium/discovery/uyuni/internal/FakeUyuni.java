package io.promethium.discovery.uyuni.internal;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback stand-in of Uyuni's XML-RPC API ({@code POST /rpc/api}) for the calls discovery
 * makes, answering as Uyuni's API documentation describes them, since no Uyuni can be installed
 * here: {@code auth.login} (a fault for wrong credentials), then, with the session key,
 * {@code system.listSystemGroupsForSystemsWithEntitlement}, {@code system.monitoring.listEndpoints}
 * and {@code system.getNetworkForSystems}; an unknown session key is a fault. It records each
 * call's method name; faults: a status, a body, no answer.
 */
final class FakeUyuni implements AutoCloseable {

    private static final Pattern METHOD = Pattern.compile("<methodName>([^<]*)</methodName>");
    private static final Pattern STRINGS = Pattern.compile("<string>([^<]*)</string>");

    /** One monitored system with one endpoint. */
    record System(long id, String hostname, String fqdn, List<String> groups, String endpoint, String exporter, int port,
                  String path, String module, boolean tls) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch released = new CountDownLatch(1);
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<System> systems = new CopyOnWriteArrayList<>();
    private volatile String session = "session-1";
    private volatile int failWith;
    private volatile String body;
    private volatile boolean hang;

    FakeUyuni() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/rpc/api", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Ends the current session: calls with its key fail until a new login. */
    void expireSession() {
        session = session + "x";
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
        String call = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Matcher m = METHOD.matcher(call);
        String method = m.find() ? m.group(1) : "";
        calls.add(method);
        try (exchange) {
            if (hang) {
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            if (failWith != 0) {
                send(exchange, failWith, "error");
                return;
            }
            if (body != null) {
                send(exchange, 200, body);
                return;
            }
            Matcher s = STRINGS.matcher(call);
            String first = s.find() ? s.group(1) : "";
            String second = s.find() ? s.group(1) : "";
            String result;
            if (method.equals("auth.login")) {
                if (!first.equals("admin") || !second.equals("s3cr3t") || !call.contains("<int>600</int>")) {
                    send(exchange, 200, fault(2950, "Either the password or username is incorrect."));
                    return;
                }
                result = "<string>" + session + "</string>";
            } else if (!first.equals(session)) {
                send(exchange, 200, fault(2950, "Could not find session"));
                return;
            } else {
                StringBuilder sb = new StringBuilder("<array><data>");
                for (System sys : systems) {
                    switch (method) {
                        case "system.listSystemGroupsForSystemsWithEntitlement" -> {
                            if (!second.equals("monitoring_entitled")) {
                                continue;
                            }
                            sb.append("<value><struct><member><name>id</name><value><int>").append(sys.id())
                                    .append("</int></value></member><member><name>system_groups</name><value><array><data>");
                            int gid = 1;
                            for (String group : sys.groups()) {
                                sb.append("<value><struct><member><name>id</name><value><int>").append(gid++)
                                        .append("</int></value></member><member><name>name</name><value><string>").append(group)
                                        .append("</string></value></member></struct></value>");
                            }
                            sb.append("</data></array></value></member></struct></value>");
                        }
                        case "system.monitoring.listEndpoints" -> sb.append("<value><struct>")
                                .append(member("system_id", "<int>" + sys.id() + "</int>"))
                                .append(member("endpoint_name", "<string>" + sys.endpoint() + "</string>"))
                                .append(member("port", "<int>" + sys.port() + "</int>"))
                                .append(member("path", "<string>" + sys.path() + "</string>"))
                                .append(member("module", sys.module().isEmpty() ? "<nil/>" : "<string>" + sys.module() + "</string>"))
                                .append(member("exporter_name", "<string>" + sys.exporter() + "</string>"))
                                .append(member("tls_enabled", "<boolean>" + (sys.tls() ? 1 : 0) + "</boolean>"))
                                .append("</struct></value>");
                        case "system.getNetworkForSystems" -> sb.append("<value><struct>")
                                .append(member("system_id", "<i4>" + sys.id() + "</i4>"))
                                .append(member("hostname", sys.hostname()))
                                .append(member("primary_fqdn", "<string>" + sys.fqdn() + "</string>"))
                                .append(member("ip", "<string>10.0.0." + sys.id() + "</string>"))
                                .append("</struct></value>");
                        default -> {
                            send(exchange, 200, fault(-1, "unknown method " + method));
                            return;
                        }
                    }
                }
                result = sb.append("</data></array>").toString();
            }
            send(exchange, 200, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><methodResponse><params><param><value>" + result
                    + "</value></param></params></methodResponse>");
        }
    }

    private static String member(String name, String value) {
        return "<member><name>" + name + "</name><value>" + value + "</value></member>";
    }

    private static String fault(int code, String text) {
        return "<?xml version=\"1.0\"?><methodResponse><fault><value><struct>" + member("faultCode", "<int>" + code + "</int>")
                + member("faultString", "<string>" + text + "</string>") + "</struct></value></fault></methodResponse>";
    }

    private static void send(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
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
