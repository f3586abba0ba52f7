package io.promethium.discovery.stackit.internal;

import io.promethium.api.testing.DiscoveryHarness;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testsupport.FakeCloud;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * STACKIT SD against {@link FakeCloud}, a loopback stand-in of STACKIT's IaaS API serving
 * Prometheus's server list ({@code discovery/stackit/mock_test.go}) and of its service-account
 * token endpoint: the token endpoint checks the self-signed JWT's RS512 signature with the
 * service account's public key and its claims, and issues an access token (a JWT with an
 * {@code exp}) that the IaaS stand-in then requires as the bearer token; a bad assertion gets 400.
 */
class StackitSdTest {

    private static final String PROJECT = "00000000-0000-0000-0000-000000000000";
    private static KeyPair keys;
    private static KeyPair otherKeys;

    @TempDir
    Path dir;
    private FakeCloud cloud;
    private DiscoveryHarness harness;
    private final AtomicInteger tokens = new AtomicInteger();
    private volatile String servers;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keys = generator.generateKeyPair();
        otherKeys = generator.generateKeyPair();
    }

    private static String pem(KeyPair pair) {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private FakeCloud.Answer token(FakeCloud.Request r) {
        try {
            Map<String, String> form = new HashMap<>();
            for (String pair : r.body().split("&")) {
                String[] kv = pair.split("=", 2);
                form.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
            String[] jwt = form.getOrDefault("assertion", "").split("\\.");
            if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type")) || jwt.length != 3) {
                return new FakeCloud.Answer(400, "{\"error\": \"invalid_grant\"}", Map.of());
            }
            Signature signature = Signature.getInstance("SHA512withRSA");
            signature.initVerify(keys.getPublic());
            signature.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
            JsonNode header = StackitDiscoverer.JSON.readTree(Base64.getUrlDecoder().decode(jwt[0]));
            JsonNode claims = StackitDiscoverer.JSON.readTree(Base64.getUrlDecoder().decode(jwt[1]));
            long now = System.currentTimeMillis() / 1000;
            if (!signature.verify(Base64.getUrlDecoder().decode(jwt[2])) || !header.path("alg").asText().equals("RS512")
                    || !header.path("kid").asText().equals("key-id") || !claims.path("iss").asText().equals("sa@sa.stackit.cloud")
                    || !claims.path("aud").asText().equals("https://stackit-service-account-prod.apps.01.cf.eu01.stackit.cloud")
                    || claims.path("exp").asLong() < now || claims.path("jti").asText().isEmpty()) {
                return new FakeCloud.Answer(400, "{\"error\": \"invalid_grant\", \"error_description\": \"Key with kid key-id was "
                        + "not found\"}", Map.of());
            }
            String access = b64("{\"alg\":\"none\"}") + "." + b64("{\"exp\":" + (now + 3600) + ",\"n\":" + tokens.incrementAndGet() + "}")
                    + ".sig";
            return FakeCloud.Answer.json("{\"access_token\": \"" + access + "\", \"refresh_token\": \"\", \"expires_in\": 3600, "
                    + "\"token_type\": \"Bearer\"}");
        } catch (Exception e) {
            return new FakeCloud.Answer(500, "{\"error\": \"" + e + "\"}", Map.of());
        }
    }

    @BeforeEach
    void startCloud() throws Exception {
        cloud = new FakeCloud();
        servers = DiscoveryHarness.fixture("servers.json");
        cloud.route("/token", this::token);
        cloud.route("/v1/projects/" + PROJECT + "/servers", r -> {
            String auth = r.authorization();
            if (auth == null || !auth.startsWith("Bearer ") || !auth.contains(".")) {
                return new FakeCloud.Answer(401, "{\"message\": \"unauthorized\"}", Map.of());
            }
            assertThat(FakeCloud.query(r, "details")).isEqualTo("true");
            return FakeCloud.Answer.json(servers);
        });
        harness = new DiscoveryHarness(dir, "stackit-job", new HttpConfigClientFactory());
    }

    @AfterEach
    void stop() {
        harness.close();
        cloud.close();
    }

    private String key(KeyPair pair) throws Exception {
        Map<String, Object> credentials = new LinkedHashMap<>();
        credentials.put("aud", "https://stackit-service-account-prod.apps.01.cf.eu01.stackit.cloud");
        credentials.put("iss", "sa@sa.stackit.cloud");
        credentials.put("kid", "key-id");
        credentials.put("privateKey", pem(pair));
        credentials.put("sub", "cd6bd0a1-5f8f-4e5c-9a5c-5b0a1c1e3d11");
        credentials.put("tokenEndpoint", cloud.endpoint() + "token");
        return StackitDiscoverer.JSON.writeValueAsString(Map.of("active", true, "credentials", credentials, "keyAlgorithm", "RSA_2048",
                "keyOrigin", "GENERATED", "keyType", "USER_MANAGED"));
    }

    private void start(Map<String, Object> extra) throws Exception {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("project", PROJECT);
        block.put("endpoint", cloud.endpoint().toString());
        block.put("refresh_interval", "300ms");
        block.putAll(extra);
        harness.start(new StackitDiscovererFactory(name -> null, dir, StackitDiscovererFactory.BODY_LIMIT), "stackit_sd_configs", block);
    }

    @Test
    void serversAreTargetsWithPrometheusLabelsThroughTheKeyFlow() throws Exception {
        Path keyFile = dir.resolve("sa.json");
        Files.writeString(keyFile, key(keys));
        start(Map.of("service_account_key_path", keyFile.toString(), "refresh_interval", "1s"));
        TargetGroup g = harness.await(m -> m.containsKey("stackit")).get("stackit");
        String p = "__meta_stackit_";
        Map<String, String> expected = new HashMap<>(Map.of("__address__", "192.0.2.1:80", p + "project", PROJECT, p + "id",
                "b4176700-596a-4f80-9fc8-5f9c58a606e1", p + "type", "g1.1", p + "private_ipv4_test", "10.0.0.153", p + "public_ipv4",
                "192.0.2.1", p + "labelpresent_provisionSTACKITServerAgent", "true", p + "label_provisionSTACKITServerAgent", "true",
                p + "labelpresent_stackit_project_id", "true", p + "name", "runcommandtest"));
        expected.putAll(Map.of(p + "availability_zone", "eu01-3", p + "status", "INACTIVE", p + "power_status", "STOPPED",
                p + "label_stackit_project_id", PROJECT));
        // server1 has no network interface with an address: no target, as Prometheus.
        assertThat(g.targets()).containsExactly(Labels.fromMap(expected));
        int issued = tokens.get();
        servers = "{\"items\": []}";
        harness.await(m -> m.get("stackit").targets().isEmpty());
        // The access token is reused while it is valid.
        assertThat(tokens.get()).isEqualTo(issued);
    }

    @Test
    void aKeyThatIsNotTheServiceAccountsIsRefusedAndWithoutAKeyTheHttpClientConfigAuthenticates() throws Exception {
        start(Map.of("service_account_key", key(keys), "private_key", pem(otherKeys)));
        harness.awaitWarning("Key with kid key-id was not found");
        assertThat(harness.groups()).isEmpty();
        harness.close();
        harness = new DiscoveryHarness(dir, "stackit-job", new HttpConfigClientFactory());
        start(Map.of("authorization", Map.of("credentials", "a.b.c")));
        assertThat(harness.await(m -> m.containsKey("stackit")).get("stackit").targets()).hasSize(1);
        assertThat(cloud.requests.getLast().authorization()).isEqualTo("Bearer a.b.c");
    }

    @Test
    void failuresKeepTheLastTargetsAreCountedAndThrottlingIsRespected() throws Exception {
        Map<String, Object> block = new LinkedHashMap<>(Map.of("project", PROJECT, "endpoint", cloud.endpoint().toString(),
                "refresh_interval", "300ms", "authorization", Map.of("credentials", "a.b.c")));
        harness.start(new StackitDiscovererFactory(name -> null, dir, 20_000), "stackit_sd_configs", block);
        harness.await(m -> m.containsKey("stackit") && m.get("stackit").targets().size() == 1);
        cloud.fault(new FakeCloud.Answer(500, "{\"message\": \"internal error\"}", Map.of()));
        harness.awaitWarning(" 500 ");
        cloud.fault(FakeCloud.Answer.json("{\"items\": [garbage"));
        harness.awaitWarning("the answer is not JSON");
        cloud.fault(FakeCloud.Answer.json("{\"items\": [], \"pad\": \"" + "x".repeat(30_000) + "\"}"));
        harness.awaitWarning("the answer is larger than 20000 bytes");
        cloud.fault(null);
        cloud.hang(true);
        harness.awaitWarning("no answer within 300 ms");
        cloud.hang(false);
        cloud.fault(new FakeCloud.Answer(429, "{\"message\": \"rate limited\"}", Map.of("Retry-After", "2")));
        harness.awaitWarning("429 Too Many Requests; retry after 2000 ms");
        long asked = cloud.requests.size();
        Thread.sleep(1000);
        assertThat(cloud.requests.size()).as("no request before Retry-After").isEqualTo(asked);
        assertThat(harness.groups().get("stackit").targets()).hasSize(1);
        assertThat(harness.warnings().stream().filter(w -> w.contains(" 500 ")).count()).as("warned once per change").isEqualTo(1);
        assertThat(harness.context().metrics().value("prometheus_sd_refresh_failures_total", "stackit", "stackit-job"))
                .isGreaterThanOrEqualTo(5);
        cloud.fault(null);
        servers = "{\"items\": []}";
        harness.await(m -> m.get("stackit").targets().isEmpty());
    }

    @Test
    void theSecretsOfTheBlockAreDeclaredSoTheConfigShowsThemMasked() {
        assertThat(new StackitDiscovererFactory().secretFields()).containsExactlyInAnyOrder("private_key", "service_account_key");
    }

    @Test
    void configIsValidatedWithPrometheusRules() {
        StackitDiscovererFactory factory = new StackitDiscovererFactory();
        assertThatThrownBy(() -> factory.validate(block(Map.of("region", ""))))
                .hasMessage("prometheus.yml:3:7: stackit_sd: endpoint and region missing");
        assertThatThrownBy(() -> factory.validate(block(Map.of("endpoint", "::nope"))))
                .hasMessageContaining("stackit_sd: invalid endpoint");
        assertThatThrownBy(() -> factory.validate(block(Map.of("service", "x")))).hasMessageContaining("field service not found");
    }

    private static PluginConfig block(Map<String, Object> values) {
        return new PluginConfig("stackit_sd_configs", values, "prometheus.yml:3:7");
    }
}
