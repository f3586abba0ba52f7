package io.promethium.api.testing;

import com.sun.net.httpserver.HttpServer;
import io.promethium.api.web.HttpExchange;
import io.promethium.api.web.HttpRoutes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

/**
 * A test stand-in for the web bundle: serves {@link HttpRoutes} on a loopback port with the JDK's
 * HTTP server, matching paths as the route whiteboard does (longest prefix first, exact routes
 * only on their own path; a gzip request body is unpacked; an exception becomes a 500), so an
 * endpoint is tested over real HTTP without booting the server.
 */
public final class RoutesServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final List<HttpRoutes> routes;
    private final List<String> refusals = new java.util.concurrent.CopyOnWriteArrayList<>();

    public RoutesServer(List<? extends HttpRoutes> routes) throws IOException {
        this.routes = new ArrayList<>(routes);
        this.routes.sort(Comparator.comparingInt((HttpRoutes r) -> r.pathPrefix().length()).reversed());
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::dispatch);
        server.setExecutor(executor);
        server.start();
    }

    public RoutesServer(HttpRoutes... routes) throws IOException {
        this(List.of(routes));
    }

    /** {@code http://127.0.0.1:port}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The limits the routes reported refusing requests by ({@link HttpExchange#refused}), in order. */
    public List<String> refusals() {
        return List.copyOf(refusals);
    }

    /** A URI under this server. */
    public URI uri(String pathAndQuery) {
        return URI.create(url() + pathAndQuery);
    }

    private void dispatch(com.sun.net.httpserver.HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            for (HttpRoutes r : routes) {
                String p = r.pathPrefix();
                if (path.equals(p) || (!r.exactPath() && path.startsWith(p + "/"))) {
                    Exchange exchange = new Exchange(ex, path.substring(p.length()), refusals);
                    try {
                        r.handle(exchange);
                    } catch (RuntimeException e) {
                        if (!exchange.sent) {
                            ex.sendResponseHeaders(500, -1);
                        }
                    }
                    return;
                }
            }
            ex.sendResponseHeaders(404, -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static final class Exchange implements HttpExchange {
        private final com.sun.net.httpserver.HttpExchange ex;
        private final String subPath;
        private final List<String> refusals;
        private int status = 200;
        private boolean sent;

        Exchange(com.sun.net.httpserver.HttpExchange ex, String subPath, List<String> refusals) {
            this.ex = ex;
            this.subPath = subPath;
            this.refusals = refusals;
        }

        @Override
        public void refused(String limit, String reason) {
            refusals.add(limit);
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
            return subPath;
        }

        @Override
        public String query() {
            String q = ex.getRequestURI().getRawQuery();
            return q == null ? "" : q;
        }

        @Override
        public List<String> queryParameters(String name) {
            List<String> values = new ArrayList<>();
            for (String part : query().split("&")) {
                int eq = part.indexOf('=');
                String n = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
                if (n.equals(name)) {
                    values.add(eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            return values;
        }

        @Override
        public List<String> requestHeaders(String name) {
            List<String> v = ex.getRequestHeaders().get(name);
            return v == null ? List.of() : v;
        }

        @Override
        public List<String> requestHeaderNames() {
            return List.copyOf(ex.getRequestHeaders().keySet());
        }

        @Override
        public boolean secure() {
            return ex instanceof com.sun.net.httpserver.HttpsExchange;
        }

        @Override
        public long requestContentLength() {
            String v = ex.getRequestHeaders().getFirst("Content-Length");
            return v == null ? -1 : Long.parseLong(v);
        }

        @Override
        public InputStream requestBody() throws IOException {
            InputStream in = ex.getRequestBody();
            return "gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding")) ? new GZIPInputStream(in) : in;
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
            if (!sent) {
                sent = true;
                ex.sendResponseHeaders(status, 0);
            }
            return ex.getResponseBody();
        }

        @Override
        public void respond(int code, String contentType, String body) throws IOException {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", contentType);
            sent = true;
            ex.sendResponseHeaders(code, b.length == 0 ? -1 : b.length);
            if (b.length > 0) {
                ex.getResponseBody().write(b);
            }
        }
    }
}
