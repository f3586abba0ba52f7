package io.promethium.alertmanager.support;

import com.sun.net.httpserver.HttpServer;
import io.promethium.api.web.HttpExchange;
import io.promethium.api.web.HttpRoutes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Serves one {@link HttpRoutes} on a loopback JDK HTTP server, as the web bundle would mount it. */
public final class ApiServer implements AutoCloseable {

    private final HttpServer server;

    public ApiServer(HttpRoutes routes) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(routes.pathPrefix(), ex -> {
            try {
                routes.handle(new Exchange(ex, routes.pathPrefix()));
            } catch (RuntimeException e) {
                ex.sendResponseHeaders(500, -1);
            } finally {
                ex.close();
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static final class Exchange implements HttpExchange {
        private final com.sun.net.httpserver.HttpExchange ex;
        private final String prefix;
        private int status = 200;
        private boolean committed;

        Exchange(com.sun.net.httpserver.HttpExchange ex, String prefix) {
            this.ex = ex;
            this.prefix = prefix;
        }

        @Override
        public String method() {
            return ex.getRequestMethod();
        }

        @Override
        public String path() {
            return ex.getRequestURI().getPath();
        }

        @Override
        public String rawPath() {
            return ex.getRequestURI().getRawPath();
        }

        @Override
        public String subPath() {
            return path().substring(prefix.length());
        }

        @Override
        public String query() {
            String q = ex.getRequestURI().getRawQuery();
            return q == null ? "" : q;
        }

        @Override
        public List<String> queryParameters(String name) {
            List<String> out = new ArrayList<>();
            for (String part : query().split("&")) {
                int eq = part.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
                if (k.equals(name)) {
                    out.add(eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            return out;
        }

        @Override
        public List<String> requestHeaders(String name) {
            List<String> v = ex.getRequestHeaders().get(name);
            return v == null ? List.of() : v;
        }

        @Override
        public long requestContentLength() {
            return -1;
        }

        @Override
        public InputStream requestBody() {
            return ex.getRequestBody();
        }

        @Override
        public String remoteAddress() {
            return ex.getRemoteAddress().toString();
        }

        @Override
        public void status(int code) {
            status = code;
        }

        @Override
        public void responseHeader(String name, String value) {
            ex.getResponseHeaders().add(name, value);
        }

        @Override
        public OutputStream responseBody() throws IOException {
            if (!committed) {
                committed = true;
                ex.sendResponseHeaders(status, 0);
            }
            return ex.getResponseBody();
        }

        @Override
        public void respond(int code, String contentType, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", contentType);
            committed = true;
            ex.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }
}
