package io.promethium.discovery.linode.internal;

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
import java.nio.file.Path;
import java.time.Duration;
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
 * Linode SD against {@link FakeCloud}, a loopback stand-in of Linode's API v4 (bearer token,
 * {@code X-Filter} region filters, {@code page}/{@code pages} pagination, account events)
 * answering Prometheus's own test data per region ({@code prometheus-fixtures/}, see NOTICE
 * there); the stand-in splits the unfiltered instance list over two pages.
 */
class LinodeSdTest {

    static final String TOKEN = "7b2c56dd51edd90952c1b94c472b94b176f20c5c777e376849edd8ad1c6c03bb";
    static final String NO_EVENTS = "{\"data\": [], \"results\": 0, \"pages\": 1, \"page\": 1}";

    @TempDir
    Path dir;
    private FakeCloud cloud;
    private DiscoveryHarness harness;
    private final Map<String, String> overrides = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile String events = NO_EVENTS;

    @BeforeEach
    void startCloud() throws Exception {
        cloud = new FakeCloud();
        cloud.authorize(r -> ("Bearer " + TOKEN).equals(r.authorization()),
                new FakeCloud.Answer(401, "{\"errors\": [{\"reason\": \"Invalid Token\"}]}", Map.of()));
        for (String path : List.of("/v4/linode/instances", "/v4/networking/ips", "/v4/networking/ipv6/ranges")) {
            cloud.route(path, r -> {
                try {
                    String filter = r.header("X-Filter");
                    String region = filter == null ? "" : CloudApi.JSON.readTree(filter).path("region").asText("");
                    String directory = region.isEmpty() ? "no_region_filter" : region;
                    String body = overrides.getOrDefault(directory + path, DiscoveryHarness.fixture(directory + path + ".json"));
                    if (!path.equals("/v4/linode/instances") || !region.isEmpty()) {
                        return FakeCloud.Answer.json(body);
                    }
                    // Two pages: the first two instances, then the rest.
                    ObjectNode all = (ObjectNode) CloudApi.JSON.readTree(body);
                    boolean second = "2".equals(FakeCloud.query(r, "page"));
                    ArrayNode data = (ArrayNode) all.get("data");
                    ObjectNode page = all.deepCopy();
                    ArrayNode items = page.putArray("data");
                    for (int i = 0; i < data.size(); i++) {
                        if ((i >= 2) == second) {
                            items.add(data.get(i));
                        }
                    }
                    page.put("page", second ? 2 : 1).put("pages", 2);
                    return FakeCloud.Answer.json(page.toString());
                } catch (Exception e) {
                    return new FakeCloud.Answer(500, "{\"errors\": [{\"reason\": \"" + e + "\"}]}", Map.of());
                }
            });
        }
        cloud.route("/v4/account/events", r -> FakeCloud.Answer.json(events));
        harness = new DiscoveryHarness(dir, "linode-job", new HttpConfigClientFactory());
    }

    @AfterEach
    void stop() {
        harness.close();
        cloud.close();
    }

    private void start(Map<String, Object> extra, long bodyLimit) throws Exception {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("authorization", Map.of("credentials", TOKEN));
        block.put("refresh_interval", "300ms");
        block.putAll(extra);
        harness.start(new LinodeDiscovererFactory(cloud.endpoint().resolve("v4/"), bodyLimit), "linode_sd_configs", block);
    }

    private static List<Labels> expected(String test) throws Exception {
        JsonNode want = CloudApi.JSON.readTree(DiscoveryHarness.fixture("expected.json")).get(test).get("want");
        List<Labels> labels = new ArrayList<>();
        for (JsonNode set : want) {
            Map<String, String> map = new HashMap<>();
            set.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
            labels.add(Labels.fromMap(map));
        }
        return labels;
    }

    @Test
    void instancesOfEveryRegionAndPageAreTargetsWithPrometheusLabels() throws Exception {
        start(Map.of(), LinodeDiscovererFactory.BODY_LIMIT);
        TargetGroup g = harness.await(m -> m.containsKey("Linode")).get("Linode");
        assertThat(g.targets()).containsExactlyElementsOf(expected("no_region"));
        assertThat(cloud.requests.stream().map(r -> r.uri().toString()).limit(4)).containsExactly(
                "/v4/linode/instances?page_size=500", "/v4/linode/instances?page=2&page_size=500", "/v4/networking/ips?page_size=500",
                "/v4/networking/ipv6/ranges?page_size=500");
    }

    @Test
    void aRegionIsSentAsAnXFilterOnEveryList() throws Exception {
        start(Map.of("region", "us-east"), LinodeDiscovererFactory.BODY_LIMIT);
        assertThat(harness.await(m -> m.containsKey("Linode")).get("Linode").targets()).containsExactlyElementsOf(expected("us-east"));
        assertThat(cloud.requests.get(0).header("X-Filter")).isEqualTo("{\"region\": \"us-east\"}");
        harness.close();
        DiscoveryHarness other = new DiscoveryHarness(dir, "linode-job-2", new HttpConfigClientFactory());
        try {
            other.start(new LinodeDiscovererFactory(cloud.endpoint().resolve("v4/"), LinodeDiscovererFactory.BODY_LIMIT), "linode_sd_configs",
                    Map.of("authorization", Map.of("credentials", TOKEN), "region", "ca-central", "tag_separator", "|"));
            assertThat(other.await(m -> m.containsKey("Linode")).get("Linode").targets())
                    .containsExactlyElementsOf(expected("us-central").stream()
                            .map(l -> l.toBuilder().set("__meta_linode_tags", l.get("__meta_linode_tags").replace(',', '|'))
                                    .set("__meta_linode_ipv6_ranges", l.get("__meta_linode_ipv6_ranges").replace(',', '|')).build())
                            .toList());
        } finally {
            other.close();
        }
    }

    @Test
    void theAccountIsReadAgainOnlyAfterEvents() throws Exception {
        start(Map.of(), LinodeDiscovererFactory.BODY_LIMIT);
        harness.await(m -> m.containsKey("Linode") && m.get("Linode").targets().size() == 4);
        ObjectNode changed = (ObjectNode) CloudApi.JSON.readTree(DiscoveryHarness.fixture("no_region_filter/v4/linode/instances.json"));
        ((ArrayNode) changed.get("data")).remove(0);
        overrides.put("no_region_filter/v4/linode/instances", changed.toString());
        long read = cloud.count("/v4/linode/instances");
        long polled = cloud.count("/v4/account/events");
        while (cloud.count("/v4/account/events") < polled + 3) {
            Thread.sleep(50);
        }
        // Three quiet event polls, and the instances were not read again.
        assertThat(cloud.count("/v4/linode/instances")).isEqualTo(read);
        assertThat(harness.groups().get("Linode").targets()).hasSize(4);
        String filter = cloud.requests.stream().filter(r -> r.uri().getPath().equals("/v4/account/events")).findFirst().orElseThrow()
                .header("X-Filter");
        assertThat(filter).matches("\\{\"created\": \\{\"\\+gte\": \"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\"}}");
        events = "{\"data\": [{\"id\": 123, \"action\": \"linode_delete\", \"created\": \"2026-01-01T00:00:00\"}], \"results\": 1, "
                + "\"pages\": 1, \"page\": 1}";
        harness.await(m -> m.get("Linode").targets().size() == 3);
    }

    @Test
    void aTokenWithoutEventAccessReadsEverythingEachTime() throws Exception {
        start(Map.of(), LinodeDiscovererFactory.BODY_LIMIT);
        harness.await(m -> m.containsKey("Linode") && m.get("Linode").targets().size() == 4);
        cloud.route("/v4/account/events", r -> new FakeCloud.Answer(401, "{\"errors\": [{\"reason\": \"Unauthorized\"}]}", Map.of()));
        ObjectNode changed = (ObjectNode) CloudApi.JSON.readTree(DiscoveryHarness.fixture("no_region_filter/v4/linode/instances.json"));
        ((ArrayNode) changed.get("data")).remove(1);
        overrides.put("no_region_filter/v4/linode/instances", changed.toString());
        harness.await(m -> m.get("Linode").targets().size() == 3);
        assertThat(harness.warnings()).isEmpty();
    }

    @Test
    void aWrongTokenIsRefusedByTheApiAndFindsNothing() throws Exception {
        start(Map.of("authorization", Map.of("credentials", "wrong")), LinodeDiscovererFactory.BODY_LIMIT);
        harness.awaitWarning("401");
        assertThat(harness.groups().values().stream().mapToInt(g -> g.targets().size()).sum()).isZero();
        assertThat(harness.context().metrics().value("prometheus_sd_linode_failures_total")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void failuresKeepTheLastTargetsAreCountedAndLoggedOncePerChange() throws Exception {
        start(Map.of(), 20_000);
        harness.await(m -> m.containsKey("Linode") && m.get("Linode").targets().size() == 4);
        cloud.fault(new FakeCloud.Answer(500, "{\"errors\": [{\"reason\": \"boom\"}]}", Map.of()));
        harness.awaitWarning(" 500 ");
        cloud.fault(FakeCloud.Answer.json("{\"data\": [garbage"));
        harness.awaitWarning("the answer is not JSON");
        cloud.fault(FakeCloud.Answer.json("{\"data\": [], \"pad\": \"" + "x".repeat(30_000) + "\"}"));
        harness.awaitWarning("the answer is larger than 20000 bytes");
        cloud.fault(null);
        cloud.hang(true);
        harness.awaitWarning("no answer within 300 ms");
        assertThat(harness.noUpdates()).isTrue();
        assertThat(harness.groups().get("Linode").targets()).hasSize(4);
        assertThat(harness.warnings().stream().filter(w -> w.contains(" 500 ")).count()).isEqualTo(1);
        assertThat(harness.context().metrics().value("prometheus_sd_refresh_failures_total", "linode", "linode-job"))
                .isGreaterThanOrEqualTo(4);
    }

    @Test
    void aThrottledAccountIsNotAskedAgainBeforeRetryAfter() throws Exception {
        start(Map.of(), LinodeDiscovererFactory.BODY_LIMIT);
        harness.await(m -> m.containsKey("Linode") && m.get("Linode").targets().size() == 4);
        cloud.fault(new FakeCloud.Answer(429, "{\"errors\": [{\"reason\": \"Too many requests\"}]}", Map.of("Retry-After", "3")));
        harness.awaitWarning("429 Too Many Requests; retry after 3000 ms");
        long asked = cloud.requests.size();
        Thread.sleep(1500);
        assertThat(cloud.requests.size()).isEqualTo(asked);
        harness.awaitWarning("throttled by the API");
        assertThat(harness.groups().get("Linode").targets()).hasSize(4);
    }

    @Test
    void configIsValidatedWithPrometheusRulesAndDefaults() throws Exception {
        LinodeDiscovererFactory factory = new LinodeDiscovererFactory();
        Map<String, String> at = Map.of("port", "prometheus.yml:5:11", "zone", "prometheus.yml:6:11");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("linode_sd_configs", Map.of("port", 65536), "prometheus.yml:3:7", at)))
                .hasMessageStartingWith("prometheus.yml:5:11: port must be between 0 and 65535");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("linode_sd_configs", Map.of("zone", "x"), "prometheus.yml:3:7", at)))
                .hasMessageContaining("zone");
        assertThat(LinodeSdConfig.parse(new PluginConfig("linode_sd_configs", Map.of(), "x:1:1")))
                .isEqualTo(new LinodeSdConfig(80, ",", "", Duration.ofSeconds(60)));
    }
}
