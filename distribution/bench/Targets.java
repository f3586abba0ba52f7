import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;

/** Loopback scrape targets for the bench programs: each serves the page its index is given at the time it is asked. */
final class Targets {
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private Targets() {
    }

    /** Writes target {@code target}'s page to {@code out} as it renders it. */
    interface PageWriter {
        void write(int target, OutputStream out) throws IOException;
    }

    /** {@code n} targets on loopback ports, target {@code i} answering {@code /metrics} with {@code page.apply(i)}; stop each when done. */
    static List<HttpServer> serve(int n, IntFunction<byte[]> page) throws IOException {
        return serve(0, n, page);
    }

    /** {@code n} targets on loopback ports, numbered from {@code first}: target {@code i} answers with {@code page.apply(i)}. */
    static List<HttpServer> serve(int first, int n, IntFunction<byte[]> page) throws IOException {
        return start(first, n, target -> exchange -> {
            byte[] body = page.apply(target);
            exchange.getResponseHeaders().add("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
    }

    /**
     * {@code n} targets numbered from {@code first} whose pages are written as they are rendered,
     * in chunked transfer encoding (as node_exporter sends a page larger than its write buffer).
     */
    static List<HttpServer> serveStreamed(int first, int n, PageWriter page) throws IOException {
        return start(first, n, target -> exchange -> {
            exchange.getResponseHeaders().add("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                page.write(target, out);
            }
        });
    }

    private static List<HttpServer> start(int first, int n, IntFunction<HttpHandler> handler) throws IOException {
        List<HttpServer> servers = new ArrayList<>();
        var executor = Executors.newVirtualThreadPerTaskExecutor();
        for (int i = first; i < first + n; i++) {
            var server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
            server.createContext("/metrics", handler.apply(i));
            server.setExecutor(executor);
            server.start();
            servers.add(server);
        }
        return servers;
    }
}
