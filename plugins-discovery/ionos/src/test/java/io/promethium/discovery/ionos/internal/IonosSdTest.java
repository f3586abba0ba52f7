package io.promethium.discovery.ionos.internal;

import io.promethium.api.testing.DiscoveryHarness;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
 * IONOS SD against {@link FakeCloud}, a loopback stand-in of the IONOS Cloud API v6
 * ({@code /cloudapi/v6/datacenters/<id>/servers?depth=3}, bearer token) answering Prometheus's
 * own test data ({@code prometheus-fixtures/servers.json}, see NOTICE there).
 */
class IonosSdTest {

    static final String DATACENTER = "8feda53f-15f0-447f-badf-ebe32dad2fc0";
    static final String PATH = "/cloudapi/v6/datacenters/" + DATACENTER + "/servers";

    @TempDir
    Path dir;
    private FakeCloud cloud;
    private DiscoveryHarness harness;
    private volatile String servers;

    @BeforeEach
    void startCloud() throws Exception {
        cloud = new FakeCloud();
        cloud.authorize(r -> "Bearer jwt".equals(r.authorization()), new FakeCloud.Answer(401, "{\"httpStatus\": 401, \"messages\": "
                + "[{\"errorCode\": \"315\", \"message\": \"Unauthorized\"}]}", Map.of()));
        servers = DiscoveryHarness.fixture("servers.json");
        cloud.route(PATH, r -> "3".equals(FakeCloud.query(r, "depth")) ? FakeCloud.Answer.json(servers)
                : new FakeCloud.Answer(400, "{\"httpStatus\": 400}", Map.of()));
        harness = new DiscoveryHarness(dir, "ionos-job", new HttpConfigClientFactory());
    }

    @AfterEach
    void stop() {
        harness.close();
        cloud.close();
    }

    private void start(Map<String, Object> extra, long bodyLimit) throws Exception {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("datacenter_id", DATACENTER);
        block.put("authorization", Map.of("credentials", "jwt"));
        block.put("refresh_interval", "300ms");
        block.putAll(extra);
        harness.start(new IonosDiscovererFactory(cloud.endpoint().resolve("cloudapi/v6/"), bodyLimit), "ionos_sd_configs", block);
    }

    private static Map<String, String> server(String address, String zone, String id, String ips, String name) {
        String p = "__meta_ionos_server_";
        Map<String, String> l = new HashMap<>();
        l.put("__address__", address);
        l.put(p + "availability_zone", zone);
        l.put(p + "boot_cdrom_id", "0e4d57f9-cd78-11e9-b88c-525400f64d8d");
        l.put(p + "cpu_family", "INTEL_SKYLAKE");
        l.put(p + "id", id);
        l.put(p + "ip", ips);
        l.put(p + "lifecycle", "AVAILABLE");
        l.put(p + "name", name);
        l.put(p + "servers_id", DATACENTER + "/servers");
        l.put(p + "state", "RUNNING");
        l.put(p + "type", "ENTERPRISE");
        return l;
    }

    @Test
    void serversAreTargetsWithPrometheusLabels() throws Exception {
        start(Map.of(), IonosDiscovererFactory.BODY_LIMIT);
        TargetGroup g = harness.await(m -> m.containsKey("ionos")).get("ionos");
        String p = "__meta_ionos_server_";
        Map<String, String> first = server("85.215.243.177:80", "ZONE_2", "b501942c-4e08-43e6-8ec1-00e59c64e0e4",
                ",85.215.243.177,185.56.150.9,85.215.238.118,", "prometheus-2");
        first.put(p + "nic_ip_metrics", ",85.215.243.177,");
        first.put(p + "nic_ip_unnamed", ",185.56.150.9,85.215.238.118,");
        Map<String, String> second = server("85.215.248.84:80", "ZONE_1", "523415e6-ff8c-4dc0-86d3-09c256039b30", ",85.215.248.84,",
                "prometheus-1");
        second.put(p + "nic_ip_unnamed", ",85.215.248.84,");
        Map<String, String> third = Map.of("__address__", "10.0.0.99:80", p + "ip", ",10.0.0.99,", p + "nic_ip_unnamed", ",10.0.0.99,",
                p + "servers_id", DATACENTER + "/servers");
        assertThat(g.targets()).containsExactly(Labels.fromMap(first), Labels.fromMap(second), Labels.fromMap(third));
    }

    @Test
    void missingContainersAndPropertiesLeaveLabelsOutOrServersAway() throws Exception {
        servers = "{\"id\": \"" + DATACENTER + "/servers\", \"type\": \"collection\", \"items\": ["
                + "{\"id\": \"srv-1\", \"properties\": null, \"entities\": {\"nics\": {\"items\": [{\"id\": \"nic-1\", "
                + "\"properties\": {\"ips\": [\"10.0.0.1\"]}}]}}},"
                + "{\"id\": \"srv-2\", \"properties\": {\"name\": \"no-nics\"}, \"entities\": {\"nics\": {\"id\": \"srv-2/nics\"}}},"
                + "{\"id\": \"srv-3\", \"properties\": {\"name\": \"x\"}, \"entities\": {\"nics\": {\"items\": [{\"properties\": null}]}}},"
                + "{\"id\": \"srv-4\", \"properties\": {\"name\": \"y\"}, \"entities\": {\"nics\": {\"items\": [{\"properties\": "
                + "{\"name\": \"eth0\"}}]}}}]}";
        start(Map.of(), IonosDiscovererFactory.BODY_LIMIT);
        TargetGroup g = harness.await(m -> m.containsKey("ionos")).get("ionos");
        String p = "__meta_ionos_server_";
        assertThat(g.targets()).containsExactly(Labels.fromMap(Map.of("__address__", "10.0.0.1:80", p + "id", "srv-1", p + "ip",
                ",10.0.0.1,", p + "nic_ip_unnamed", ",10.0.0.1,", p + "servers_id", DATACENTER + "/servers")));
    }

    @Test
    void aWrongTokenIsRefused() throws Exception {
        start(Map.of("authorization", Map.of("credentials", "nope")), IonosDiscovererFactory.BODY_LIMIT);
        harness.awaitWarning("401");
        assertThat(harness.groups().values().stream().mapToInt(g -> g.targets().size()).sum()).isZero();
    }

    @Test
    void failuresKeepTheLastTargetsAndThrottlingIsRespected() throws Exception {
        start(Map.of(), 40_000);
        harness.await(m -> m.containsKey("ionos") && m.get("ionos").targets().size() == 3);
        cloud.fault(new FakeCloud.Answer(500, "{\"httpStatus\": 500}", Map.of()));
        harness.awaitWarning(" 500 ");
        cloud.fault(FakeCloud.Answer.json("{\"items\": [garbage"));
        harness.awaitWarning("the answer is not JSON");
        cloud.fault(FakeCloud.Answer.json("{\"items\": [], \"pad\": \"" + "x".repeat(50_000) + "\"}"));
        harness.awaitWarning("the answer is larger than 40000 bytes");
        cloud.fault(new FakeCloud.Answer(429, "{\"httpStatus\": 429}", Map.of("Retry-After", "2")));
        harness.awaitWarning("429 Too Many Requests; retry after 2000 ms");
        long asked = cloud.requests.size();
        Thread.sleep(1000);
        assertThat(cloud.requests.size()).isEqualTo(asked);
        cloud.fault(null);
        cloud.hang(true);
        harness.awaitWarning("no answer within 300 ms");
        assertThat(harness.groups().get("ionos").targets()).hasSize(3);
        cloud.hang(false);
        servers = "{\"id\": \"x\", \"items\": []}";
        harness.await(m -> m.get("ionos").targets().isEmpty());
        assertThat(harness.warnings().stream().filter(w -> w.contains(" 500 ")).count()).as("warned once per change").isEqualTo(1);
        assertThat(harness.context().metrics().value("prometheus_sd_refresh_failures_total", "ionos", "ionos-job")).isGreaterThanOrEqualTo(5);
    }

    @Test
    void configIsValidatedWithPrometheusRules() throws Exception {
        IonosDiscovererFactory factory = new IonosDiscovererFactory();
        assertThatThrownBy(() -> factory.validate(new PluginConfig("ionos_sd_configs", Map.of(), "prometheus.yml:3:7")))
                .hasMessage("prometheus.yml:3:7: datacenter id can't be empty");
        assertThat(IonosSdConfig.parse(new PluginConfig("ionos_sd_configs", Map.of("datacenter_id", "d"), "x:1:1")))
                .isEqualTo(new IonosSdConfig("d", 80, Duration.ofSeconds(60)));
    }
}
