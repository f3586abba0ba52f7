package io.promethium.discovery.scaleway.internal;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scaleway SD against {@link FakeCloud}, a loopback stand-in of Scaleway's Instance, IPAM and
 * Elastic Metal APIs ({@code X-Auth-Token}, {@code page}/{@code total_count} pagination) answering
 * Prometheus's own instance test data ({@code prometheus-fixtures/}, see NOTICE there), split over
 * two pages, and the IPAM and bare-metal answers shaped as Scaleway documents them.
 */
class ScalewaySdTest {

    static final String PROJECT = "8feda53f-15f0-447f-badf-ebe32dad2fc0";
    static final String SECRET = "6d6579e5-a5b9-49fc-a35f-b4feb9b87301";
    static final String ACCESS = "SCW0W8NG6024YHRJ7723";

    @TempDir
    Path dir;
    private FakeCloud cloud;
    private DiscoveryHarness harness;
    private volatile ObjectNode instances;

    @BeforeEach
    void startCloud() throws Exception {
        cloud = new FakeCloud();
        cloud.authorize(r -> SECRET.equals(r.header("X-Auth-Token")),
                new FakeCloud.Answer(401, "{\"message\":\"authentication is denied\",\"type\":\"denied_authentication\"}", Map.of()));
        instances = (ObjectNode) CloudApi.JSON.readTree(DiscoveryHarness.fixture("instance.json"));
        cloud.route("/instance/v1/zones/fr-par-1/servers", r -> {
            ArrayNode servers = (ArrayNode) instances.get("servers");
            boolean second = "2".equals(FakeCloud.query(r, "page"));
            ObjectNode page = CloudApi.JSON.createObjectNode();
            ArrayNode items = page.putArray("servers");
            for (int i = 0; i < servers.size(); i++) {
                if ((i >= 2) == second) {
                    items.add(servers.get(i));
                }
            }
            page.put("total_count", servers.size());
            return FakeCloud.Answer.json(page.toString());
        });
        harness = new DiscoveryHarness(dir, "scw-job", new HttpConfigClientFactory());
    }

    @AfterEach
    void stop() {
        harness.close();
        cloud.close();
    }

    private Map<String, Object> block(Map<String, Object> extra) {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("role", "instance");
        block.put("project_id", PROJECT);
        block.put("secret_key", SECRET);
        block.put("access_key", ACCESS);
        block.put("api_url", cloud.endpoint().toString());
        block.put("refresh_interval", "300ms");
        block.putAll(extra);
        return block;
    }

    private void start(Map<String, Object> extra, long bodyLimit) throws Exception {
        harness.start(new ScalewayDiscovererFactory(bodyLimit), "scaleway_sd_configs", block(extra));
    }

    @Test
    void instancesOfEveryPageAreTargetsWithPrometheusLabels() throws Exception {
        start(Map.of(), ScalewayDiscovererFactory.BODY_LIMIT);
        TargetGroup g = harness.await(m -> m.containsKey("scaleway")).get("scaleway");
        List<Labels> expected = new ArrayList<>();
        for (JsonNode set : CloudApi.JSON.readTree(DiscoveryHarness.fixture("instance-expected.json"))) {
            Map<String, String> map = new HashMap<>();
            set.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
            expected.add(Labels.fromMap(map));
        }
        assertThat(g.targets()).containsExactlyElementsOf(expected);
        assertThat(cloud.requests.stream().map(r -> r.uri().toString()).limit(2))
                .containsExactly("/instance/v1/zones/fr-par-1/servers?page=1", "/instance/v1/zones/fr-par-1/servers?page=2");
    }

    @Test
    void aSecretKeyFileIsReadForEveryRequestAndFiltersAreSent() throws Exception {
        Path file = dir.resolve("secret_key");
        Files.writeString(file, "wrong\n");
        Map<String, Object> extra = new HashMap<>(Map.of("secret_key_file", "secret_key", "name_filter", "web",
                "tags_filter", List.of("a", "b")));
        Map<String, Object> block = block(extra);
        block.remove("secret_key");
        harness.start(new ScalewayDiscovererFactory(ScalewayDiscovererFactory.BODY_LIMIT), "scaleway_sd_configs", block);
        harness.awaitWarning("401");
        Files.writeString(file, SECRET + "\n");
        harness.await(m -> m.containsKey("scaleway") && m.get("scaleway").targets().size() == 4);
        assertThat(cloud.requests.get(0).uri().getRawQuery()).isEqualTo("name=web&tags=a%2Cb&page=1");
    }

    @Test
    void aServerWithOnlyAPrivateNicIsFoundThroughIpam() throws Exception {
        instances = (ObjectNode) CloudApi.JSON.readTree("""
                {"servers": [{"id": "78d6aa69-6a5f-47bd-9f1a-3cdde6973d96", "name": "ipam-only", "state": "running",
                  "public_ip": null, "public_ips": [], "private_ip": null, "zone": "fr-par-1",
                  "private_nics": [{"id": "2d17a5a0-f8e5-4e7f-a029-f7c8d182af53", "zone": "fr-par-1"}]}]}""");
        cloud.route("/ipam/v1/regions/fr-par/ips", r -> FakeCloud.query(r, "resource_ids").equals("2d17a5a0-f8e5-4e7f-a029-f7c8d182af53")
                && "instance_private_nic".equals(FakeCloud.query(r, "resource_types"))
                ? FakeCloud.Answer.json("{\"ips\": [{\"id\": \"b50244c4\", \"address\": \"10.0.0.7/32\", \"is_ipv6\": false, "
                        + "\"resource\": {\"type\": \"instance_private_nic\", \"id\": \"2d17a5a0-f8e5-4e7f-a029-f7c8d182af53\"}}], "
                        + "\"total_count\": 1}")
                : new FakeCloud.Answer(400, "{\"message\":\"bad query\"}", Map.of()));
        start(Map.of(), ScalewayDiscovererFactory.BODY_LIMIT);
        Labels target = harness.await(m -> m.containsKey("scaleway")).get("scaleway").targets().get(0);
        assertThat(target.get("__address__")).isEqualTo("10.0.0.7:80");
        assertThat(target.get("__meta_scaleway_instance_private_ipv4")).isEqualTo("10.0.0.7");
    }

    @Test
    void baremetalServersAreTargetsWithTheirOfferAndOs() throws Exception {
        cloud.route("/baremetal/v1/zones/nl-ams-1/servers", r -> FakeCloud.Answer.json("""
                {"servers": [{"id": "s1", "name": "metal", "zone": "nl-ams-1", "status": "ready", "project_id": "p1",
                  "offer_id": "o1", "install": {"os_id": "os1"}, "tags": ["db", "prod"],
                  "ips": [{"address": "2001:db8::1", "version": "IPv6"}, {"address": "51.15.1.2", "version": "IPv4"}]}],
                 "total_count": 1}"""));
        cloud.route("/baremetal/v1/zones/nl-ams-1/offers", r -> FakeCloud.Answer.json(
                "{\"offers\": [{\"id\": \"o0\", \"name\": \"EM-A\"}, {\"id\": \"o1\", \"name\": \"EM-B112X-SSD\"}], \"total_count\": 2}"));
        cloud.route("/baremetal/v1/zones/nl-ams-1/os", r -> FakeCloud.Answer.json(
                "{\"os\": [{\"id\": \"os1\", \"name\": \"Ubuntu\", \"version\": \"22.04 LTS (Jammy Jellyfish)\"}], \"total_count\": 1}"));
        start(Map.of("role", "baremetal", "zone", "nl-ams-1", "port", 9100), ScalewayDiscovererFactory.BODY_LIMIT);
        Labels target = harness.await(m -> m.containsKey("scaleway")).get("scaleway").targets().get(0);
        String p = "__meta_scaleway_baremetal_";
        Map<String, String> expected = new HashMap<>(Map.of("__address__", "51.15.1.2:9100", p + "id", "s1", p + "name", "metal",
                p + "zone", "nl-ams-1", p + "status", "ready", p + "project_id", "p1", p + "type", "EM-B112X-SSD", p + "os_name", "Ubuntu",
                p + "os_version", "22.04 LTS (Jammy Jellyfish)", p + "tags", ",db,prod,"));
        expected.put(p + "public_ipv4", "51.15.1.2");
        expected.put(p + "public_ipv6", "2001:db8::1");
        assertThat(target).isEqualTo(Labels.fromMap(expected));
    }

    @Test
    void failuresKeepTheLastTargetsAreCountedAndThrottlingIsRespected() throws Exception {
        start(Map.of(), 20_000);
        harness.await(m -> m.containsKey("scaleway") && m.get("scaleway").targets().size() == 4);
        cloud.fault(new FakeCloud.Answer(500, "{\"message\":\"internal error\"}", Map.of()));
        harness.awaitWarning(" 500 ");
        cloud.fault(FakeCloud.Answer.json("{\"servers\": [garbage"));
        harness.awaitWarning("the answer is not JSON");
        cloud.fault(FakeCloud.Answer.json("{\"servers\": [], \"pad\": \"" + "x".repeat(30_000) + "\"}"));
        harness.awaitWarning("the answer is larger than 20000 bytes");
        cloud.fault(new FakeCloud.Answer(429, "{\"message\":\"quota exceeded\"}", Map.of("Retry-After", "2")));
        harness.awaitWarning("429 Too Many Requests; retry after 2000 ms");
        long asked = cloud.requests.size();
        Thread.sleep(1000);
        assertThat(cloud.requests.size()).isEqualTo(asked);
        cloud.fault(null);
        cloud.hang(true);
        harness.awaitWarning("no answer within 300 ms");
        assertThat(harness.noUpdates()).isTrue();
        assertThat(harness.groups().get("scaleway").targets()).hasSize(4);
        assertThat(harness.warnings().stream().filter(w -> w.contains(" 500 ")).count()).as("warned once per change").isEqualTo(1);
        assertThat(harness.context().metrics().value("prometheus_sd_refresh_failures_total", "scaleway", "scw-job"))
                .isGreaterThanOrEqualTo(5);
    }

    @Test
    void aChangedZoneChangesTheTargets() throws Exception {
        start(Map.of(), ScalewayDiscovererFactory.BODY_LIMIT);
        harness.await(m -> m.containsKey("scaleway") && m.get("scaleway").targets().size() == 4);
        ObjectNode changed = instances.deepCopy();
        ((ArrayNode) changed.get("servers")).remove(3);
        instances = changed;
        harness.await(m -> m.get("scaleway").targets().size() == 3);
    }

    @Test
    void theSecretsOfTheBlockAreDeclaredSoTheConfigShowsThemMasked() {
        assertThat(new ScalewayDiscovererFactory().secretFields()).containsExactlyInAnyOrder("secret_key");
    }

    @Test
    void configIsValidatedWithPrometheusRules() {
        ScalewayDiscovererFactory factory = new ScalewayDiscovererFactory();
        Map<String, String> at = Map.of("role", "prometheus.yml:4:11", "access_key", "prometheus.yml:5:17", "zone", "prometheus.yml:6:11");
        Map<String, Object> good = Map.of("role", "instance", "project_id", PROJECT, "secret_key", SECRET, "access_key", ACCESS);
        java.util.function.Function<Map<String, Object>, PluginConfig> with = changes -> {
            Map<String, Object> values = new HashMap<>(good);
            changes.forEach((k, v) -> {
                if (v == null) {
                    values.remove(k);
                } else {
                    values.put(k, v);
                }
            });
            return new PluginConfig("scaleway_sd_configs", values, "prometheus.yml:3:7", at);
        };
        Map<String, Object> noRole = new HashMap<>();
        noRole.put("role", null);
        assertThatThrownBy(() -> factory.validate(with.apply(noRole))).hasMessage("prometheus.yml:3:7: role missing (one of: instance, baremetal)");
        assertThatThrownBy(() -> factory.validate(with.apply(Map.of("role", "vm")))).hasMessage("prometheus.yml:4:11: unknown role \"vm\"");
        Map<String, Object> noProject = new HashMap<>();
        noProject.put("project_id", null);
        assertThatThrownBy(() -> factory.validate(with.apply(noProject))).hasMessage("prometheus.yml:3:7: project_id is mandatory");
        Map<String, Object> noSecret = new HashMap<>();
        noSecret.put("secret_key", null);
        assertThatThrownBy(() -> factory.validate(with.apply(noSecret)))
                .hasMessage("prometheus.yml:3:7: one of secret_key & secret_key_file must be configured");
        assertThatThrownBy(() -> factory.validate(with.apply(Map.of("secret_key_file", "f"))))
                .hasMessage("prometheus.yml:3:7: at most one of secret_key & secret_key_file must be configured");
        assertThatThrownBy(() -> factory.validate(with.apply(Map.of("access_key", "AKIA"))))
                .hasMessageStartingWith("prometheus.yml:5:17: invalid access key format 'AKIA'");
        assertThatThrownBy(() -> factory.validate(with.apply(Map.of("zone", "paris")))).hasMessageStartingWith("prometheus.yml:6:11: bad zone format");
    }
}
