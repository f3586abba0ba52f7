package io.promethium.web.internal.server;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Storage;
import io.promethium.promql.engine.EngineOptions;
import io.promethium.promql.engine.QueryEngine;
import io.promethium.scrape.ScrapeTargets;
import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The web bundle's Jetty and route table on a free loopback port, with a real TSDB in a temporary folder
 * and the real PromQL engine, for tests that talk HTTP to the resources.
 */
public final class ApiServer implements AutoCloseable {

    public final Path dir;
    public final Tsdb tsdb;
    public final ServiceSlot<Storage> storage = new ServiceSlot<>("storage");
    public final ServiceSlot<QueryEngine> engine = new ServiceSlot<>("query engine");
    public final ServiceSlot<ScrapeTargets> targets = new ServiceSlot<>("scrape manager");
    public final ServiceSlot<io.promethium.rules.RuleManager> rules = new ServiceSlot<>("rule manager");
    private final HttpServer server;
    public final io.promethium.web.internal.routes.RouteTable routes;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Starts with resources registered by {@code resources} against this server's slots. */
    public ApiServer(Consumer<Wiring> resources) throws Exception {
        this(new io.promethium.web.internal.metrics.HttpMetrics(), resources);
    }

    /** As {@link #ApiServer(Consumer)}, counting the route table's requests in {@code metrics}. */
    public ApiServer(io.promethium.web.internal.metrics.HttpMetrics metrics, Consumer<Wiring> resources) throws Exception {
        this(metrics, resources, false);
    }

    /** As {@link #ApiServer(Consumer)}, the web bundle's endpoints in agent mode ({@code --agent}). */
    public static ApiServer agent(Consumer<Wiring> resources) throws Exception {
        return new ApiServer(new io.promethium.web.internal.metrics.HttpMetrics(), resources, true);
    }

    /** As {@link #ApiServer(Consumer)}, served as the web config file says (TLS, HTTP/2); {@link #port()} for its URIs. */
    public static ApiServer withWebConfig(WebConfigFile webConfig, Consumer<Wiring> resources) throws Exception {
        return new ApiServer(new io.promethium.web.internal.metrics.HttpMetrics(), resources, false, webConfig);
    }

    private ApiServer(io.promethium.web.internal.metrics.HttpMetrics metrics, Consumer<Wiring> resources, boolean agent) throws Exception {
        this(metrics, resources, agent, WebConfigFile.NONE);
    }

    private ApiServer(io.promethium.web.internal.metrics.HttpMetrics metrics, Consumer<Wiring> resources, boolean agent,
                      WebConfigFile webConfig) throws Exception {
        dir = Files.createTempDirectory("web-test-");
        tsdb = Tsdb.open(TsdbOptions.defaults(dir.resolve("data")));
        storage.bind(tsdb);
        engine.bind(QueryEngine.create(EngineOptions.DEFAULTS));
        java.util.List<io.promethium.api.web.HttpRoutes> mounted = new java.util.ArrayList<>();
        java.util.List<io.promethium.web.internal.routes.Endpoints> endpoints = new java.util.ArrayList<>();
        resources.accept(new Wiring(endpoints, this, mounted));
        routes = new io.promethium.web.internal.routes.RouteTable();
        for (io.promethium.web.internal.routes.Endpoints family : endpoints) {
            family.routers(io.promethium.web.internal.api.FormValues.MAX_FORM_BYTES, agent).forEach(routes::addBuiltIn);
        }
        mounted.forEach(routes::add);
        server = new HttpServer("127.0.0.1:0", routes, metrics, webConfig, 30_000, 64);
        server.start();
    }

    /** What a test registers resources with. */
    public record Wiring(java.util.List<io.promethium.web.internal.routes.Endpoints> endpoints, ApiServer server,
                         java.util.List<io.promethium.api.web.HttpRoutes> routes) {
        /** A family of the web bundle's endpoints, or an {@code HttpRoutes} (mounted as a bundle's routes). */
        public void register(Object resource) {
            if (resource instanceof io.promethium.api.web.HttpRoutes r) {
                routes.add(r);
            } else {
                endpoints.add((io.promethium.web.internal.routes.Endpoints) resource);
            }
        }

        public Clock clock() {
            return Clock.systemUTC();
        }
    }

    /** Appends samples {@code (t, v)} pairs to one series and commits. */
    public void append(Labels labels, long... tv) {
        Appender a = tsdb.appender();
        for (int i = 0; i < tv.length; i += 2) {
            a.append(0, labels, tv[i], tv[i + 1]);
        }
        a.commit();
    }

    public void appendValue(Labels labels, long t, double v) {
        Appender a = tsdb.appender();
        a.append(0, labels, t, v);
        a.commit();
    }

    public int port() {
        return server.port();
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    public HttpResponse<String> get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).GET());
    }

    public HttpResponse<String> postForm(String path, String form) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        HttpRequest built = request.timeout(Duration.ofSeconds(30)).build();
        try {
            try {
                return client.send(built, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                // The JDK client may reuse a pooled connection the server closed after its previous answer (a refused
                // body it did not read) before the close reached it, and does not retry a POST: once on a new connection.
                if (!String.valueOf(e.getMessage()).contains("received no bytes")) {
                    throw e;
                }
                return client.send(built, HttpResponse.BodyHandlers.ofString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<byte[]> sendBytes(HttpRequest.Builder request) {
        try {
            return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        server.stop();
        tsdb.close();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
