package io.promethium.discovery.nomad.internal;

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

/** Nomad SD against {@link FakeNomad}, a loopback stand-in of Nomad's service API: labels, query parameters, faults, config. */
class NomadSdTest {

    @TempDir
    Path dir;
    private FakeNomad nomad;
    private DiscoveryHarness harness;
    private TestPluginContext context;

    @BeforeEach
    void startNomad() throws Exception {
        nomad = new FakeNomad();
        harness = new DiscoveryHarness(dir, "nomad-job", new HttpConfigClientFactory());
        context = harness.context();
    }

    @AfterEach
    void stop() {
        harness.close();
        nomad.close();
    }

    private void start(Map<String, Object> extra) throws Exception {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("server", nomad.url());
        block.put("refresh_interval", "1s");
        block.putAll(extra);
        harness.start(new NomadDiscovererFactory(), "nomad_sd_configs", block);
    }

    private TargetGroup await(Predicate<TargetGroup> check) throws InterruptedException {
        return harness.awaitLast(check);
    }

    private void awaitWarning(String part) throws InterruptedException {
        harness.awaitWarning(part);
    }

    @Test
    void registrationsAreTargetsWithPrometheusLabels() throws Exception {
        nomad.register(new FakeNomad.Registration("_nomad-task-1", "hashicups", "default", "node-1", "dc1", "127.0.0.1", 30456,
                List.of("metrics", "prod")));
        nomad.register(new FakeNomad.Registration("_nomad-task-2", "db", "default", "node-2", "dc1", "::1", 5432, List.of()));
        start(Map.of("tag_separator", ";"));
        TargetGroup g = await(x -> x.targets().size() == 2);
        assertThat(g.source()).isEqualTo("Nomad");
        assertThat(g.targets().get(0)).isEqualTo(Labels.fromMap(Map.of(
                "__address__", "127.0.0.1:30456",
                "__meta_nomad_address", "127.0.0.1",
                "__meta_nomad_dc", "dc1",
                "__meta_nomad_node_id", "node-1",
                "__meta_nomad_namespace", "default",
                "__meta_nomad_service_address", "127.0.0.1",
                "__meta_nomad_service_id", "_nomad-task-1",
                "__meta_nomad_service_port", "30456",
                "__meta_nomad_service", "hashicups",
                "__meta_nomad_tags", ";metrics;prod;")));
        assertThat(g.targets().get(1).get("__address__")).isEqualTo("[::1]:5432");
        assertThat(g.targets().get(1).has("__meta_nomad_tags")).isFalse();
        assertThat(nomad.paths()).contains("/v1/services?namespace=default&region=global&stale=",
                "/v1/service/hashicups?namespace=default&region=global&stale=");
    }

    @Test
    void namespaceRegionAndStaleAreSentAsConfigured() throws Exception {
        nomad.register(TestNomadDiscoverer.web("w", "10.0.0.1"));
        start(Map.of("namespace", "team a", "region", "eu", "allow_stale", false));
        await(x -> x.targets().size() == 1);
        assertThat(nomad.paths().get(0)).isEqualTo("/v1/services?namespace=team+a&region=eu");
    }

    @Test
    void aFailingNomadKeepsTheLastTargetsCountsAndLogsOncePerChange() throws Exception {
        nomad.register(TestNomadDiscoverer.web("w", "10.0.0.1"));
        // Refreshing every 500 ms (also the request timeout): each fault below waits for a refresh.
        start(Map.of("refresh_interval", "500ms"));
        await(x -> x.targets().size() == 1);
        nomad.failWith(500, "");
        awaitWarning("Unexpected response code: 500 (internal error)");
        nomad.failWith(500, "web");
        awaitWarning("failed to fetch services: Unexpected response code: 500");
        nomad.failWith(0, "");
        nomad.answerBody("{\"not\":\"a list\"}");
        awaitWarning("json: cannot unmarshal object into Go value of type []*api.ServiceRegistrationListStub");
        nomad.answerBody(null);
        nomad.hang(true);
        awaitWarning("no answer within 500 ms");
        assertThat(harness.noUpdates()).isTrue();
        assertThat(harness.last().targets()).hasSize(1);
        assertThat(harness.warnings().stream().filter(w -> w.contains("(internal error)") && !w.contains("failed to fetch")).count())
                .isEqualTo(1);
        assertThat(context.metrics().value("prometheus_sd_nomad_failures_total")).isGreaterThanOrEqualTo(4);
        assertThat(context.metrics().value("prometheus_sd_refresh_failures_total", "nomad", "nomad-job"))
                .isEqualTo(context.metrics().value("prometheus_sd_nomad_failures_total"));
    }

    @Test
    void configIsValidatedWithPrometheusRulesAndDefaults() throws Exception {
        NomadDiscovererFactory factory = new NomadDiscovererFactory();
        Map<String, String> at = Map.of("server", "prometheus.yml:4:15");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("nomad_sd_configs", Map.of("server", "  "), "prometheus.yml:3:7",
                at))).hasMessage("prometheus.yml:4:15: nomad SD configuration requires a server address");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("nomad_sd_configs", Map.of("datacenter", "dc1"),
                "prometheus.yml:3:7", at))).hasMessageContaining("field datacenter not found in nomad_sd_configs");
        NomadSdConfig config = NomadSdConfig.parse(new PluginConfig("nomad_sd_configs", Map.of(), "x:1:1"));
        assertThat(config).isEqualTo(new NomadSdConfig("http://localhost:4646", "default", "global", true, ",",
                java.time.Duration.ofSeconds(60)));
    }
}
