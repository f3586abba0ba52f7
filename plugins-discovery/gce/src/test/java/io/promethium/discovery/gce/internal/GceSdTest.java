package io.promethium.discovery.gce.internal;

import io.promethium.api.testing.DiscoveryHarness;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testsupport.FakeCloud;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GCE SD against {@link FakeCloud}, a loopback stand-in of Google's OAuth token endpoint (it
 * checks the service account's RS256 JWT with the key's public half, its issuer, audience, scope
 * and lifetime, and refuses a bad one with {@code invalid_grant} as Google does), of the metadata
 * server, and of the Compute API's {@code instances.list} (bearer token, {@code pageToken}
 * pagination, {@code filter}), answering instances shaped as the Compute API documents them.
 */
class GceSdTest {

    static final String EMAIL = "prometheus@my-project.iam.gserviceaccount.com";
    static final String TOKEN = "ya29.c.b0Aaekm1K";

    @TempDir
    Path dir;
    private FakeCloud cloud;
    private DiscoveryHarness harness;
    private KeyPair trusted;
    private volatile String secondPage;
    private final Map<String, String> env = new HashMap<>();

    static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    static String instance(String id, String name, String ip, String extra) {
        return """
                {"kind": "compute#instance", "id": "%s", "name": "%s", "status": "RUNNING",
                 "zone": "https://www.googleapis.com/compute/v1/projects/my-project/zones/europe-west1-b",
                 "machineType": "https://www.googleapis.com/compute/v1/projects/my-project/zones/europe-west1-b/machineTypes/e2-small",
                 "networkInterfaces": [{"name": "nic0", "networkIP": "%s",
                   "network": "https://www.googleapis.com/compute/v1/projects/my-project/global/networks/default",
                   "subnetwork": "https://www.googleapis.com/compute/v1/projects/my-project/regions/europe-west1/subnetworks/default"
                   %s}]}""".formatted(id, name, ip, extra);
    }

    @BeforeEach
    void startCloud() throws Exception {
        cloud = new FakeCloud();
        trusted = rsa();
        cloud.authorize(r -> r.uri().getPath().equals("/token") || r.uri().getPath().startsWith("/computeMetadata/")
                        || ("Bearer " + TOKEN).equals(r.authorization()),
                new FakeCloud.Answer(401, "{\"error\": {\"code\": 401, \"message\": \"Request had invalid authentication credentials.\", "
                        + "\"status\": \"UNAUTHENTICATED\"}}", Map.of()));
        cloud.route("/token", r -> tokenEndpoint(r, trusted.getPublic()));
        String first = "{\"kind\": \"compute#instanceList\", \"items\": [" + instance("6412913436254712345", "web-1", "10.132.0.2",
                ", \"accessConfigs\": [{\"type\": \"ONE_TO_ONE_NAT\", \"name\": \"External NAT\", \"natIP\": \"34.76.1.2\"}]}, "
                        + "{\"name\": \"nic1\", \"networkIP\": \"10.10.0.2\"").replace("\"status\": \"RUNNING\",",
                "\"status\": \"RUNNING\", \"tags\": {\"items\": [\"http-server\", \"prod\"]}, \"labels\": {\"env\": \"prod\", "
                        + "\"team-a\": \"db\"}, \"metadata\": {\"items\": [{\"key\": \"startup-script\", \"value\": \"echo hi\"}, "
                        + "{\"key\": \"empty\"}]},")
                + ", {\"id\": \"1\", \"name\": \"no-nic\", \"networkInterfaces\": []}], \"nextPageToken\": \"CgVwYWdlMg==\"}";
        secondPage = "{\"items\": [" + instance("7412913436254799999", "web-2", "10.132.0.3", "") + "]}";
        cloud.route("/compute/v1/projects/my-project/zones/europe-west1-b/instances", r -> FakeCloud.Answer.json(
                "CgVwYWdlMg==".equals(FakeCloud.query(r, "pageToken")) ? secondPage : first));
        cloud.route("/computeMetadata/v1/instance/service-accounts/default/token", r -> "Google".equals(r.header("Metadata-Flavor"))
                ? FakeCloud.Answer.json("{\"access_token\": \"" + TOKEN + "\", \"expires_in\": 3599, \"token_type\": \"Bearer\"}")
                : new FakeCloud.Answer(403, "Missing Metadata-Flavor:Google header.", Map.of()));
        harness = new DiscoveryHarness(dir, "gce-job", new HttpConfigClientFactory());
    }

    /** Google's token endpoint for the JWT bearer grant: the assertion's signature, issuer, audience, scope and lifetime. */
    private FakeCloud.Answer tokenEndpoint(FakeCloud.Request r, PublicKey key) {
        FakeCloud.Answer invalid = new FakeCloud.Answer(400, "{\"error\": \"invalid_grant\", \"error_description\": "
                + "\"Invalid JWT Signature.\"}", Map.of());
        try {
            Map<String, String> form = new HashMap<>();
            for (String pair : r.body().split("&")) {
                String[] kv = pair.split("=", 2);
                form.put(kv[0], java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
            if (form.get("grant_type").equals("refresh_token")) {
                return form.get("refresh_token").equals("1//refresh") && form.get("client_secret").equals("shh")
                        ? FakeCloud.Answer.json("{\"access_token\": \"" + TOKEN + "\", \"expires_in\": 3599}") : invalid;
            }
            if (!form.get("grant_type").equals("urn:ietf:params:oauth:grant-type:jwt-bearer")) {
                return new FakeCloud.Answer(400, "{\"error\": \"unsupported_grant_type\"}", Map.of());
            }
            String[] parts = form.get("assertion").split("\\.");
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(key);
            verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!verifier.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                return invalid;
            }
            JsonNode header = CloudApi.JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
            JsonNode claims = CloudApi.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            long now = System.currentTimeMillis() / 1000;
            if (!header.path("alg").asText().equals("RS256") || !claims.path("iss").asText().equals(EMAIL)
                    || !claims.path("aud").asText().equals(cloud.endpoint() + "token")
                    || !claims.path("scope").asText().equals("https://www.googleapis.com/auth/compute.readonly")
                    || Math.abs(claims.path("iat").asLong() - now) > 60 || claims.path("exp").asLong() - claims.path("iat").asLong() > 3600) {
                return new FakeCloud.Answer(400, "{\"error\": \"invalid_grant\", \"error_description\": \"Invalid JWT claims.\"}", Map.of());
            }
            return FakeCloud.Answer.json("{\"access_token\": \"" + TOKEN + "\", \"expires_in\": 3599, \"token_type\": \"Bearer\"}");
        } catch (Exception e) {
            return invalid;
        }
    }

    @AfterEach
    void stop() {
        harness.close();
        cloud.close();
    }

    private Path serviceAccount(KeyPair pair) throws Exception {
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        Map<String, String> key = new LinkedHashMap<>();
        key.put("type", "service_account");
        key.put("project_id", "my-project");
        key.put("private_key_id", "abc123");
        key.put("private_key", pem);
        key.put("client_email", EMAIL);
        key.put("token_uri", cloud.endpoint() + "token");
        Path file = dir.resolve("sa.json");
        Files.writeString(file, CloudApi.JSON.writeValueAsString(key));
        return file;
    }

    private void start(Map<String, Object> extra, long bodyLimit) throws Exception {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("project", "my-project");
        block.put("zone", "europe-west1-b");
        block.put("refresh_interval", "300ms");
        block.putAll(extra);
        harness.start(new GceDiscovererFactory(cloud.endpoint().resolve("compute/v1/"), env::get, bodyLimit), "gce_sd_configs", block);
    }

    @Test
    void instancesOfEveryPageAreTargetsWithPrometheusLabels() throws Exception {
        env.put("GOOGLE_APPLICATION_CREDENTIALS", serviceAccount(trusted).toString());
        start(Map.of("port", 9100), GceDiscovererFactory.BODY_LIMIT);
        TargetGroup g = harness.await(m -> m.containsKey("GCE_my-project_europe-west1-b")).get("GCE_my-project_europe-west1-b");
        String p = "__meta_gce_";
        Map<String, String> first = new HashMap<>();
        first.put("__address__", "10.132.0.2:9100");
        first.put(p + "project", "my-project");
        first.put(p + "zone", "https://www.googleapis.com/compute/v1/projects/my-project/zones/europe-west1-b");
        first.put(p + "instance_id", "6412913436254712345");
        first.put(p + "instance_name", "web-1");
        first.put(p + "instance_status", "RUNNING");
        first.put(p + "machine_type", "https://www.googleapis.com/compute/v1/projects/my-project/zones/europe-west1-b/machineTypes/e2-small");
        first.put(p + "network", "https://www.googleapis.com/compute/v1/projects/my-project/global/networks/default");
        first.put(p + "subnetwork", "https://www.googleapis.com/compute/v1/projects/my-project/regions/europe-west1/subnetworks/default");
        first.put(p + "private_ip", "10.132.0.2");
        first.put(p + "interface_ipv4_nic0", "10.132.0.2");
        first.put(p + "interface_ipv4_nic1", "10.10.0.2");
        first.put(p + "public_ip", "34.76.1.2");
        first.put(p + "tags", ",http-server,prod,");
        first.put(p + "label_env", "prod");
        first.put(p + "label_team_a", "db");
        first.put(p + "metadata_startup_script", "echo hi");
        assertThat(g.targets()).hasSize(2);
        assertThat(g.targets().get(0)).isEqualTo(Labels.fromMap(first));
        assertThat(g.targets().get(1).get("__address__")).isEqualTo("10.132.0.3:9100");
        assertThat(g.targets().get(1).get("__meta_gce_tags")).isEmpty();
        // One token for every refresh while it lasts.
        long pages = cloud.count("/compute/v1/projects/my-project/zones/europe-west1-b/instances");
        while (cloud.count("/compute/v1/projects/my-project/zones/europe-west1-b/instances") < pages + 4) {
            Thread.sleep(50);
        }
        assertThat(cloud.count("/token")).isEqualTo(1);
    }

    @Test
    void aKeyGoogleDoesNotKnowIsRefusedAndFindsNothing() throws Exception {
        env.put("GOOGLE_APPLICATION_CREDENTIALS", serviceAccount(rsa()).toString());
        start(Map.of(), GceDiscovererFactory.BODY_LIMIT);
        harness.awaitWarning("invalid_grant");
        assertThat(harness.groups().values().stream().mapToInt(g -> g.targets().size()).sum()).isZero();
        assertThat(cloud.count("/compute/v1/projects/my-project/zones/europe-west1-b/instances")).isZero();
    }

    @Test
    void gcloudUserCredentialsAndTheFilterAreUsed() throws Exception {
        Path gcloud = Files.createDirectories(dir.resolve("home/.config/gcloud"));
        Files.writeString(gcloud.resolve("application_default_credentials.json"), "{\"type\": \"authorized_user\", \"client_id\": "
                + "\"764086051850.apps.googleusercontent.com\", \"client_secret\": \"shh\", \"refresh_token\": \"1//refresh\", "
                + "\"token_uri\": \"" + cloud.endpoint() + "token\"}");
        env.put("HOME", dir.resolve("home").toString());
        start(Map.of("filter", "labels.env = \"prod\""), GceDiscovererFactory.BODY_LIMIT);
        harness.await(m -> !m.isEmpty());
        FakeCloud.Request list = cloud.requests.stream().filter(r -> r.uri().getPath().endsWith("/instances")).findFirst().orElseThrow();
        assertThat(FakeCloud.query(list, "filter")).isEqualTo("labels.env = \"prod\"");
    }

    @Test
    void withoutCredentialFilesTheMetadataServerGivesTheToken() throws Exception {
        env.put("GCE_METADATA_HOST", cloud.endpoint().getAuthority());
        start(Map.of(), GceDiscovererFactory.BODY_LIMIT);
        harness.await(m -> m.containsKey("GCE_my-project_europe-west1-b"));
        assertThat(cloud.count("/computeMetadata/v1/instance/service-accounts/default/token")).isEqualTo(1);
    }

    @Test
    void failuresKeepTheLastTargetsAndThrottlingIsRespected() throws Exception {
        env.put("GOOGLE_APPLICATION_CREDENTIALS", serviceAccount(trusted).toString());
        start(Map.of(), 20_000);
        harness.await(m -> m.containsKey("GCE_my-project_europe-west1-b"));
        cloud.fault(new FakeCloud.Answer(500, "{\"error\": {\"code\": 500, \"message\": \"Internal error\"}}", Map.of()));
        harness.awaitWarning(" 500 ");
        cloud.fault(FakeCloud.Answer.json("{\"items\": [garbage"));
        harness.awaitWarning("the answer is not JSON");
        cloud.fault(FakeCloud.Answer.json("{\"items\": [], \"pad\": \"" + "x".repeat(30_000) + "\"}"));
        harness.awaitWarning("the answer is larger than 20000 bytes");
        cloud.fault(new FakeCloud.Answer(429, "{\"error\": {\"code\": 429, \"status\": \"RESOURCE_EXHAUSTED\"}}", Map.of("Retry-After", "2")));
        harness.awaitWarning("429 Too Many Requests; retry after 2000 ms");
        long asked = cloud.requests.size();
        Thread.sleep(1000);
        assertThat(cloud.requests.size()).isEqualTo(asked);
        cloud.fault(null);
        cloud.hang(true);
        harness.awaitWarning("no answer within 300 ms");
        assertThat(harness.noUpdates()).isTrue();
        assertThat(harness.groups().get("GCE_my-project_europe-west1-b").targets()).hasSize(2);
        assertThat(harness.warnings().stream().filter(w -> w.contains(" 500 ")).count()).isEqualTo(1);
        assertThat(harness.context().metrics().value("prometheus_sd_refresh_failures_total", "gce", "gce-job")).isGreaterThanOrEqualTo(5);
    }

    @Test
    void aChangedZoneChangesTheTargets() throws Exception {
        env.put("GOOGLE_APPLICATION_CREDENTIALS", serviceAccount(trusted).toString());
        start(Map.of(), GceDiscovererFactory.BODY_LIMIT);
        harness.await(m -> m.containsKey("GCE_my-project_europe-west1-b") && m.get("GCE_my-project_europe-west1-b").targets().size() == 2);
        secondPage = "{\"items\": []}";
        harness.await(m -> m.get("GCE_my-project_europe-west1-b").targets().size() == 1);
    }

    @Test
    void configIsValidatedWithPrometheusRules() throws Exception {
        GceDiscovererFactory factory = new GceDiscovererFactory();
        Map<String, String> at = Map.of("zone", "prometheus.yml:5:11", "bearer_token", "prometheus.yml:6:11");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("gce_sd_configs", Map.of("zone", "z"), "prometheus.yml:3:7", at)))
                .hasMessage("prometheus.yml:3:7: GCE SD configuration requires a project");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("gce_sd_configs", Map.of("project", "p"), "prometheus.yml:3:7", at)))
                .hasMessage("prometheus.yml:3:7: GCE SD configuration requires a zone");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("gce_sd_configs", Map.of("project", "p", "zone", "z",
                "bearer_token", "t"), "prometheus.yml:3:7", at))).hasMessageContaining("bearer_token");
        assertThat(GceSdConfig.parse(new PluginConfig("gce_sd_configs", Map.of("project", "p", "zone", "z"), "x:1:1")))
                .isEqualTo(new GceSdConfig("p", "z", "", 80, ",", java.time.Duration.ofSeconds(60)));
    }
}
