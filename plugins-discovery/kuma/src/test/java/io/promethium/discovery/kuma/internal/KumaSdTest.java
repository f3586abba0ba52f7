package io.promethium.discovery.kuma.internal;

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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kuma SD against {@link FakeKuma}, a loopback stand-in of Kuma's MADS endpoint: the protocol, labels, 304s, faults, config. */
class KumaSdTest {

    @TempDir
    Path dir;
    private FakeKuma kuma;
    private DiscoveryHarness harness;
    private TestPluginContext context;

    @BeforeEach
    void startKuma() throws Exception {
        kuma = new FakeKuma();
        harness = new DiscoveryHarness(dir, "kuma-job", new HttpConfigClientFactory());
        context = harness.context();
    }

    @AfterEach
    void stop() {
        harness.close();
        kuma.close();
    }

    private void start(Map<String, Object> extra) throws Exception {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("server", kuma.url());
        block.put("refresh_interval", "300ms");
        block.put("client_id", "prom-1");
        block.putAll(extra);
        harness.start(new KumaDiscovererFactory(), "kuma_sd_configs", block);
    }

    private TargetGroup await(Predicate<TargetGroup> check) throws InterruptedException {
        return harness.awaitLast(check);
    }

    private void awaitWarning(String part) throws InterruptedException {
        harness.awaitWarning(part);
    }

    private static final String ASSIGNMENTS = """
            [{"@type":"type.googleapis.com/kuma.observability.v1.MonitoringAssignment",
              "mesh":"metrics","service":"prometheus","labels":{"commonLabel":"serviceLevel","kuma.io/zone":"z1"},
              "targets":[{"name":"prometheus-01","scheme":"http","address":"10.1.4.32:9090","metricsPath":"/custom-metrics",
                          "labels":{"commonLabel":"targetLevel","extra":"x"}},
                         {"name":"prometheus-02","scheme":"https","address":"10.1.4.33:9090","metrics_path":"/metrics"}]}]""";

    @Test
    void assignmentsAreTargetsWithPrometheusLabelsAndTheProtocolIsFollowed() throws Exception {
        kuma.assignments(ASSIGNMENTS);
        start(Map.of());
        TargetGroup g = await(x -> x.targets().size() == 2);
        assertThat(g.source()).isEqualTo("kuma");
        assertThat(g.targets().get(0)).isEqualTo(Labels.fromMap(Map.of(
                "__address__", "10.1.4.32:9090",
                "instance", "prometheus-01",
                "__scheme__", "http",
                "__metrics_path__", "/custom-metrics",
                "__meta_kuma_mesh", "metrics",
                "__meta_kuma_service", "prometheus",
                "__meta_kuma_dataplane", "prometheus-01",
                "__meta_kuma_label_commonLabel", "serviceLevel",
                "__meta_kuma_label_kuma_io_zone", "z1",
                "__meta_kuma_label_extra", "x")));
        assertThat(g.targets().get(1).get("__metrics_path__")).isEqualTo("/metrics");
        assertThat(kuma.lines().get(0)).isEqualTo("POST /v3/discovery:monitoringassignments?fetch-timeout=2m "
                + "{\"node\":{\"id\":\"prom-1\"},\"type_url\":\"type.googleapis.com/kuma.observability.v1.MonitoringAssignment\"}");
        // Later requests carry the version and nonce; the control plane answers 304 while nothing changes.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (context.metrics().value("prometheus_sd_kuma_fetch_skipped_updates_total") < 1) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(20);
        }
        assertThat(kuma.lines().get(1)).contains("\"version_info\":\"2\"").contains("\"response_nonce\":\"n2\"");
        assertThat(harness.noUpdates()).as("a 304 changes nothing").isTrue();
        kuma.assignments("[]");
        await(x -> x.targets().isEmpty());
        assertThat(context.metrics().count("prometheus_sd_kuma_fetch_duration_seconds")).isPositive();
    }

    @Test
    void aFailingControlPlaneKeepsTheLastTargetsCountsAndLogsOncePerChange() throws Exception {
        kuma.assignments(ASSIGNMENTS);
        start(Map.of());
        await(x -> x.targets().size() == 2);
        kuma.failWith(503);
        awaitWarning("non 200 status '503' response during xDS fetch");
        kuma.failWith(0);
        kuma.answerBody("{\"versionInfo\":\"9\",\"typeUrl\":\"type.googleapis.com/other\",\"resources\":[]}");
        awaitWarning("received invalid typeURL for Kuma MADS v1 Resource: type.googleapis.com/other");
        kuma.answerBody("{\"typeUrl\":\"type.googleapis.com/kuma.observability.v1.MonitoringAssignment\","
                + "\"resources\":[{\"@type\":\"type.googleapis.com/x.Y\"}]}");
        awaitWarning("unable to resolve \"type.googleapis.com/x.Y\"");
        kuma.answerBody("{garbage");
        awaitWarning("Unexpected character");
        kuma.answerBody(null);
        kuma.hang(true);
        harness.closeDiscoverer();
        assertThat(harness.last().targets()).hasSize(2);
        assertThat(harness.warnings().stream().filter(w -> w.contains("'503'")).count()).isEqualTo(1);
        assertThat(context.metrics().value("prometheus_sd_kuma_fetch_failures_total")).isGreaterThanOrEqualTo(4);
    }

    @Test
    void configIsValidatedWithPrometheusRulesAndDefaults() throws Exception {
        KumaDiscovererFactory factory = new KumaDiscovererFactory();
        assertThatThrownBy(() -> factory.validate(new PluginConfig("kuma_sd_configs", Map.of(), "prometheus.yml:3:7")))
                .hasMessage("prometheus.yml:3:7: kuma SD server must not be empty: ");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("kuma_sd_configs", Map.of("server", "kuma:5676"),
                "prometheus.yml:3:7"))).hasMessageContaining("kuma SD server must not be empty and have a scheme: kuma:5676");
        KumaSdConfig config = KumaSdConfig.parse(new PluginConfig("kuma_sd_configs", Map.of("server", "http://kuma:5676/a/"), "x:1:1"));
        assertThat(config.refreshInterval()).isEqualTo(java.time.Duration.ofSeconds(15));
        assertThat(config.fetchTimeout()).isEqualTo(java.time.Duration.ofMinutes(2));
        assertThat(KumaDiscoverer.endpoint(config)).isEqualTo("http://kuma:5676/a/v3/discovery:monitoringassignments?fetch-timeout=2m");
    }
}
