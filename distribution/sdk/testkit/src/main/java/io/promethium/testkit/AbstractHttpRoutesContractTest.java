package io.promethium.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.testing.RoutesServer;
import io.promethium.api.web.HttpRoutes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of an {@link HttpRoutes} service, served over real HTTP on loopback by the kit's
 * {@link RoutesServer} (which matches paths and turns an exception into a 500 as the server does).
 * A plugin's test extends this class, builds its routes and names a good request and, if the
 * routes take input, a bad one; the checks:
 * <ul>
 * <li>the prefix starts with {@code /}, has no trailing slash, no empty segment, query or
 *     fragment, and is not a path of the server's own nor above one (the web bundle would refuse
 *     to mount it); the {@code handler} label is not blank;</li>
 * <li>a good request is answered with a 2xx, a bad one with a 4xx (a client error, never a 5xx);</li>
 * <li>a path below the prefix that the routes do not serve is a 404 ({@link #unknownSubPath()});</li>
 * <li>concurrent good requests are all answered alike (the routes are called on many threads).</li>
 * </ul>
 */
public abstract class AbstractHttpRoutesContractTest {

    /**
     * Paths of the server's own that no route may take or hide (the Prometheus HTTP API, the
     * management endpoints, the server's pages); the web bundle refuses such a route.
     */
    protected static final List<String> SERVER_PATHS = List.of("/api/v1/query", "/api/v1/query_range",
            "/api/v1/query_exemplars", "/api/v1/series", "/api/v1/labels", "/api/v1/label/{name}/values",
            "/api/v1/targets", "/api/v1/targets/metadata", "/api/v1/metadata", "/api/v1/rules", "/api/v1/alerts",
            "/api/v1/alertmanagers", "/api/v1/status/config", "/api/v1/status/flags", "/api/v1/status/buildinfo",
            "/api/v1/status/runtimeinfo", "/api/v1/status/tsdb", "/api/v1/admin/tsdb/snapshot", "/-/ready",
            "/-/healthy", "/-/reload", "/-/quit", "/metrics", "/federate", "/graph");

    /** A request: method, path and query, headers and body (empty for none). */
    public record Request(String method, String pathAndQuery, Map<String, String> headers, byte[] body) {
        public static Request get(String pathAndQuery) {
            return new Request("GET", pathAndQuery, Map.of(), new byte[0]);
        }

        public static Request post(String pathAndQuery, String contentType, byte[] body) {
            return new Request("POST", pathAndQuery, Map.of("Content-Type", contentType), body);
        }
    }

    /** The loopback server serving {@link #routes}. */
    protected RoutesServer server;
    private HttpRoutes routes;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The routes under test, ready to serve. */
    protected abstract HttpRoutes routes() throws Exception;

    /** A request the routes answer with a 2xx. */
    protected abstract Request goodRequest() throws Exception;

    /** A request with bad input the routes refuse with a 4xx, or null when they take no input. */
    protected abstract Request badRequest() throws Exception;

    /**
     * A path below the prefix that the routes do not serve (a 404), or null when they serve every
     * path below it or only their exact path.
     */
    protected String unknownSubPath() {
        return "/no-such-path-of-the-contract-test";
    }

    @BeforeEach
    final void serveContract() throws Exception {
        routes = routes();
        server = new RoutesServer(routes);
    }

    @AfterEach
    final void stopContract() {
        if (server != null) {
            server.close();
        }
    }

    /** Sends one request to {@link #server}. */
    protected HttpResponse<String> send(Request r) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + r.pathAndQuery())).timeout(Duration.ofSeconds(10))
                .method(r.method(), r.body().length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(r.body()));
        r.headers().forEach(b::header);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void thePrefixIsAPathTheServerCanMount() {
        String p = routes.pathPrefix();
        assertThat(p).as("path prefix").startsWith("/").isNotEqualTo("/").doesNotEndWith("/").doesNotContain("//", "?", "#", " ");
        for (String own : SERVER_PATHS) {
            assertThat(own.equals(p) || (!routes.exactPath() && own.startsWith(p + "/")))
                    .as("the prefix %s takes or hides the server's %s", p, own).isFalse();
        }
        assertThat(routes.handlerLabel()).as("handler label").isNotBlank();
    }

    @Test
    void aGoodRequestIsAnsweredWithSuccess() throws Exception {
        HttpResponse<String> r = send(goodRequest());
        assertThat(r.statusCode()).as("status of the good request, body: " + r.body()).isBetween(200, 299);
    }

    @Test
    void aBadRequestIsAClientErrorNotAServerError() throws Exception {
        Request bad = badRequest();
        Assumptions.assumeTrue(bad != null, "the routes take no input");
        HttpResponse<String> r = send(bad);
        assertThat(r.statusCode()).as("status of the bad request, body: " + r.body()).isBetween(400, 499);
        assertThat(r.body()).as("a client error says what was wrong").isNotBlank();
    }

    @Test
    void aPathBelowThePrefixThatIsNotServedIsNotFound() throws Exception {
        String sub = unknownSubPath();
        Assumptions.assumeTrue(sub != null && !routes.exactPath(), "the routes serve every path below their prefix");
        HttpResponse<String> r = send(Request.get(routes.pathPrefix() + sub));
        assertThat(r.statusCode()).as("status of " + routes.pathPrefix() + sub).isEqualTo(404);
    }

    @Test
    void concurrentRequestsAreAllAnswered() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> runs = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                runs.add(pool.submit(() -> send(goodRequest()).statusCode()));
            }
            for (Future<Integer> run : runs) {
                assertThat(run.get()).isBetween(200, 299);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
