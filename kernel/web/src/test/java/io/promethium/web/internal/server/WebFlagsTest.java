package io.promethium.web.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.web.HttpExchange;
import io.promethium.api.web.HttpRoutes;
import io.promethium.web.internal.api.CorsPolicy;
import io.promethium.web.internal.metrics.HttpMetrics;
import io.promethium.web.internal.routes.Endpoints;
import io.promethium.web.internal.routes.RouteTable;
import io.promethium.web.internal.routes.Router;
import io.promethium.web.internal.routes.RoutesHandler;
import io.promethium.web.internal.ui.UiAssets;
import io.promethium.web.internal.ui.UiResource;
import io.promethium.web.internal.ui.UserAssetsResource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web flags a Prometheus user passes: route prefix, CORS, connection limit, page title, user assets. */
class WebFlagsTest {

    /** A built-in endpoint of the web bundle's kind. */
    private static final Endpoints PING = (formLimit, agent) -> List.of(Router.under("/api/v1/ping")
            .get("/api/v1/ping", call -> call.respond(200, "text/plain", "pong")).build());

    private record Echo(String pathPrefix) implements HttpRoutes {
        @Override
        public void handle(HttpExchange exchange) throws IOException {
            exchange.respond(200, "text/plain", exchange.path() + " sub=" + exchange.subPath() + " raw=" + exchange.rawPath());
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpServer start(String routePrefix, String cors, int maxConnections, Consumer<List<Endpoints>> resources)
            throws Exception {
        List<Endpoints> endpoints = new java.util.ArrayList<>();
        endpoints.add(PING);
        resources.accept(endpoints);
        RouteTable routes = new RouteTable();
        for (Endpoints family : endpoints) {
            family.routers(1 << 20, false).forEach(routes::addBuiltIn);
        }
        routes.add(new Echo("/custom"));
        CorsPolicy corsFilter = new CorsPolicy(cors);
        HttpServer server = new HttpServer("127.0.0.1:0", new RoutesHandler(routes, new HttpMetrics(), corsFilter, routePrefix),
                WebConfigFile.NONE, 30_000, maxConnections, routePrefix);
        server.start();
        return server;
    }

    private HttpResponse<String> send(HttpServer server, HttpRequest.Builder request, String path) throws Exception {
        return client.send(request.uri(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(HttpServer server, String path) throws Exception {
        return send(server, HttpRequest.newBuilder().GET(), path);
    }

    @Test
    void severalListenAddressesAreEachServedWithTheWebConfigsTls(@TempDir java.nio.file.Path dir) throws Exception {
        io.promethium.api.testing.TestCertificates certs = io.promethium.api.testing.TestCertificates.create(dir);
        java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(certs.serverKeyStore())) {
            keys.load(in, io.promethium.api.testing.TestCertificates.PASSWORD.toCharArray());
        }
        java.security.Key key = keys.getKey("server", io.promethium.api.testing.TestCertificates.PASSWORD.toCharArray());
        java.nio.file.Path keyFile = dir.resolve("server.key");
        Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        WebConfigFile tls = new WebConfigFile(dir.resolve("server.pem"), keyFile, java.util.Map.of());
        RouteTable table = new RouteTable();
        PING.routers(1 << 20, false).forEach(table::addBuiltIn);
        HttpServer server = new HttpServer("127.0.0.1:0, 127.0.0.1:0", new RoutesHandler(table, new HttpMetrics(), null, "/"), tls, 30_000, 8, "/");
        server.start();
        try {
            assertThat(server.ports()).hasSize(2).doesNotHaveDuplicates();
            java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            try (InputStream in = Files.newInputStream(certs.caPem())) {
                trust.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            HttpClient tlsClient = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
            for (int port : server.ports()) {
                HttpResponse<String> response = tlsClient.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/api/v1/ping"))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.body()).as("port " + port).isEqualTo("pong");
                assertThat(response.sslSession()).isPresent();
            }
        } finally {
            server.stop();
        }
    }

    @Test
    void aListenAddressListIsSplitAtCommas() {
        assertThat(HttpServer.listenAddresses("0.0.0.0:9090")).containsExactly("0.0.0.0:9090");
        assertThat(HttpServer.listenAddresses("127.0.0.1:9090,[::1]:9091")).containsExactly("127.0.0.1:9090", "[::1]:9091");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HttpServer.listenAddresses(" , ")).hasMessageContaining("no listen address");
    }

    @Test
    void routePrefixIsTheFlagOrElseThePathOfTheExternalUrlAsPrometheusComputesIt() {
        assertThat(HttpServer.routePrefix("", "")).isEqualTo("/");
        assertThat(HttpServer.routePrefix(null, "http://localhost:9090")).isEqualTo("/");
        assertThat(HttpServer.routePrefix("", "https://example.org/prom/")).isEqualTo("/prom");
        assertThat(HttpServer.routePrefix("/x/y/", "https://example.org/prom/")).isEqualTo("/x/y");
        assertThat(HttpServer.routePrefix("x", "")).isEqualTo("/x");
        assertThat(HttpServer.routePrefix("/", "https://example.org/prom/")).isEqualTo("/");
    }

    @Test
    void withARoutePrefixEveryRouteIsServedUnderItAndTheRootRedirectsThere() throws Exception {
        HttpServer server = start("/prom", ".*", 0, a -> { });
        try {
            assertThat(get(server, "/prom/api/v1/ping").body()).isEqualTo("pong");
            assertThat(get(server, "/api/v1/ping").statusCode()).isEqualTo(404);
            HttpResponse<String> root = get(server, "/");
            assertThat(root.statusCode()).isEqualTo(302);
            assertThat(root.headers().firstValue("Location").orElseThrow()).endsWith("/prom");
            HttpResponse<String> custom = get(server, "/prom/custom/a%20b");
            assertThat(custom.statusCode()).isEqualTo(200);
            assertThat(custom.body()).isEqualTo("/custom/a b sub=/a b raw=/custom/a%20b");
            assertThat(get(server, "/custom/a").statusCode()).isEqualTo(404);
            HttpResponse<String> outside = get(server, "/other");
            assertThat(outside.body()).as("Prometheus's plain 404 outside the prefix too").isEqualTo("404 page not found\n");
            HttpResponse<String> bare = get(server, "/prom?x=1");
            assertThat(bare.statusCode()).isEqualTo(301);
            assertThat(bare.headers().firstValue("Location").orElseThrow()).endsWith("/prom/?x=1");
        } finally {
            server.stop();
        }
    }

    @Test
    void corsHeadersOnTheApiFollowTheAnchoredOriginPattern() throws Exception {
        HttpServer server = start("/", "https?://(a|b)\\.example", 0, a -> { });
        try {
            HttpResponse<String> allowed = send(server, HttpRequest.newBuilder().GET().header("Origin", "https://a.example"),
                    "/api/v1/ping");
            assertThat(allowed.body()).isEqualTo("pong");
            assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://a.example");
            assertThat(allowed.headers().firstValue("Access-Control-Allow-Methods")).hasValue("GET, POST, OPTIONS");
            assertThat(allowed.headers().firstValue("Vary")).hasValue("Origin");
            HttpResponse<String> other = send(server, HttpRequest.newBuilder().GET().header("Origin", "https://a.example.evil"),
                    "/api/v1/ping");
            assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
            assertThat(other.headers().firstValue("Vary")).hasValue("Origin");
            HttpResponse<String> noOrigin = get(server, "/api/v1/ping");
            assertThat(noOrigin.headers().firstValue("Access-Control-Allow-Methods")).isEmpty();
            HttpResponse<String> preflight = send(server, HttpRequest.newBuilder()
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "http://b.example"), "/api/v1/query");
            assertThat(preflight.statusCode()).isEqualTo(200);
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://b.example");
            HttpResponse<String> outsideApi = send(server, HttpRequest.newBuilder().GET().header("Origin", "https://a.example"),
                    "/custom/x");
            assertThat(outsideApi.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        } finally {
            server.stop();
        }
        HttpServer any = start("/", ".*", 0, a -> { });
        try {
            HttpResponse<String> r = send(any, HttpRequest.newBuilder().GET().header("Origin", "https://x.example"), "/api/v1/ping");
            assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        } finally {
            any.stop();
        }
    }

    @Test
    void searchMaxLimitIsANonNegativeIntegerAndSearchApiAFeatureOfTheList() {
        assertThat(WebComponent.searchMaxLimit("0")).isZero();
        assertThat(WebComponent.searchMaxLimit("10000")).isEqualTo(10_000);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WebComponent.searchMaxLimit("-1"))
                .hasMessage("--web.search.max-limit must be non-negative; got -1 (use 0 to disable the cap)");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WebComponent.searchMaxLimit("lots"))
                .hasMessageContaining("--web.search.max-limit").hasMessageContaining("lots");
        assertThat(WebComponent.enabledFeature("exemplar-storage, search-api", "search-api")).isTrue();
        assertThat(WebComponent.enabledFeature("search-apis", "search-api")).isFalse();
    }

    @Test
    void anInvalidCorsPatternIsAnErrorNamingTheFlag() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new CorsPolicy("(unclosed"))
                .hasMessageContaining("--web.cors.origin").hasMessageContaining("(unclosed");
    }

    @Test
    void beyondMaxConnectionsANewConnectionWaitsUntilOneCloses() throws Exception {
        HttpServer server = start("/", ".*", 2, a -> { });
        try (Socket first = open(server); Socket second = open(server); Socket third = new Socket("127.0.0.1", server.port())) {
            third.setSoTimeout(1500);
            request(third);
            assertThat(readStatusLine(third)).as("the third connection is not served while two are open").isNull();
            first.close();
            third.setSoTimeout(20_000);
            assertThat(readStatusLine(third)).startsWith("HTTP/1.1 200");
        } finally {
            server.stop();
        }
    }

    /** A connection the server has accepted and answered once, kept open. */
    private static Socket open(HttpServer server) throws IOException {
        Socket s = new Socket("127.0.0.1", server.port());
        s.setSoTimeout(20_000);
        request(s);
        assertThat(readStatusLine(s)).startsWith("HTTP/1.1 200");
        return s;
    }

    private static void request(Socket s) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write("GET /api/v1/ping HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** The status line of the next response (its body is small enough to leave unread), or null on time-out. */
    private static String readStatusLine(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder line = new StringBuilder();
        try {
            byte[] buf = new byte[4096];
            int n = in.read(buf);
            if (n < 0) {
                return "closed";
            }
            line.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
        } catch (SocketTimeoutException e) {
            return null;
        }
        int end = line.indexOf("\r\n");
        return end < 0 ? line.toString() : line.substring(0, end);
    }

    @Test
    void thePageTitleIsTheDocumentTitleOfEveryUiPage() throws Exception {
        HttpServer server = start("/", ".*", 0, a -> a.add(new UiResource(UiAssets.load(), "", false, "Prod <EU>")));
        try {
            String page = get(server, "/query").body();
            assertThat(page).contains("<title>Prod &lt;EU&gt;</title>")
                    .contains("<meta name=\"promethium-title\" content=\"Prod &lt;EU&gt;\">");
        } finally {
            server.stop();
        }
    }

    @Test
    void userAssetsAreServedUnderUserAndNothingOutsideTheirFolder(@TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path assets = Files.createDirectories(dir.resolve("assets"));
        Files.writeString(assets.resolve("logo.css"), "body{}");
        Files.createDirectories(assets.resolve("sub"));
        Files.writeString(assets.resolve("sub/x.txt"), "deep");
        Files.writeString(dir.resolve("secret.txt"), "no");
        HttpServer server = start("/prom", ".*", 0, a -> a.add(new UserAssetsResource(assets)));
        try {
            HttpResponse<String> css = get(server, "/prom/user/logo.css");
            assertThat(css.statusCode()).isEqualTo(200);
            assertThat(css.body()).isEqualTo("body{}");
            assertThat(css.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/css");
            assertThat(get(server, "/prom/user/sub/x.txt").body()).isEqualTo("deep");
            assertThat(get(server, "/prom/user/missing.css").statusCode()).isEqualTo(404);
            assertThat(get(server, "/prom/user/%2e%2e/secret.txt").statusCode()).isIn(400, 404);
            assertThat(get(server, "/prom/user/sub").statusCode()).isEqualTo(404);
        } finally {
            server.stop();
        }
    }
}
