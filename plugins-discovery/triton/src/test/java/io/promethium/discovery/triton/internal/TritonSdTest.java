package io.promethium.discovery.triton.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.testing.DiscoveryHarness;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.api.testing.TestCertificates;
import io.promethium.testkit.HttpConfigClientFactory;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Triton SD against a loopback HTTPS stand-in of Triton's discovery endpoint (Joyent's
 * Prometheus discovery API: {@code /v1/discover} and {@code /v1/gz/discover}), trusted through
 * {@code tls_config.ca_file}, answering containers and compute nodes as Triton documents them.
 */
class TritonSdTest {

    /** The CA and server certificate, made once for the class: each keytool run starts a JVM, seven of them took seconds a test. */
    @TempDir
    static Path certificateDir;
    private static TestCertificates certificates;

    @TempDir
    Path dir;
    private HttpsServer server;
    private ExecutorService executor;
    private DiscoveryHarness harness;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String retryAfter;
    private volatile boolean hang;
    private volatile String containers = """
            {"containers": [
              {"groups": ["foo", "bar", "baz"], "server_uuid": "44454c4c-5000-104d-8037-b7c04f5a5131", "vm_alias": "server01",
               "vm_brand": "lx", "vm_image_uuid": "7b27a514-89d7-11e6-bee6-3f96f367bee7", "vm_uuid": "ad466fbf-46a2-4027-9b64-8d3cdb7e9072"},
              {"server_uuid": "a5894692-bd32-4ca1-908a-e2dda3c3a5e6", "vm_alias": "server02", "vm_brand": "kvm",
               "vm_image_uuid": "a5894692-bd32-4ca1-908a-e2dda3c3a5e6", "vm_uuid": "d2bf8ead-5a5c-4d7b-a9ab-b7ea8d4c0d5a"}]}""";

    @BeforeAll
    static void makeCertificates() throws Exception {
        certificates = TestCertificates.create(certificateDir);
    }

    @BeforeEach
    void startTriton() throws Exception {
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(certificates.serverContext()));
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestURI().toString());
            String path = exchange.getRequestURI().getPath();
            String body = path.equals("/v1/discover") ? containers : path.equals("/v1/gz/discover")
                    ? "{\"cns\": [{\"server_uuid\": \"44454c4c-5000-104d-8037-b7c04f5a5131\", \"server_hostname\": \"cn01\"}]}" : "";
            if (hang) {
                try {
                    Thread.sleep(2_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (retryAfter != null) {
                exchange.getResponseHeaders().set("Retry-After", retryAfter);
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(body.isEmpty() ? 404 : status, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        harness = new DiscoveryHarness(dir, "triton-job", new HttpConfigClientFactory());
    }

    @AfterEach
    void stop() {
        harness.close();
        server.stop(0);
        executor.shutdownNow();
    }

    private Map<String, Object> block(Map<String, Object> extra) {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("account", "testAccount");
        block.put("dns_suffix", "triton.example.com");
        block.put("endpoint", "localhost");
        block.put("port", server.getAddress().getPort());
        block.put("refresh_interval", "300ms");
        block.put("tls_config", Map.of("ca_file", certificates.caPem().toString()));
        block.putAll(extra);
        return block;
    }

    @Test
    void containersAreTargetsWithPrometheusLabels() throws Exception {
        harness.start(new TritonDiscovererFactory(), "triton_sd_configs", block(Map.of("groups", List.of("foo", "bar"))));
        int port = server.getAddress().getPort();
        String source = "https://localhost:" + port + "/v1/discover?groups=foo%2Cbar";
        TargetGroup g = harness.await(m -> m.containsKey(source)).get(source);
        String p = "__meta_triton_";
        Map<String, String> first = new java.util.HashMap<>(Map.of("__address__", "ad466fbf-46a2-4027-9b64-8d3cdb7e9072.triton.example.com:"
                + port, p + "machine_id", "ad466fbf-46a2-4027-9b64-8d3cdb7e9072", p + "machine_alias", "server01", p + "machine_brand", "lx",
                p + "machine_image", "7b27a514-89d7-11e6-bee6-3f96f367bee7", p + "server_id", "44454c4c-5000-104d-8037-b7c04f5a5131",
                p + "groups", ",foo,bar,baz,"));
        assertThat(g.targets()).hasSize(2);
        assertThat(g.targets().get(0)).isEqualTo(Labels.fromMap(first));
        assertThat(requests.get(0)).isEqualTo("/v1/discover?groups=foo%2Cbar");
    }

    @Test
    void computeNodesAreTargetsWithRoleCn() throws Exception {
        harness.start(new TritonDiscovererFactory(), "triton_sd_configs", block(Map.of("role", "cn")));
        int port = server.getAddress().getPort();
        String source = "https://localhost:" + port + "/v1/gz/discover";
        assertThat(harness.await(m -> m.containsKey(source)).get(source).targets()).containsExactly(Labels.fromMap(Map.of(
                "__address__", "44454c4c-5000-104d-8037-b7c04f5a5131.triton.example.com:" + port, "__meta_triton_machine_id",
                "44454c4c-5000-104d-8037-b7c04f5a5131", "__meta_triton_machine_alias", "cn01")));
    }

    @Test
    void anUntrustedServerFailsAndFailuresKeepTheLastTargets() throws Exception {
        Map<String, Object> untrusted = new LinkedHashMap<>(block(Map.of()));
        untrusted.remove("tls_config");
        DiscoveryHarness other = new DiscoveryHarness(dir, "triton-untrusted", new HttpConfigClientFactory());
        try {
            other.start(new TritonDiscovererFactory(), "triton_sd_configs", untrusted);
            other.awaitWarning("an error occurred when requesting targets from the discovery endpoint");
        } finally {
            other.close();
        }
        harness.start(new TritonDiscovererFactory(), "triton_sd_configs", block(Map.of()));
        harness.await(m -> m.values().stream().anyMatch(g -> g.targets().size() == 2));
        status = 500;
        harness.awaitWarning(" 500 ");
        status = 200;
        containers = "{\"containers\": [garbage";
        harness.awaitWarning("the answer is not JSON");
        assertThat(harness.groups().values().iterator().next().targets()).hasSize(2);
        containers = "{\"containers\": []}";
        harness.await(m -> m.values().iterator().next().targets().isEmpty());
    }

    @Test
    void aHangTimesOutAndAThrottledEndpointIsNotAskedBeforeRetryAfter() throws Exception {
        harness.start(new TritonDiscovererFactory(), "triton_sd_configs", block(Map.of()));
        harness.await(m -> m.values().stream().anyMatch(g -> g.targets().size() == 2));
        hang = true;
        harness.awaitWarning("no answer within 300 ms");
        hang = false;
        retryAfter = "2";
        status = 429;
        harness.awaitWarning("429 Too Many Requests; retry after 2000 ms");
        int asked = requests.size();
        Thread.sleep(1000);
        assertThat(requests.size()).as("no request before Retry-After").isEqualTo(asked);
        assertThat(harness.groups().values().iterator().next().targets()).hasSize(2);
        assertThat(harness.context().metrics().value("prometheus_sd_refresh_failures_total", "triton", "triton-job"))
                .isGreaterThanOrEqualTo(2);
        retryAfter = null;
        status = 200;
        containers = "{\"containers\": []}";
        harness.await(m -> m.values().iterator().next().targets().isEmpty());
    }

    /**
     * Triton's discovery endpoint authenticates its clients by certificate: a stand-in that requires
     * one (trusting the test CA) refuses the handshake without {@code tls_config.cert_file}/{@code key_file}
     * and answers with them (the server's own CA-signed certificate and key, as a client's).
     */
    @Test
    void anEndpointThatRequiresAClientCertificateGetsTheOneOfTlsConfig() throws Exception {
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(certificates.serverKeyStore())) {
            store.load(in, TestCertificates.PASSWORD.toCharArray());
        }
        java.security.Key key = store.getKey("server", TestCertificates.PASSWORD.toCharArray());
        Path keyFile = dir.resolve("client-key.pem");
        java.nio.file.Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(key.getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        javax.net.ssl.KeyManagerFactory keys = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, TestCertificates.PASSWORD.toCharArray());
        javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        HttpsServer mutual = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        mutual.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(com.sun.net.httpserver.HttpsParameters params) {
                params.setNeedClientAuth(true);
            }
        });
        mutual.setExecutor(executor);
        mutual.createContext("/v1/discover", exchange -> {
            byte[] bytes = containers.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        mutual.start();
        try {
            Map<String, Object> block = block(Map.of("port", mutual.getAddress().getPort()));
            DiscoveryHarness without = new DiscoveryHarness(dir, "triton-no-cert", new HttpConfigClientFactory());
            try {
                without.start(new TritonDiscovererFactory(), "triton_sd_configs", block);
                without.awaitWarning("an error occurred when requesting targets from the discovery endpoint");
                assertThat(without.groups()).isEmpty();
            } finally {
                without.close();
            }
            block.put("tls_config", Map.of("ca_file", certificates.caPem().toString(), "cert_file",
                    certificateDir.resolve("server.pem").toString(), "key_file", keyFile.toString()));
            harness.start(new TritonDiscovererFactory(), "triton_sd_configs", block);
            harness.await(m -> m.values().stream().anyMatch(g -> g.targets().size() == 2));
        } finally {
            mutual.stop(0);
        }
    }

    @Test
    void configIsValidatedWithPrometheusRules() {
        TritonDiscovererFactory factory = new TritonDiscovererFactory();
        assertThatThrownBy(() -> factory.validate(new PluginConfig("triton_sd_configs", Map.of("role", "vm"), "prometheus.yml:3:7")))
                .hasMessage("prometheus.yml:3:7: triton SD configuration requires role to be 'container' or 'cn'");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("triton_sd_configs", Map.of(), "prometheus.yml:3:7")))
                .hasMessage("prometheus.yml:3:7: triton SD configuration requires an account");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("triton_sd_configs", Map.of("account", "a"), "prometheus.yml:3:7")))
                .hasMessage("prometheus.yml:3:7: triton SD configuration requires a dns_suffix");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("triton_sd_configs", Map.of("account", "a", "dns_suffix", "d"),
                "prometheus.yml:3:7"))).hasMessage("prometheus.yml:3:7: triton SD configuration requires an endpoint");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("triton_sd_configs", Map.of("account", "a", "dns_suffix", "d",
                "endpoint", "e", "bearer_token", "x"), "prometheus.yml:3:7"))).hasMessageContaining("bearer_token");
    }
}
