package io.promethium.discovery.hetzner.internal;

import io.promethium.api.testing.DiscoveryHarness;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testsupport.FakeCloud;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hetzner SD against {@link FakeCloud}, a loopback stand-in of the Hetzner Cloud API
 * ({@code /servers}, {@code /networks}: bearer token, {@code meta.pagination}) and of Hetzner
 * Robot's web service ({@code /server}: basic auth), answering Prometheus's own mock answers
 * ({@code prometheus-fixtures/}, see NOTICE there); the stand-in splits the servers over two pages.
 */
class HetznerSdTest {

    static final String TOKEN = "LRK9DAWQ1ZAEFSrCNEEzLCUwhYX1U3g7wMg4dTlkkDC96fyDuyJ39nVbVjCKSDfj";
    static final String ROBOT_AUTH = "Basic " + Base64.getEncoder().encodeToString("my-hetzner:my-password".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path dir;
    private FakeCloud cloud;
    private DiscoveryHarness harness;
    private volatile String robot;

    @BeforeEach
    void startCloud() throws Exception {
        cloud = new FakeCloud();
        cloud.authorize(r -> r.uri().getPath().equals("/server") ? ROBOT_AUTH.equals(r.authorization())
                        : ("Bearer " + TOKEN).equals(r.authorization()),
                new FakeCloud.Answer(401, "{\"error\":{\"code\":\"unauthorized\",\"message\":\"unable to authenticate\"}}", Map.of()));
        ObjectNode all = (ObjectNode) CloudApi.JSON.readTree(DiscoveryHarness.fixture("hcloud-servers.json"));
        ArrayNode servers = (ArrayNode) all.get("servers");
        cloud.route("/servers", r -> {
            boolean second = "2".equals(FakeCloud.query(r, "page"));
            ObjectNode page = all.deepCopy();
            ArrayNode items = page.putArray("servers");
            for (int i = 0; i < servers.size(); i++) {
                if ((i >= 2) == second) {
                    items.add(servers.get(i));
                }
            }
            ((ObjectNode) page.get("meta").get("pagination")).put("page", second ? 2 : 1).put("last_page", 2);
            if (second) {
                ((ObjectNode) page.get("meta").get("pagination")).put("previous_page", 1);
            } else {
                ((ObjectNode) page.get("meta").get("pagination")).put("next_page", 2);
            }
            return FakeCloud.Answer.json(page.toString());
        });
        String networks = DiscoveryHarness.fixture("hcloud-networks.json");
        cloud.route("/networks", r -> FakeCloud.Answer.json(networks));
        robot = DiscoveryHarness.fixture("robot-servers.json");
        cloud.route("/server", r -> FakeCloud.Answer.json(robot));
        harness = new DiscoveryHarness(dir, "hetzner-job", new HttpConfigClientFactory());
    }

    @AfterEach
    void stop() {
        harness.close();
        cloud.close();
    }

    private void start(Map<String, Object> block) throws Exception {
        start(block, HetznerDiscovererFactory.BODY_LIMIT);
    }

    private void start(Map<String, Object> extra, long bodyLimit) throws Exception {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("refresh_interval", "300ms");
        block.putAll(extra);
        String root = cloud.endpoint().toString().replaceAll("/$", "");
        harness.start(new HetznerDiscovererFactory(root, root, bodyLimit), "hetzner_sd_configs", block);
    }

    private static Map<String, Object> hcloud() {
        return Map.of("role", "hcloud", "authorization", Map.of("credentials", TOKEN));
    }

    private static Map<String, String> hcloudServer(String ip, String id, String name, String status, String ipv6, String cores,
                                                    String disk, String type) {
        Map<String, String> l = new HashMap<>();
        String p = "__meta_hetzner_";
        String h = p + "hcloud_";
        l.put("__address__", ip + ":80");
        l.put(p + "role", "hcloud");
        l.put(p + "server_id", id);
        l.put(p + "server_name", name);
        l.put(p + "server_status", status);
        l.put(p + "public_ipv4", ip);
        l.put(p + "public_ipv6_network", ipv6);
        l.put(h + "location", "fsn1");
        l.put(h + "location_network_zone", "eu-central");
        l.put(h + "datacenter_location", "fsn1");
        l.put(h + "datacenter_location_network_zone", "eu-central");
        l.put(h + "cpu_cores", cores);
        l.put(h + "cpu_type", "shared");
        l.put(h + "memory_size_gb", "1");
        l.put(h + "disk_size_gb", disk);
        l.put(h + "server_type", type);
        return l;
    }

    private static void image(Map<String, String> l) {
        String h = "__meta_hetzner_hcloud_";
        l.put(h + "image_name", "ubuntu-20.04");
        l.put(h + "image_description", "Ubuntu 20.04 Standard 64 bit");
        l.put(h + "image_os_flavor", "ubuntu");
        l.put(h + "image_os_version", "20.04");
    }

    @Test
    void hcloudServersOfEveryPageAreTargetsWithPrometheusLabels() throws Exception {
        start(hcloud());
        TargetGroup g = harness.await(m -> m.containsKey("hetzner")).get("hetzner");
        String h = "__meta_hetzner_hcloud_";
        Map<String, String> first = hcloudServer("1.2.3.4", "42", "my-server", "running", "2001:db8::/64", "1", "25", "cx11");
        image(first);
        first.put(h + "private_ipv4_mynet", "10.0.0.2");
        first.put(h + "labelpresent_my_key", "true");
        first.put(h + "label_my_key", "my-value");
        Map<String, String> second = hcloudServer("1.2.3.5", "44", "another-server", "stopped", "2001:db9::/64", "2", "50", "cpx11");
        image(second);
        second.put(h + "labelpresent_key", "true");
        second.put(h + "labelpresent_other_key", "true");
        second.put(h + "label_key", "");
        second.put(h + "label_other_key", "value");
        Map<String, String> third = hcloudServer("1.2.3.6", "36", "deleted-image-server", "stopped", "2001:db7::/64", "2", "50",
                "cpx11");
        assertThat(g.targets()).containsExactly(Labels.fromMap(first), Labels.fromMap(second), Labels.fromMap(third));
        assertThat(cloud.requests.stream().map(r -> r.uri().toString()).limit(3)).containsExactly(
                "/servers?page=1&per_page=50", "/servers?page=2&per_page=50", "/networks?page=1&per_page=50");
    }

    @Test
    void theLabelSelectorIsSentToTheCloudApi() throws Exception {
        Map<String, Object> block = new HashMap<>(hcloud());
        block.put("label_selector", "env=prod,!draft");
        start(block);
        harness.await(m -> m.containsKey("hetzner"));
        assertThat(cloud.requests.get(0).uri().getRawQuery()).isEqualTo("page=1&per_page=50&label_selector=env%3Dprod%2C%21draft");
    }

    @Test
    void robotServersAreTargetsWithPrometheusLabels() throws Exception {
        start(Map.of("role", "robot", "basic_auth", Map.of("username", "my-hetzner", "password", "my-password")));
        TargetGroup g = harness.await(m -> m.containsKey("hetzner")).get("hetzner");
        String p = "__meta_hetzner_";
        Map<String, String> first = new HashMap<>(Map.of("__address__", "123.123.123.123:80", p + "role", "robot", p + "server_id", "321",
                p + "server_name", "server1", p + "server_status", "ready", p + "public_ipv4", "123.123.123.123",
                p + "public_ipv6_network", "2a01:4f8:111:4221::/64", p + "datacenter", "nbg1-dc1", p + "robot_datacenter", "nbg1-dc1",
                p + "robot_product", "DS 3000"));
        first.put(p + "robot_cancelled", "false");
        Map<String, String> second = new HashMap<>(Map.of("__address__", "123.123.123.124:80", p + "role", "robot", p + "server_id",
                "421", p + "server_name", "server2", p + "server_status", "in process", p + "public_ipv4", "123.123.123.124",
                p + "datacenter", "fsn1-dc10", p + "robot_datacenter", "fsn1-dc10", p + "robot_product", "X5"));
        second.put(p + "robot_cancelled", "true");
        assertThat(g.targets()).containsExactly(Labels.fromMap(first), Labels.fromMap(second));
    }

    @Test
    void badCredentialsAreRefusedAsTheApisDo() throws Exception {
        start(Map.of("role", "robot", "basic_auth", Map.of("username", "my-hetzner", "password", "wrong")));
        harness.awaitWarning("401");
        assertThat(harness.groups().values().stream().mapToInt(g -> g.targets().size()).sum()).isZero();
    }

    @Test
    void aChangedAccountChangesTheTargets() throws Exception {
        start(Map.of("role", "robot", "basic_auth", Map.of("username", "my-hetzner", "password", "my-password")));
        harness.await(m -> m.containsKey("hetzner") && m.get("hetzner").targets().size() == 2);
        robot = "[" + robot.substring(robot.indexOf("},\n  {") + 3);
        TargetGroup g = harness.await(m -> m.get("hetzner").targets().size() == 1).get("hetzner");
        assertThat(g.targets().get(0).get("__meta_hetzner_server_id")).isEqualTo("421");
    }

    @Test
    void failuresKeepTheLastTargetsAreCountedAndLoggedOncePerChange() throws Exception {
        start(hcloud(), 20_000);
        harness.await(m -> m.containsKey("hetzner") && m.get("hetzner").targets().size() == 3);
        cloud.fault(new FakeCloud.Answer(500, "{\"error\":{\"code\":\"server_error\"}}", Map.of()));
        harness.awaitWarning(" 500 ");
        cloud.fault(FakeCloud.Answer.json("{\"servers\": [garbage"));
        harness.awaitWarning("the answer is not JSON");
        cloud.fault(FakeCloud.Answer.json("{\"servers\": [], \"pad\": \"" + "x".repeat(30_000) + "\"}"));
        harness.awaitWarning("the answer is larger than 20000 bytes");
        cloud.fault(null);
        cloud.hang(true);
        harness.awaitWarning("no answer within 300 ms");
        assertThat(harness.noUpdates()).isTrue();
        assertThat(harness.groups().get("hetzner").targets()).hasSize(3);
        assertThat(harness.warnings().stream().filter(w -> w.contains(" 500 ")).count()).isEqualTo(1);
        assertThat(harness.context().metrics().value("prometheus_sd_refresh_failures_total", "hetzner", "hetzner-job"))
                .isGreaterThanOrEqualTo(4);
    }

    @Test
    void aThrottledAccountIsNotAskedAgainBeforeRetryAfter() throws Exception {
        start(hcloud());
        harness.await(m -> m.containsKey("hetzner") && m.get("hetzner").targets().size() == 3);
        cloud.fault(new FakeCloud.Answer(429, "{\"error\":{\"code\":\"rate_limit_exceeded\"}}", Map.of("Retry-After", "3")));
        harness.awaitWarning("429 Too Many Requests; retry after 3000 ms");
        long asked = cloud.requests.size();
        Thread.sleep(1500);
        assertThat(cloud.requests.size()).isEqualTo(asked);
        assertThat(harness.groups().get("hetzner").targets()).hasSize(3);
        cloud.fault(null);
        harness.awaitWarning("throttled by the API");
        long before = cloud.requests.size();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (cloud.requests.size() == before && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(cloud.requests.size()).as("asked again after Retry-After").isGreaterThan((int) before);
    }

    @Test
    void configIsValidatedWithPrometheusRulesAndDefaults() throws Exception {
        HetznerDiscovererFactory factory = new HetznerDiscovererFactory();
        Map<String, String> at = Map.of("role", "prometheus.yml:4:11", "label_selector", "prometheus.yml:5:21");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("hetzner_sd_configs", Map.of(), "prometheus.yml:3:7", at)))
                .hasMessage("prometheus.yml:3:7: role missing (one of: robot, hcloud)");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("hetzner_sd_configs", Map.of("role", "cloud"),
                "prometheus.yml:3:7", at))).hasMessage("prometheus.yml:4:11: unknown role \"cloud\"");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("hetzner_sd_configs", Map.of("role", "robot",
                "label_selector", "a=b"), "prometheus.yml:3:7", at)))
                .hasMessage("prometheus.yml:5:21: label_selector is only supported with role hcloud");
        HetznerSdConfig config = HetznerSdConfig.parse(new PluginConfig("hetzner_sd_configs", Map.of("role", "hcloud"), "x:1:1"));
        assertThat(config).isEqualTo(new HetznerSdConfig("hcloud", 80, "", Duration.ofSeconds(60)));
    }
}
