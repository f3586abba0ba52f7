package io.promethium.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.alerting.internal.NotifierManager;
import io.promethium.api.model.Labels;
import io.promethium.api.notify.Alert;
import io.promethium.api.testing.TestCertificates;
import io.promethium.config.ConfigLoader;
import io.promethium.config.PluginKeys;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.testsupport.AlpnRecordingServer;
import io.promethium.testsupport.HttpClientConfigPeers;
import io.promethium.testsupport.LoopbackProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

    private HttpClientConfigPeers peers;
    private LoopbackProxy proxy;
    private NotifierManager manager;

    @BeforeAll
    static void certificate() throws Exception {
        tls = TestCertificates.create(dir);
    }

    @BeforeEach
    void start() throws Exception {
        peers = new HttpClientConfigPeers(tls, "/api/v2/alerts", "application/json", "", "/old/api/v2/alerts", 307);
        proxy = peers.proxy();
    }

    @AfterEach
    void stop() {
        if (manager != null) {
            manager.close(Duration.ofSeconds(1));
        }
        peers.close();
    }

    private int port() {
        return peers.port();
    }

    /** What reached the Alertmanager: its headers, and whether the alert was in the body. */
    private List<String> posts() {
        List<String> posts = new java.util.ArrayList<>();
        for (int i = 0; i < peers.seen().size(); i++) {
            posts.add(peers.seen().get(i) + " alert=" + peers.bodies().get(i).contains("\"alertname\":\"A\""));
        }
        return posts;
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
        await(() -> peers.seen().size() == 1);
        assertThat(proxy.requests()).containsExactly(new LoopbackProxy.Request("POST http://127.0.0.1:" + port() + "/api/v2/alerts",
                "Basic dXNlcjpwdw=="));
        assertThat(posts().get(0)).contains("proxy-auth=null").contains("alert=true");
    }

    @Test
    void httpsAlertmanagersAreReachedThroughAConnectTunnelWithProxyConnectHeader() throws Exception {
        int port = peers.httpsPort();
        apply("127.0.0.1:" + port, "scheme: https\nproxy_url: " + proxy.url()
                + "\nproxy_connect_header:\n  Proxy-Authorization: [Basic cHJveHk6c2VjcmV0]\ntls_config:\n  ca_file: " + tls.caPem());
        send();
        await(() -> peers.seen().size() == 1);
        assertThat(proxy.requests()).containsExactly(new LoopbackProxy.Request("CONNECT 127.0.0.1:" + port, "Basic cHJveHk6c2VjcmV0"));
        assertThat(posts().get(0)).contains("proxy-auth=null");
    }

    @Test
    void noProxyAlertmanagersArePostedToDirectly() throws Exception {
        apply("127.0.0.1:" + port(), "proxy_url: " + proxy.url() + "\nno_proxy: 127.0.0.0/8");
        send();
        await(() -> peers.seen().size() == 1);
        assertThat(proxy.requests()).isEmpty();
    }

    @Test
    void oauth2TokensAreFetchedCachedAndRefreshed() throws Exception {
        apply("127.0.0.1:" + port(), "oauth2:\n  client_id: prom\n  client_secret: s\n  token_url: http://127.0.0.1:" + port() + "/token");
        send();
        await(() -> peers.seen().size() == 1);
        send();
        await(() -> peers.seen().size() == 2);
        assertThat(peers.tokens()).isEqualTo(1);
        Thread.sleep(1500);
        send();
        await(() -> peers.seen().size() == 3);
        assertThat(peers.tokens()).isEqualTo(2);
        assertThat(posts()).extracting(p -> p.substring(0, p.indexOf(" proxy")))
                .containsExactly("auth=Bearer tok-1", "auth=Bearer tok-1", "auth=Bearer tok-2");
    }

    @Test
    void redirectsAreFollowedUnlessFollowRedirectsIsFalse() throws Exception {
        apply("127.0.0.1:" + port(), "path_prefix: /old");
        send();
        await(() -> peers.seen().size() == 1);
        assertThat(posts().get(0)).contains("alert=true");
        manager.close(Duration.ofSeconds(1));
        apply("127.0.0.1:" + port(), "path_prefix: /old\nfollow_redirects: false");
        send();
        await(() -> manager.dropped() > 0 || errors() > 0);
        assertThat(posts()).hasSize(1);
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
        await(() -> peers.seen().size() == 1);
        assertThat(posts().get(0)).contains("visible, hidden-value").contains("from-file");
        assertThat(load("127.0.0.1:" + port(), yaml).redactedYaml()).contains("visible").contains("<secret>").doesNotContain("hidden-value");
    }
}
