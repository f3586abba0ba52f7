package io.promethium.discovery.digitalocean.internal;

import io.promethium.api.testing.DiscoveryHarness;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.discovery.JsonHttpFetch;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testsupport.FakeCloud;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DigitalOcean SD against {@link FakeCloud}, a loopback stand-in of DigitalOcean's REST API v2
 * ({@code /v2/droplets}, {@code /v2/databases}, bearer token, {@code links.pages} pagination)
 * answering Prometheus's own mock answers ({@code prometheus-fixtures/}, see NOTICE there).
 */
class DigitaloceanSdTest {

    static final String TOKEN = "3c9a75a2-24fd-4508-b4f2-11f18aa97411";

    @TempDir
    Path dir;
    private FakeCloud cloud;
    private DiscoveryHarness harness;
    private volatile String page2;

    @BeforeEach
    void startCloud() throws Exception {
        cloud = new FakeCloud();
        cloud.authorize(r -> ("Bearer " + TOKEN).equals(r.authorization()),
                new FakeCloud.Answer(401, "{\"id\":\"Unauthorized\",\"message\":\"Unable to authenticate you\"}", Map.of()));
        String page1 = DiscoveryHarness.fixture("droplets-page1.json");
        page2 = DiscoveryHarness.fixture("droplets-page2.json");
        cloud.route("/v2/droplets", r -> FakeCloud.Answer.json("2".equals(FakeCloud.query(r, "page")) ? page2 : page1));
        String db1 = DiscoveryHarness.fixture("databases-page1.json");
        String db2 = DiscoveryHarness.fixture("databases-page2.json");
        cloud.route("/v2/databases", r -> FakeCloud.Answer.json(switch (String.valueOf(FakeCloud.query(r, "page"))) {
            case "1" -> db1;
            case "2" -> db2;
            default -> "{\"databases\": []}";
        }));
        harness = new DiscoveryHarness(dir, "do-job", new HttpConfigClientFactory());
    }

    @AfterEach
    void stop() {
        harness.close();
        cloud.close();
    }

    private void start(Map<String, Object> extra) throws Exception {
        start(extra, DigitaloceanDiscovererFactory.BODY_LIMIT);
    }

    private void start(Map<String, Object> extra, long bodyLimit) throws Exception {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("authorization", Map.of("credentials", TOKEN));
        block.put("refresh_interval", "300ms");
        block.putAll(extra);
        harness.start(new DigitaloceanDiscovererFactory(cloud.endpoint(), bodyLimit), "digitalocean_sd_configs", block);
    }

    private static Labels droplet(String address, String id, String name, String image, String imageName, String privateIpv4,
                                  String publicIpv6, String region, String status, String vpc, String features, String tags) {
        Map<String, String> l = new HashMap<>();
        String p = "__meta_digitalocean_";
        l.put("__address__", address);
        l.put(p + "droplet_id", id);
        l.put(p + "droplet_name", name);
        l.put(p + "image", image);
        l.put(p + "image_name", imageName);
        l.put(p + "private_ipv4", privateIpv4);
        l.put(p + "public_ipv4", address.substring(0, address.lastIndexOf(':')));
        l.put(p + "public_ipv6", publicIpv6);
        l.put(p + "region", region);
        l.put(p + "size", "s-1vcpu-1gb");
        l.put(p + "status", status);
        l.put(p + "vpc", vpc);
        l.put(p + "features", features);
        if (tags != null) {
            l.put(p + "tags", tags);
        }
        return Labels.fromMap(l);
    }

    static final List<Labels> DROPLETS = List.of(
            droplet("104.236.32.182:80", "3164444", "example.com", "ubuntu-16-04-x64", "14.04 x64", "",
                    "2604:A880:0800:0010:0000:0000:02DD:4001", "nyc3", "active", "f9b0769c-e118-42fb-a0c4-fed15ef69662",
                    ",backups,ipv6,virtio,", null),
            droplet("104.131.186.241:80", "3164494", "prometheus", "ubuntu-16-04-x64", "14.04 x64", "", "", "nyc3", "active",
                    "f9b0769c-e118-42fb-a0c4-fed15ef69662", ",virtio,", ",monitor,"),
            droplet("167.172.111.118:80", "175072239", "prometheus-demo-old", "ubuntu-18-04-x64", "18.04.3 (LTS) x64",
                    "10.135.64.211", "", "fra1", "off", "953d698c-dc84-11e8-80bc-3cfdfea9fba1", ",ipv6,private_networking,", null),
            droplet("138.65.56.69:80", "176011507", "prometheus-demo", "ubuntu-18-04-x64", "18.04.3 (LTS) x64", "10.135.64.212",
                    "2a03:b0c0:3:f0::cf2:4", "fra1", "active", "953d698c-dc84-11e8-80bc-3cfdfea9fba1", ",ipv6,private_networking,",
                    null));

    @Test
    void dropletsOfEveryPageAreTargetsWithPrometheusLabels() throws Exception {
        start(Map.of());
        TargetGroup g = harness.await(m -> m.containsKey("DigitalOcean")).get("DigitalOcean");
        assertThat(g.targets()).containsExactlyElementsOf(DROPLETS);
        assertThat(cloud.requests.get(0).uri().toString()).isEqualTo("/v2/droplets");
        assertThat(cloud.requests.get(1).uri().toString()).isEqualTo("/v2/droplets?page=2");
    }

    @Test
    void databasesArePagedUntilAnEmptyPageAndTargetTheirPrivateHost() throws Exception {
        start(Map.of("role", "databases", "port", 9273));
        TargetGroup g = harness.await(m -> m.containsKey("DigitalOcean Databases")).get("DigitalOcean Databases");
        String p = "__meta_digitalocean_db_";
        Map<String, String> first = new HashMap<>(Map.of("__address__",
                "do-fra1-pg-trading-001-do-user-XXXXX-0.f.db.ondigitalocean.com:9273", p + "id",
                "9cc10173-e9ea-4176-9dbc-a4cee4c4ff30", p + "name", "do-fra1-pg-trading-001", p + "engine", "pg", p + "version", "16",
                p + "status", "online", p + "region", "fra1", p + "size", "db-s-1vcpu-2gb", p + "num_nodes", "1"));
        first.put(p + "host", "do-fra1-pg-trading-001-do-user-XXXXX-0.f.db.ondigitalocean.com");
        first.put(p + "tag_prod", "true");
        first.put(p + "tag_market", "true");
        Map<String, String> second = new HashMap<>(Map.of("__address__", "private-db-host:9273", p + "id",
                "a0b1c2d3-e4f5-4677-8899-001122334455", p + "name", "private-db", p + "engine", "mysql", p + "version", "8",
                p + "status", "online", p + "region", "nyc1", p + "size", "db-s-2vcpu-4gb", p + "num_nodes", "2"));
        second.put(p + "host", "public-db-host");
        second.put(p + "private_host", "private-db-host");
        assertThat(g.targets()).containsExactly(Labels.fromMap(first), Labels.fromMap(second));
        assertThat(cloud.requests.stream().map(r -> r.uri().toString()).limit(3)).containsExactly(
                "/v2/databases?page=1&per_page=100", "/v2/databases?page=2&per_page=100", "/v2/databases?page=3&per_page=100");
    }

    @Test
    void aWrongTokenIsRefusedByTheApiAndFindsNothing() throws Exception {
        start(Map.of("authorization", Map.of("credentials", "not-the-token")));
        harness.awaitWarning("401");
        assertThat(harness.groups().values().stream().mapToInt(g -> g.targets().size()).sum()).isZero();
    }

    @Test
    void aChangedAccountChangesTheTargets() throws Exception {
        start(Map.of());
        harness.await(m -> m.containsKey("DigitalOcean") && m.get("DigitalOcean").targets().size() == 4);
        page2 = page2.replace("\"id\": 176011507", "\"id\": 999");
        TargetGroup g = harness.await(m -> m.get("DigitalOcean").targets().stream()
                .anyMatch(t -> "999".equals(t.get("__meta_digitalocean_droplet_id")))).get("DigitalOcean");
        assertThat(g.targets()).hasSize(4);
    }

    @Test
    void failuresKeepTheLastTargetsAreCountedAndLoggedOncePerChange() throws Exception {
        start(Map.of(), 20_000);
        harness.await(m -> m.containsKey("DigitalOcean") && m.get("DigitalOcean").targets().size() == 4);
        cloud.fault(new FakeCloud.Answer(500, "{\"id\":\"server_error\",\"message\":\"boom\"}", Map.of()));
        harness.awaitWarning("500");
        cloud.fault(FakeCloud.Answer.json("{\"droplets\": [garbage"));
        harness.awaitWarning("the answer is not JSON");
        cloud.fault(FakeCloud.Answer.json("{\"droplets\": [], \"pad\": \"" + "x".repeat(30_000) + "\"}"));
        harness.awaitWarning("the answer is larger than 20000 bytes");
        cloud.fault(null);
        cloud.hang(true);
        harness.awaitWarning("no answer within 300 ms");
        assertThat(harness.noUpdates()).isTrue();
        assertThat(harness.groups().get("DigitalOcean").targets()).hasSize(4);
        assertThat(harness.warnings().stream().filter(w -> w.contains(" 500 ")).count()).isEqualTo(1);
        assertThat(harness.context().metrics().value("prometheus_sd_refresh_failures_total", "digitalocean", "do-job"))
                .isGreaterThanOrEqualTo(4);
    }

    @Test
    void aThrottledAccountIsNotAskedAgainBeforeRetryAfter() throws Exception {
        start(Map.of());
        harness.await(m -> m.containsKey("DigitalOcean") && m.get("DigitalOcean").targets().size() == 4);
        cloud.fault(new FakeCloud.Answer(429, "{\"id\":\"too_many_requests\",\"message\":\"API Rate limit exceeded.\"}",
                Map.of("Retry-After", "3")));
        harness.awaitWarning("429 Too Many Requests; retry after 3000 ms");
        long asked = cloud.count("/v2/droplets");
        Thread.sleep(1500);
        // Five refreshes came and went in that time; none asked the API.
        assertThat(cloud.count("/v2/droplets")).isEqualTo(asked);
        harness.awaitWarning("throttled by the API");
        assertThat(harness.groups().get("DigitalOcean").targets()).hasSize(4);
        cloud.fault(null);
        page2 = page2.replace("\"id\": 176011507", "\"id\": 998");
        harness.await(m -> m.get("DigitalOcean").targets().stream().anyMatch(t -> "998".equals(t.get("__meta_digitalocean_droplet_id"))));
    }

    @Test
    void retryAfterIsSecondsOrAnHttpDate() {
        java.time.Instant now = java.time.Instant.parse("2026-01-01T00:00:00Z");
        assertThat(JsonHttpFetch.retryAfter("7", now)).isEqualTo(Duration.ofSeconds(7));
        assertThat(JsonHttpFetch.retryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now)).isEqualTo(Duration.ofSeconds(30));
        assertThat(JsonHttpFetch.retryAfter("soon", now)).isNull();
        assertThat(JsonHttpFetch.retryAfter(null, now)).isNull();
    }

    @Test
    void configIsValidatedWithPrometheusRulesAndDefaults() throws Exception {
        DigitaloceanDiscovererFactory factory = new DigitaloceanDiscovererFactory();
        Map<String, String> at = Map.of("role", "prometheus.yml:4:11", "port", "prometheus.yml:5:11");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("digitalocean_sd_configs", Map.of("role", "apps"),
                "prometheus.yml:3:7", at))).hasMessage("prometheus.yml:4:11: unknown DigitalOcean SD role \"apps\"");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("digitalocean_sd_configs", Map.of("role", ""),
                "prometheus.yml:3:7", at))).hasMessage("prometheus.yml:4:11: role missing (one of: droplets, databases)");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("digitalocean_sd_configs", Map.of("port", 70000),
                "prometheus.yml:3:7", at))).hasMessageStartingWith("prometheus.yml:5:11: port must be between 0 and 65535");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("digitalocean_sd_configs", Map.of("region", "x"),
                "prometheus.yml:3:7", at))).hasMessageContaining("region");
        DigitaloceanSdConfig config = DigitaloceanSdConfig.parse(new PluginConfig("digitalocean_sd_configs", Map.of(), "x:1:1"));
        assertThat(config).isEqualTo(new DigitaloceanSdConfig("droplets", 80, Duration.ofSeconds(60)));
    }
}
