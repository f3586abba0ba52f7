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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Docker Swarm SD against {@link FakeDocker} serving Prometheus's own swarm fixtures
 * ({@code prometheus-fixtures/swarmprom}, see NOTICE there), for what the one-node swarm of
 * {@link DockerEngineTest} does not give: the target counts and labels Prometheus's tests expect
 * for each role on a five-node swarm, filters sent byte for byte as Prometheus sends them, config
 * rules.
 */
class DockerswarmSdTest {

    @TempDir
    Path dir;
    private FakeDocker docker;
    private DiscoveryHarness harness;
    private TestPluginContext context;

    @BeforeEach
    void startDocker() throws Exception {
        docker = new FakeDocker(dir);
        docker.fixture("swarmprom");
        harness = new DiscoveryHarness(dir, "swarm-job", new HttpConfigClientFactory());
        context = harness.context();
    }

    @AfterEach
    void stop() throws Exception {
        harness.close();
        docker.close();
    }

    private TargetGroup first(Map<String, Object> extra) throws Exception {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("host", docker.tcp());
        block.put("refresh_interval", "5s");
        block.putAll(extra);
        harness.start(new DockerswarmDiscovererFactory(), "dockerswarm_sd_configs", block);
        List<TargetGroup> update = harness.nextUpdate(Duration.ofSeconds(15));
        assertThat(update).as("the first update").hasSize(1);
        assertThat(update.get(0).source()).isEqualTo("DockerSwarm");
        return update.get(0);
    }

    private static Labels target(TargetGroup g, String address) {
        return g.targets().stream().filter(t -> t.get("__address__").equals(address)).findFirst().orElseThrow();
    }

    @Test
    void servicesRoleMatchesPrometheusFixtureExpectations() throws Exception {
        TargetGroup g = first(Map.of("role", "services"));
        assertThat(g.targets()).hasSize(15);
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("__address__", "10.0.0.7:9100");
        expected.put("__meta_dockerswarm_network_id", "qvwhwd6p61k4o0ulsknqb066z");
        expected.put("__meta_dockerswarm_network_ingress", "true");
        expected.put("__meta_dockerswarm_network_internal", "false");
        expected.put("__meta_dockerswarm_network_name", "ingress");
        expected.put("__meta_dockerswarm_network_scope", "swarm");
        expected.put("__meta_dockerswarm_service_endpoint_port_name", "");
        expected.put("__meta_dockerswarm_service_endpoint_port_publish_mode", "ingress");
        expected.put("__meta_dockerswarm_service_id", "3qvd7bwfptmoht16t1f7jllb6");
        expected.put("__meta_dockerswarm_service_label_com_docker_stack_image", "stefanprodan/swarmprom-node-exporter:v0.16.0");
        expected.put("__meta_dockerswarm_service_label_com_docker_stack_namespace", "mon");
        expected.put("__meta_dockerswarm_service_mode", "global");
        expected.put("__meta_dockerswarm_service_name", "mon_node-exporter");
        expected.put("__meta_dockerswarm_service_task_container_hostname", "");
        expected.put("__meta_dockerswarm_service_task_container_image", "stefanprodan/swarmprom-node-exporter:v0.16.0"
                + "@sha256:1d2518ec0501dd848e718bf008df37852b1448c862d6f256f2d39244975758d6");
        assertThat(target(g, "10.0.0.7:9100")).isEqualTo(Labels.fromMap(expected));
    }

    @Test
    void servicesRoleSendsFiltersAsPrometheusDoes() throws Exception {
        TargetGroup g = first(Map.of("role", "services", "filters",
                List.of(Map.of("name", "name", "values", List.of("mon_node-exporter", "mon_grafana")))));
        assertThat(g.targets()).hasSize(4);
    }

    @Test
    void tasksRoleMatchesPrometheusFixtureExpectations() throws Exception {
        TargetGroup g = first(Map.of("role", "tasks"));
        assertThat(g.targets()).hasSize(27);
        assertThat(g.targets()).allMatch(t -> t.has("__meta_dockerswarm_task_id") && t.has("__meta_dockerswarm_node_id"));
    }

    @Test
    void nodesRoleMatchesPrometheusFixtureExpectations() throws Exception {
        TargetGroup g = first(Map.of("role", "nodes"));
        assertThat(g.targets()).hasSize(5);
        assertThat(g.targets()).allMatch(t -> t.get("__address__").endsWith(":80") && t.has("__meta_dockerswarm_node_engine_version"));
    }

    @Test
    void configIsValidatedWithPrometheusRules() {
        DockerswarmDiscovererFactory factory = new DockerswarmDiscovererFactory();
        assertThatThrownBy(() -> factory.validate(new PluginConfig("dockerswarm_sd_configs", Map.of("host", "unix:///s"),
                "prometheus.yml:3:7"))).hasMessage("prometheus.yml:3:7: role missing (one of: tasks, services, nodes)");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("dockerswarm_sd_configs", Map.of("host", "unix:///s",
                "role", "containers"), "prometheus.yml:3:7"))).hasMessage(
                "prometheus.yml:3:7: invalid role containers, expected tasks, services, or nodes");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("dockerswarm_sd_configs", Map.of("role", "nodes"),
                "prometheus.yml:3:7"))).hasMessage("prometheus.yml:3:7: host missing");
    }
}
