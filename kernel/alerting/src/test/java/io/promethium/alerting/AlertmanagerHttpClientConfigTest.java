package io.promethium.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.promethium.alerting.internal.NotifierManager;
import io.promethium.api.model.Labels;
import io.promethium.api.notify.Alert;
import io.promethium.api.testing.AlpnRecordingServer;
import io.promethium.api.testing.LoopbackProxy;
import io.promethium.api.testing.TestCertificates;
import io.promethium.config.ConfigLoader;
import io.promethium.config.PluginKeys;
import io.promethium.config.model.PrometheusConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Alertmanager sender applies the whole {@code http_client_config} of an
 * {@code alerting.alertmanagers} entry through the kernel's one implementation, read from YAML as
 * in {@code prometheus.yml}: proxies (plain and CONNECT), OAuth2 client credentials,
 * {@code follow_redirects}, {@code enable_http2} and {@code http_headers}. Loopback only.
 */
class AlertmanagerHttpClientConfigTest {

    @TempDir
    static Path dir;
    private static TestCertificates tls;

    private HttpServer server;
    private HttpsServer httpsServer;
    private LoopbackProxy proxy;
    private NotifierManager manager;
    private final List<String> posts = new CopyOnWriteArrayList<>();
    private final AtomicInteger tokens = new AtomicInteger();

    @BeforeAll
    static void certificate() throws Exception {
        tls = TestCertificates.create(dir);
    }

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v2/alerts", this::alerts);
        server.createContext("/old/api/v2/alerts", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Location", "/api/v2/alerts");
            exchange.sendResponseHeaders(307, -1);
            exchange.close();
        });
        server.createContext("/token", exchange -> {
            exchange.getRequestBody().readAllBytes();
            // 11 s: refreshed 10 s before expiry, so the token is good for about 1 s.
            respond(exchange, 200, "{\"access_token\":\"tok-" + tokens.incrementAndGet() + "\",\"token_type\":\"bearer\",\"expires_in\":11}");
        });
        server.start();
        httpsServer = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        httpsServer.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
        httpsServer.createContext("/api/v2/alerts", this::alerts);
        httpsServer.start();
        proxy = new LoopbackProxy();
    }

    @AfterEach
    void stop() {
        if (manager != null) {
            manager.close(Duration.ofSeconds(1));
        }
        server.stop(0);
        httpsServer.stop(0);
        proxy.close();
    }

    private void alerts(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        posts.add("auth=" + exchange.getRequestHeaders().getFirst("Authorization")
                + " proxy-auth=" + exchange.getRequestHeaders().getFirst("Proxy-Authorization")
                + " x-team=" + exchange.getRequestHeaders().get("X-Team") + " alert=" + body.contains("\"alertname\":\"A\""));
        respond(exchange, 200, "");
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private int port() {
        return server.getAddress().getPort();
    }

    private static PrometheusConfig load(String target, String amYaml) throws Exception {
        String text = "alerting:\n  alertmanagers:\n    - timeout: 10s\n      static_configs:\n        - targets: ['" + target + "']\n      "
                + amYaml.strip().replace("\n", "\n      ") + "\n";
        Path file = dir.resolve("prometheus.yml");
        Files.writeString(file, text);
        return new ConfigLoader(PluginKeys.NONE).parse(file, text);
    }

    private void apply(String target, String amYaml) throws Exception {
        manager = new NotifierManager(100, true);
        manager.applyConfig(load(target, amYaml));
    }

    private void send() {
        manager.send(List.of(new Alert(Labels.of("alertname", "A"), Labels.EMPTY, Instant.now(), Instant.now().plusSeconds(60), "")));
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met in 20 s");
            }
            Thread.sleep(10);
        }
    }

    @Test
    void alertsArePostedThroughProxyUrlWithItsUserInfoAsProxyAuthorization() throws Exception {
        apply("127.0.0.1:" + port(), "proxy_url: http://user:pw@" + proxy.url().substring("http://".length()));
        send();
        await(() -> posts.size() == 1);
        assertThat(proxy.requests()).containsExactly(new LoopbackProxy.Request("POST http://127.0.0.1:" + port() + "/api/v2/alerts",
                "Basic dXNlcjpwdw=="));
        assertThat(posts.get(0)).contains("proxy-auth=null").contains("alert=true");
    }

    @Test
    void httpsAlertmanagersAreReachedThroughAConnectTunnelWithProxyConnectHeader() throws Exception {
        int port = httpsServer.getAddress().getPort();
        apply("127.0.0.1:" + port, "scheme: https\nproxy_url: " + proxy.url()
                + "\nproxy_connect_header:\n  Proxy-Authorization: [Basic cHJveHk6c2VjcmV0]\ntls_config:\n  ca_file: " + tls.caPem());
        send();
        await(() -> posts.size() == 1);
        assertThat(proxy.requests()).containsExactly(new LoopbackProxy.Request("CONNECT 127.0.0.1:" + port, "Basic cHJveHk6c2VjcmV0"));
        assertThat(posts.get(0)).contains("proxy-auth=null");
    }

    @Test
    void noProxyAlertmanagersArePostedToDirectly() throws Exception {
        apply("127.0.0.1:" + port(), "proxy_url: " + proxy.url() + "\nno_proxy: 127.0.0.0/8");
        send();
        await(() -> posts.size() == 1);
        assertThat(proxy.requests()).isEmpty();
    }

    @Test
    void oauth2TokensAreFetchedCachedAndRefreshed() throws Exception {
        apply("127.0.0.1:" + port(), "oauth2:\n  client_id: prom\n  client_secret: s\n  token_url: http://127.0.0.1:" + port() + "/token");
        send();
        await(() -> posts.size() == 1);
        send();
        await(() -> posts.size() == 2);
        assertThat(tokens).hasValue(1);
        Thread.sleep(1500);
        send();
        await(() -> posts.size() == 3);
        assertThat(tokens).hasValue(2);
        assertThat(posts).extracting(p -> p.substring(0, p.indexOf(" proxy")))
                .containsExactly("auth=Bearer tok-1", "auth=Bearer tok-1", "auth=Bearer tok-2");
    }

    @Test
    void redirectsAreFollowedUnlessFollowRedirectsIsFalse() throws Exception {
        apply("127.0.0.1:" + port(), "path_prefix: /old");
        send();
        await(() -> posts.size() == 1);
        assertThat(posts.get(0)).contains("alert=true");
        manager.close(Duration.ofSeconds(1));
        apply("127.0.0.1:" + port(), "path_prefix: /old\nfollow_redirects: false");
        send();
        await(() -> manager.dropped() > 0 || errors() > 0);
        assertThat(posts).hasSize(1);
    }

    private double errors() {
        double[] total = new double[1];
        manager.collect(new io.promethium.api.collect.MetricWriter() {
            @Override
            public void family(String name, io.promethium.api.model.MetricType type, String help, String unit) {
            }

            @Override
            public void sample(String name, Labels labels, double value) {
                if (name.equals("prometheus_notifications_errors_total")) {
                    total[0] += value;
                }
            }
        });
        return total[0];
    }

    @Test
    void enableHttp2FalseNeverOffersHttp2() throws Exception {
        try (AlpnRecordingServer alpn = new AlpnRecordingServer(tls.serverContext(), "application/json", "")) {
            apply("127.0.0.1:" + alpn.port(), "scheme: https\ntls_config:\n  ca_file: " + tls.caPem());
            send();
            await(() -> alpn.requestLines().size() == 1);
            assertThat(alpn.offered().get(0)).contains("h2");
            manager.close(Duration.ofSeconds(1));
            apply("127.0.0.1:" + alpn.port(), "scheme: https\nenable_http2: false\ntls_config:\n  ca_file: " + tls.caPem());
            send();
            await(() -> alpn.requestLines().size() == 2);
            assertThat(alpn.offered().get(1)).doesNotContain("h2");
            assertThat(alpn.requestLines()).allMatch(line -> line.equals("POST /api/v2/alerts HTTP/1.1"));
        }
    }

    @Test
    void httpHeadersAreSentAndTheirSecretsMaskedInTheShownConfig() throws Exception {
        Files.writeString(dir.resolve("team.txt"), "from-file\n");
        String yaml = "http_headers:\n  X-Team:\n    values: [visible]\n    secrets: [hidden-value]\n    files: [team.txt]";
        apply("127.0.0.1:" + port(), yaml);
        send();
        await(() -> posts.size() == 1);
        assertThat(posts.get(0)).contains("visible, hidden-value").contains("from-file");
        assertThat(load("127.0.0.1:" + port(), yaml).redactedYaml()).contains("visible").contains("<secret>").doesNotContain("hidden-value");
    }
}
