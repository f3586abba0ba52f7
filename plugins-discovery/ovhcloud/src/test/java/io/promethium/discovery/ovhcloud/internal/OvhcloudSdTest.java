package io.promethium.discovery.ovhcloud.internal;

import io.promethium.api.testing.DiscoveryHarness;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testsupport.FakeCloud;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OVHcloud SD against {@link FakeCloud}, a loopback stand-in of OVHcloud's API serving
 * Prometheus's test data ({@code discovery/ovhcloud/testdata}) and {@code /auth/time}; it checks
 * every signed request as OVHcloud does: the application and consumer keys, a timestamp within
 * the server's time, and {@code X-Ovh-Signature} recomputed from the secret it knows (a SHA-1
 * written here independently of the plugin's), refusing a bad one with 403
 * {@code INVALID_SIGNATURE}. The plugin's clock runs an hour fast, so a timestamp not taken from
 * {@code /auth/time} is refused.
 */
class OvhcloudSdTest {

    private static final String KEY = "app-key";
    private static final String SECRET = "app-secret";
    private static final String CONSUMER = "consumer-key";
    private static final long SERVER_TIME = 1_700_000_000L;

    @TempDir
    Path dir;
    private FakeCloud cloud;
    private DiscoveryHarness harness;
    private volatile String vpsList;

    private static String sha1(String s) throws Exception {
        StringBuilder hex = new StringBuilder();
        for (byte b : java.security.MessageDigest.getInstance("SHA-1").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            hex.append(String.format("%02x", b));
        }
        return hex.toString();
    }

    private static boolean signed(FakeCloud.Request r) {
        if (r.uri().getPath().equals("/auth/time")) {
            return KEY.equals(r.header("X-Ovh-Application"));
        }
        try {
            String url = "http://" + r.header("Host") + r.uri().getRawPath();
            String timestamp = r.header("X-Ovh-Timestamp");
            return KEY.equals(r.header("X-Ovh-Application")) && CONSUMER.equals(r.header("X-Ovh-Consumer"))
                    && timestamp != null && Math.abs(Long.parseLong(timestamp) - SERVER_TIME) < 60
                    && ("$1$" + sha1(SECRET + "+" + CONSUMER + "+GET+" + url + "++" + timestamp)).equals(r.header("X-Ovh-Signature"));
        } catch (Exception e) {
            return false;
        }
    }

    @BeforeEach
    void startCloud() throws Exception {
        cloud = new FakeCloud();
        cloud.authorize(OvhcloudSdTest::signed, new FakeCloud.Answer(403, "{\"errorCode\": \"INVALID_SIGNATURE\", \"httpCode\": "
                + "\"400 Bad Request\", \"message\": \"Invalid signature\"}", Map.of()));
        // The stand-in's clock is at SERVER_TIME; the plugin's an hour later.
        cloud.route("/auth/time", r -> FakeCloud.Answer.json(Long.toString(SERVER_TIME)));
        vpsList = DiscoveryHarness.fixture("vps.json");
        cloud.route("/vps", r -> FakeCloud.Answer.json(vpsList));
        cloud.route("/vps/abc", r -> FakeCloud.Answer.json(fixture("vps_details.json")));
        cloud.route("/vps/abc/ips", r -> FakeCloud.Answer.json(fixture("vps_abc_ips.json")));
        cloud.route("/vps/gone", r -> new FakeCloud.Answer(404, "{\"message\": \"The requested object (serviceName = gone) does not exist\"}",
                Map.of()));
        cloud.route("/dedicated/server", r -> FakeCloud.Answer.json(fixture("dedicated_servers.json")));
        cloud.route("/dedicated/server/abcde", r -> FakeCloud.Answer.json(fixture("dedicated_servers_details.json")));
        cloud.route("/dedicated/server/abcde/ips", r -> FakeCloud.Answer.json(fixture("dedicated_servers_abcde_ips.json")));
        harness = new DiscoveryHarness(dir, "ovh-job", new HttpConfigClientFactory());
    }

    private static String fixture(String name) {
        try {
            return DiscoveryHarness.fixture(name);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() {
        harness.close();
        cloud.close();
    }

    private void start(Map<String, Object> extra) throws Exception {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("endpoint", cloud.endpoint().toString().replaceAll("/$", ""));
        block.put("application_key", KEY);
        block.put("application_secret", SECRET);
        block.put("consumer_key", CONSUMER);
        block.put("refresh_interval", "300ms");
        block.putAll(extra);
        Clock fast = Clock.offset(Clock.systemUTC(), java.time.Duration.ofSeconds(SERVER_TIME - Instant.now().getEpochSecond() + 3600));
        harness.start(new OvhcloudDiscovererFactory(OvhcloudDiscovererFactory.BODY_LIMIT, fast), "ovhcloud_sd_configs", block);
    }

    @Test
    void vpsAreTargetsWithPrometheusLabelsAndSignedRequests() throws Exception {
        start(Map.of("service", "vps"));
        TargetGroup g = harness.await(m -> m.containsKey("ovhcloud_vps")).get("ovhcloud_vps");
        String p = "__meta_ovhcloud_vps_";
        Map<String, String> expected = new HashMap<>(Map.of("__address__", "192.0.2.1", p + "ipv4", "192.0.2.1", p + "ipv6", "",
                p + "cluster", "cluster_test", p + "datacenter", "[]", p + "disk", "40", p + "display_name", "abc",
                p + "maximum_additional_ip", "16", p + "memory", "2048", p + "memory_limit", "2048"));
        expected.putAll(Map.of(p + "model_name", "vps-value-1-2-40", p + "name", "abc", p + "netboot_mode", "local", p + "offer", "VPS abc",
                p + "offer_type", "ssd", p + "state", "running", p + "vcore", "1", p + "model_vcore", "1", p + "version", "2019v1",
                p + "zone", "zone"));
        expected.put("instance", "abc");
        assertThat(g.targets()).containsExactly(Labels.fromMap(expected));
        assertThat(cloud.requests.get(0).uri().getPath()).isEqualTo("/auth/time");
        assertThat(cloud.requests.get(1).header("X-Ovh-Timestamp")).isEqualTo(Long.toString(SERVER_TIME));
    }

    @Test
    void dedicatedServersAreTargetsWithPrometheusLabels() throws Exception {
        start(Map.of("service", "dedicated_server"));
        TargetGroup g = harness.await(m -> m.containsKey("ovhcloud_dedicated_server")).get("ovhcloud_dedicated_server");
        String p = "__meta_ovhcloud_dedicated_server_";
        Map<String, String> expected = new HashMap<>(Map.of("__address__", "1.2.3.4", "instance", "abcde", p + "ipv4", "1.2.3.4",
                p + "ipv6", "", p + "commercial_range", "Advance-1 Gen 2", p + "datacenter", "gra3", p + "link_speed", "123",
                p + "name", "abcde", p + "no_intervention", "false", p + "os", "debian11_64"));
        expected.putAll(Map.of(p + "rack", "TESTRACK", p + "reverse", "abcde-rev", p + "server_id", "1234", p + "state", "test",
                p + "support_level", "pro"));
        assertThat(g.targets()).containsExactly(Labels.fromMap(expected));
    }

    @Test
    void aServerWithoutDetailsIsSkippedAWrongSecretIsRefusedAndChangesAreSeen() throws Exception {
        vpsList = "[\"gone\", \"abc\"]";
        start(Map.of("service", "vps"));
        harness.await(m -> m.containsKey("ovhcloud_vps") && m.get("ovhcloud_vps").targets().size() == 1);
        harness.awaitWarning("ovhcloud_vps: Could not get details of gone");
        vpsList = "[]";
        harness.await(m -> m.get("ovhcloud_vps").targets().isEmpty());
        harness.close();
        harness = new DiscoveryHarness(dir, "ovh-job", new HttpConfigClientFactory());
        start(Map.of("service", "vps", "application_secret", "wrong"));
        harness.awaitWarning("403");
        assertThat(harness.context().metrics().value("prometheus_sd_refresh_failures_total", "ovhcloud", "ovh-job")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void ipListsAreReadAsPrometheusReadsThem() throws Exception {
        List<java.net.InetAddress> ips = OvhcloudDiscoverer.addresses(List.of("192.0.2.1/32", "2001:0db8::1", "10.0.0.0/24"));
        assertThat(ips).hasSize(2);
        assertThat(io.promethium.goformat.GoAddresses.ipv6(ips.get(1).getAddress())).isEqualTo("2001:db8::1");
        assertThatThrownBy(() -> OvhcloudDiscoverer.addresses(List.of("10.0.0.0/24"))).hasMessage("could not parse IP addresses from list");
        assertThatThrownBy(() -> OvhcloudDiscoverer.addresses(List.of("example.com"))).hasMessage("could not parse IP addresses from list");
        assertThat(OvhcloudDiscoverer.queryEscape("a b/c~d")).isEqualTo("a+b%2Fc~d");
    }

    @Test
    void failuresKeepTheLastTargetsAreCountedAndThrottlingIsRespected() throws Exception {
        Map<String, Object> block = new LinkedHashMap<>(Map.of("endpoint", cloud.endpoint().toString().replaceAll("/$", ""),
                "application_key", KEY, "application_secret", SECRET, "consumer_key", CONSUMER, "refresh_interval", "300ms",
                "service", "dedicated_server"));
        Clock fast = Clock.offset(Clock.systemUTC(), java.time.Duration.ofSeconds(SERVER_TIME - Instant.now().getEpochSecond() + 3600));
        harness.start(new OvhcloudDiscovererFactory(20_000, fast), "ovhcloud_sd_configs", block);
        harness.await(m -> m.containsKey("ovhcloud_dedicated_server") && m.get("ovhcloud_dedicated_server").targets().size() == 1);
        cloud.fault(new FakeCloud.Answer(500, "{\"message\": \"Internal server error\"}", Map.of()));
        harness.awaitWarning(" 500 ");
        cloud.fault(FakeCloud.Answer.json("[garbage"));
        harness.awaitWarning("the answer is not JSON");
        cloud.fault(FakeCloud.Answer.json("[\"" + "x".repeat(30_000) + "\"]"));
        harness.awaitWarning("the answer is larger than 20000 bytes");
        cloud.fault(null);
        cloud.hang(true);
        harness.awaitWarning("no answer within 300 ms");
        cloud.hang(false);
        cloud.fault(new FakeCloud.Answer(429, "{\"message\": \"Too many requests\"}", Map.of("Retry-After", "2")));
        harness.awaitWarning("429 Too Many Requests; retry after 2000 ms");
        long asked = cloud.requests.size();
        Thread.sleep(1000);
        assertThat(cloud.requests.size()).as("no request before Retry-After").isEqualTo(asked);
        assertThat(harness.groups().get("ovhcloud_dedicated_server").targets()).hasSize(1);
        assertThat(harness.warnings().stream().filter(w -> w.contains(" 500 ")).count()).as("warned once per change").isEqualTo(1);
        assertThat(harness.context().metrics().value("prometheus_sd_refresh_failures_total", "ovhcloud", "ovh-job"))
                .isGreaterThanOrEqualTo(5);
        cloud.fault(null);
        cloud.route("/dedicated/server", r -> FakeCloud.Answer.json("[]"));
        harness.await(m -> m.get("ovhcloud_dedicated_server").targets().isEmpty());
    }

    @Test
    void theSecretsOfTheBlockAreDeclaredSoTheConfigShowsThemMasked() {
        assertThat(new OvhcloudDiscovererFactory().secretFields()).containsExactlyInAnyOrder("application_secret", "consumer_key");
    }

    @Test
    void configIsValidatedWithPrometheusRules() {
        OvhcloudDiscovererFactory factory = new OvhcloudDiscovererFactory();
        Map<String, Object> ok = Map.of("application_key", "k", "application_secret", "s", "consumer_key", "c", "service", "vps");
        assertThatThrownBy(() -> factory.validate(block(Map.of("application_secret", "s", "consumer_key", "c", "service", "vps"))))
                .hasMessage("prometheus.yml:3:7: application key can not be empty");
        Map<String, Object> badService = new HashMap<>(ok);
        badService.put("service", "cloud");
        assertThatThrownBy(() -> factory.validate(block(badService))).hasMessageContaining("unknown service: cloud");
        Map<String, Object> badEndpoint = new HashMap<>(ok);
        badEndpoint.put("endpoint", "ovh-mars");
        assertThatThrownBy(() -> factory.validate(block(badEndpoint))).hasMessageContaining("unknown endpoint 'ovh-mars'");
        Map<String, Object> http = new HashMap<>(ok);
        http.put("bearer_token", "t");
        assertThatThrownBy(() -> factory.validate(block(http))).hasMessageContaining("field bearer_token not found in ovhcloud_sd_configs");
    }

    private static PluginConfig block(Map<String, Object> values) {
        return new PluginConfig("ovhcloud_sd_configs", values, "prometheus.yml:3:7");
    }
}
