package io.promethium.discovery.docker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.api.testing.DiscoveryHarness;
import io.promethium.api.testing.TestPluginContext;
import io.promethium.testkit.HttpConfigClientFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Docker SD against {@link FakeDocker}, a stand-in of the engine API, for what the real engine of
 * {@link DockerEngineTest} does not give: Prometheus's own fixtures and the targets and labels its
 * tests expect (an IPv6-only container among them), the TCP transport (that engine listens in a
 * network namespace of its own, on its Unix socket only), filters as sent, faults, config.
 */
class DockerSdTest {

    @TempDir
    Path dir;
    private FakeDocker docker;
    private DiscoveryHarness harness;
    private TestPluginContext context;

    @BeforeEach
    void startDocker() throws Exception {
        docker = new FakeDocker(dir);
        harness = new DiscoveryHarness(dir, "docker-job", new HttpConfigClientFactory());
        context = harness.context();
    }

    @AfterEach
    void stop() throws Exception {
        harness.close();
        docker.close();
    }

    private void start(String host, Map<String, Object> extra) throws Exception {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("host", host);
        block.put("refresh_interval", "1s");
        block.putAll(extra);
        harness.start(new DockerDiscovererFactory(), "docker_sd_configs", block);
    }

    private TargetGroup await(Predicate<TargetGroup> check) throws InterruptedException {
        return harness.awaitLast(check);
    }

    private void awaitWarning(String part) throws InterruptedException {
        harness.awaitWarning(part);
    }

    private static List<String> addresses(TargetGroup g) {
        return g.targets().stream().map(t -> t.get("__address__")).sorted().toList();
    }

    @Test
    void containersOverTheUnixSocketMatchPrometheusFixtureExpectations() throws Exception {
        docker.fixture("dockerprom");
        start("unix://" + docker.socket, Map.of());
        TargetGroup g = await(x -> !x.targets().isEmpty());
        assertThat(g.source()).isEqualTo("Docker");
        assertThat(addresses(g)).containsExactly("172.19.0.2:9100", "172.19.0.3:80", "172.20.0.2:3306", "172.20.0.2:33060",
                "172.20.0.2:9104", "172.20.0.3:3306", "172.20.0.3:33060", "localhost");
        Labels node = g.targets().stream().filter(t -> t.get("__address__").equals("172.19.0.2:9100")).findFirst().orElseThrow();
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("__address__", "172.19.0.2:9100");
        expected.put("__meta_docker_container_id", "c301b928faceb1a18fe379f6bc178727ef920bb30b0f9b8592b32b36255a0eca");
        expected.put("__meta_docker_container_image", "prom/node-exporter:v1.1.2");
        expected.put("__meta_docker_container_image_id",
                "sha256:c19ae228f0699185488b6a1c0debb9c6b79672181356ad455c9a7924a41a01bb");
        expected.put("__meta_docker_container_label_com_docker_compose_project", "dockersd");
        expected.put("__meta_docker_container_label_com_docker_compose_service", "node");
        expected.put("__meta_docker_container_label_com_docker_compose_version", "1.25.0");
        expected.put("__meta_docker_container_label_maintainer", "The Prometheus Authors <prometheus-developers@googlegroups.com>");
        expected.put("__meta_docker_container_label_prometheus_job", "node");
        expected.put("__meta_docker_container_name", "/dockersd_node_1");
        expected.put("__meta_docker_container_network_mode", "dockersd_default");
        expected.put("__meta_docker_network_id", "7189986ab399e144e52a71b7451b4e04e2158c044b4cd2f3ae26fc3a285d3798");
        expected.put("__meta_docker_network_ingress", "false");
        expected.put("__meta_docker_network_internal", "false");
        expected.put("__meta_docker_network_ip", "172.19.0.2");
        expected.put("__meta_docker_network_label_com_docker_compose_network", "default");
        expected.put("__meta_docker_network_label_com_docker_compose_project", "dockersd");
        expected.put("__meta_docker_network_label_com_docker_compose_version", "1.25.0");
        expected.put("__meta_docker_network_name", "dockersd_default");
        expected.put("__meta_docker_network_scope", "local");
        expected.put("__meta_docker_port_private", "9100");
        assertThat(node).isEqualTo(Labels.fromMap(expected));
        Labels host = g.targets().stream().filter(t -> t.get("__address__").equals("localhost")).findFirst().orElseThrow();
        assertThat(host.get("__meta_docker_network_ip")).isEmpty();
        assertThat(docker.requests).startsWith("/_ping").contains("/v1.40/containers/json", "/v1.40/networks");
    }

    @Test
    void everyNetworkCountsWithoutMatchFirstNetworkOverTcp() throws Exception {
        docker.fixture("dockerprom");
        start(docker.tcp(), Map.of("match_first_network", false, "host_networking_host", "dockerhost", "port", 9999));
        TargetGroup g = await(x -> !x.targets().isEmpty());
        assertThat(addresses(g)).containsExactly("172.19.0.2:9100", "172.19.0.3:9999", "172.20.0.2:3306", "172.20.0.2:33060",
                "172.20.0.2:9104", "172.20.0.3:3306", "172.20.0.3:33060", "172.21.0.2:3306", "172.21.0.2:33060",
                "172.21.0.2:9104", "172.21.0.3:3306", "172.21.0.3:33060", "dockerhost");
    }

    @Test
    void anIpv6OnlyContainerIsAddressedByItsGlobalAddress() throws Exception {
        docker.fixture("dockeripv6");
        start("unix://" + docker.socket, Map.of());
        TargetGroup g = await(x -> !x.targets().isEmpty());
        assertThat(g.targets()).anyMatch(t -> t.get("__address__").startsWith("[") && !t.get("__meta_docker_network_ip").isEmpty());
    }

    @Test
    void filtersAreSentAsDockerTakesThem() throws Exception {
        docker.fixture("dockerprom");
        start(docker.tcp(), Map.of("filters", List.of(Map.of("name", "label", "values", List.of("prometheus-job=node", "b*")),
                Map.of("name", "status", "values", List.of("running")))));
        await(x -> !x.targets().isEmpty());
        assertThat(docker.requests).contains("/v1.40/containers/json?filters="
                + "%7B%22label%22%3A%7B%22b%2A%22%3Atrue%2C%22prometheus-job%3Dnode%22%3Atrue%7D%2C%22status%22%3A%7B%22running%22%3Atrue%7D%7D");
    }

    @Test
    void aFailingEngineKeepsTheLastTargetsCountsAndLogsOncePerChange() throws Exception {
        docker.fixture("dockerprom");
        // Refreshing every 500 ms (also the request timeout): each fault below waits for a refresh.
        start("unix://" + docker.socket, Map.of("refresh_interval", "500ms"));
        await(x -> x.targets().size() == 8);
        docker.failWith(500);
        awaitWarning("error while listing containers: Error response from daemon: simulated failure");
        docker.failWith(0);
        docker.answer("{\"not\":\"a list\"}", "[]");
        awaitWarning("cannot unmarshal object");
        docker.answer("[{", "[]");
        awaitWarning("error decoding the answer of /containers/json");
        docker.hang(true);
        awaitWarning("no answer within 500 ms");
        assertThat(harness.noUpdates()).isTrue();
        assertThat(harness.last().targets()).hasSize(8);
        assertThat(harness.warnings().stream().filter(w -> w.contains("simulated failure")).count()).isEqualTo(1);
        assertThat(context.metrics().value("prometheus_sd_refresh_failures_total", "docker", "docker-job")).isGreaterThanOrEqualTo(4);
    }

    @Test
    void aDaemonThatIsNotThereIsAFailureNamingIt() throws Exception {
        start("unix://" + dir.resolve("nothing.sock"), Map.of());
        assertThat(harness.nextUpdate(Duration.ofSeconds(10))).isEmpty();
        awaitWarning("Cannot connect to the Docker daemon at unix://");
    }

    @Test
    void configIsValidatedWithPrometheusRulesAndDefaults() throws Exception {
        DockerDiscovererFactory factory = new DockerDiscovererFactory();
        assertThatThrownBy(() -> factory.validate(new PluginConfig("docker_sd_configs", Map.of(), "prometheus.yml:3:7")))
                .hasMessage("prometheus.yml:3:7: host missing");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("docker_sd_configs", Map.of("host", "unix:///s", "role", "x"),
                "prometheus.yml:3:7"))).hasMessageContaining("field role not found in docker_sd_configs");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("docker_sd_configs", Map.of("host", "unix:///s",
                "filters", List.of(Map.of("name", "label", "value", "x"))), "prometheus.yml:3:7")))
                .hasMessageContaining("field value not found");
        DockerSdConfig config = DockerSdConfig.parse(new PluginConfig("docker_sd_configs", Map.of("host", "unix:///var/run/docker.sock"),
                "x:1:1"));
        assertThat(config.port()).isEqualTo(80);
        assertThat(config.hostNetworkingHost()).isEqualTo("localhost");
        assertThat(config.matchFirstNetwork()).isTrue();
        assertThat(config.refreshInterval()).isEqualTo(java.time.Duration.ofSeconds(60));
    }
}
