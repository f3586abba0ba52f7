package io.promethium.discovery.vultr.internal;

import io.promethium.api.testing.DiscoveryHarness;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testsupport.FakeCloud;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vultr SD against {@link FakeCloud}, a loopback stand-in of Vultr's API v2 ({@code /v2/instances}:
 * bearer API key, cursor pagination through {@code meta.links.next}) answering Prometheus's own
 * mock answer ({@code prometheus-fixtures/instances.json}, see NOTICE there), split over two pages.
 */
class VultrSdTest {

    static final String KEY = "ABCBTDG35OTGH2UKCC3S6CNMDUPCN3ZWSGFQ";
    static final String CURSOR = "bmV4dF9fYmFkMTIz+/=";

    @TempDir
    Path dir;
    private FakeCloud cloud;
    private DiscoveryHarness harness;
    private volatile ObjectNode all;

    @BeforeEach
    void startCloud() throws Exception {
        cloud = new FakeCloud();
        cloud.authorize(r -> ("Bearer " + KEY).equals(r.authorization()),
                new FakeCloud.Answer(401, "{\"error\":\"Invalid API token.\",\"status\":401}", Map.of()));
        all = (ObjectNode) CloudApi.JSON.readTree(DiscoveryHarness.fixture("instances.json"));
        cloud.route("/v2/instances", r -> {
            boolean second = CURSOR.equals(FakeCloud.query(r, "cursor"));
            ObjectNode page = all.deepCopy();
            ArrayNode items = page.putArray("instances");
            ArrayNode instances = (ArrayNode) all.get("instances");
            for (int i = 0; i < instances.size(); i++) {
                if ((i >= 2) == second) {
                    items.add(instances.get(i));
                }
            }
            ((ObjectNode) page.get("meta").get("links")).put("next", second ? "" : CURSOR);
            return FakeCloud.Answer.json(page.toString());
        });
        harness = new DiscoveryHarness(dir, "vultr-job", new HttpConfigClientFactory());
    }

    @AfterEach
    void stop() {
        harness.close();
        cloud.close();
    }

    private void start(Map<String, Object> extra, long bodyLimit) throws Exception {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("authorization", Map.of("credentials", KEY));
        block.put("refresh_interval", "300ms");
        block.putAll(extra);
        harness.start(new VultrDiscovererFactory(cloud.endpoint(), bodyLimit), "vultr_sd_configs", block);
    }

    private static Labels instance(String ip, String id, String label, String internalIp) {
        Map<String, String> l = new HashMap<>();
        String p = "__meta_vultr_instance_";
        l.put("__address__", ip + ":80");
        l.put(p + "id", id);
        l.put(p + "label", label);
        l.put(p + "os", "Marketplace");
        l.put(p + "os_id", "426");
        l.put(p + "region", "ewr");
        l.put(p + "plan", "vhf-2c-4gb");
        l.put(p + "main_ip", ip);
        l.put(p + "internal_ip", internalIp);
        l.put(p + "main_ipv6", "");
        l.put(p + "hostname", label);
        l.put(p + "server_status", "ok");
        l.put(p + "vcpu_count", "2");
        l.put(p + "ram_mb", "4096");
        l.put(p + "disk_gb", "128");
        l.put(p + "allowed_bandwidth_gb", "3000");
        return Labels.fromMap(l);
    }

    @Test
    void instancesOfEveryPageAreTargetsWithPrometheusLabels() throws Exception {
        start(Map.of(), VultrDiscovererFactory.BODY_LIMIT);
        TargetGroup g = harness.await(m -> m.containsKey("Vultr")).get("Vultr");
        Labels first = instance("149.28.234.27", "dbdbd38c-9884-4c92-95fe-899e50dee717", "np-2-eae38a19b0f3", "10.1.96.5").toBuilder()
                .set("__meta_vultr_instance_features", ",backups,").set("__meta_vultr_instance_tags", ",tag1,tag2,tag3,").build();
        assertThat(g.targets()).containsExactly(first,
                instance("45.63.1.222", "fccb117c-62f7-4b17-995d-a8e56dd30b33", "np-2-fd0714b5fe42", "10.1.96.6"),
                instance("149.28.237.151", "c4e58767-f61b-4c5e-9bce-43761cc04868", "np-2-d04e7829fa43", "10.1.96.7"));
        assertThat(cloud.requests.get(0).uri().toString()).isEqualTo("/v2/instances?per_page=100");
        assertThat(FakeCloud.query(cloud.requests.get(1), "cursor")).isEqualTo(CURSOR);
    }

    @Test
    void aWrongKeyIsRefusedByTheApiAndFindsNothing() throws Exception {
        start(Map.of("authorization", Map.of("credentials", "wrong")), VultrDiscovererFactory.BODY_LIMIT);
        harness.awaitWarning("401");
        assertThat(harness.groups().values().stream().mapToInt(g -> g.targets().size()).sum()).isZero();
    }

    @Test
    void aChangedAccountChangesTheTargets() throws Exception {
        start(Map.of(), VultrDiscovererFactory.BODY_LIMIT);
        harness.await(m -> m.containsKey("Vultr") && m.get("Vultr").targets().size() == 3);
        ObjectNode changed = all.deepCopy();
        ((ArrayNode) changed.get("instances")).remove(2);
        all = changed;
        harness.await(m -> m.get("Vultr").targets().size() == 2);
    }

    @Test
    void failuresKeepTheLastTargetsAreCountedAndLoggedOncePerChange() throws Exception {
        start(Map.of(), 20_000);
        harness.await(m -> m.containsKey("Vultr") && m.get("Vultr").targets().size() == 3);
        cloud.fault(new FakeCloud.Answer(500, "{\"error\":\"boom\",\"status\":500}", Map.of()));
        harness.awaitWarning(" 500 ");
        cloud.fault(FakeCloud.Answer.json("{\"instances\": [garbage"));
        harness.awaitWarning("the answer is not JSON");
        cloud.fault(FakeCloud.Answer.json("{\"instances\": [], \"pad\": \"" + "x".repeat(30_000) + "\"}"));
        harness.awaitWarning("the answer is larger than 20000 bytes");
        cloud.fault(null);
        cloud.hang(true);
        harness.awaitWarning("no answer within 300 ms");
        assertThat(harness.noUpdates()).isTrue();
        assertThat(harness.groups().get("Vultr").targets()).hasSize(3);
        assertThat(harness.warnings().stream().filter(w -> w.contains(" 500 ")).count()).isEqualTo(1);
        assertThat(harness.context().metrics().value("prometheus_sd_refresh_failures_total", "vultr", "vultr-job"))
                .isGreaterThanOrEqualTo(4);
    }

    @Test
    void aThrottledAccountIsNotAskedAgainBeforeRetryAfter() throws Exception {
        start(Map.of(), VultrDiscovererFactory.BODY_LIMIT);
        harness.await(m -> m.containsKey("Vultr") && m.get("Vultr").targets().size() == 3);
        cloud.fault(new FakeCloud.Answer(429, "{\"error\":\"Rate limit reached\",\"status\":429}", Map.of("Retry-After", "3")));
        harness.awaitWarning("429 Too Many Requests; retry after 3000 ms");
        long asked = cloud.requests.size();
        Thread.sleep(1500);
        assertThat(cloud.requests.size()).isEqualTo(asked);
        harness.awaitWarning("throttled by the API");
        assertThat(harness.groups().get("Vultr").targets()).hasSize(3);
        cloud.fault(null);
        ObjectNode changed = all.deepCopy();
        ((ArrayNode) changed.get("instances")).remove(0);
        all = changed;
        harness.await(m -> m.get("Vultr").targets().size() == 2);
    }

    @Test
    void configIsValidatedWithPrometheusRulesAndDefaults() throws Exception {
        VultrDiscovererFactory factory = new VultrDiscovererFactory();
        Map<String, String> at = Map.of("port", "prometheus.yml:5:11", "region", "prometheus.yml:6:11");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("vultr_sd_configs", Map.of("port", -1), "prometheus.yml:3:7", at)))
                .hasMessageStartingWith("prometheus.yml:5:11: port must be between 0 and 65535");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("vultr_sd_configs", Map.of("region", "ewr"), "prometheus.yml:3:7",
                at))).hasMessageContaining("region");
        assertThat(VultrSdConfig.parse(new PluginConfig("vultr_sd_configs", Map.of(), "x:1:1")))
                .isEqualTo(new VultrSdConfig(80, Duration.ofSeconds(60)));
    }
}
