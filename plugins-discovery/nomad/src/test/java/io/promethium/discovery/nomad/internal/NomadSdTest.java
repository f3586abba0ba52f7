package io.promethium.discovery.nomad.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.api.testing.TestPluginContext;
import io.promethium.config.http.KernelHttpClientFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nomad SD against {@link FakeNomad}, a loopback stand-in of Nomad's service API: labels, query parameters, faults, config. */
class NomadSdTest {

    @TempDir
    Path dir;
    private FakeNomad nomad;
    private TestPluginContext context;
    private Discoverer discoverer;
    private final BlockingQueue<List<TargetGroup>> updates = new LinkedBlockingQueue<>();
    private TargetGroup group;
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(record.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void startNomad() throws Exception {
        nomad = new FakeNomad();
        context = new TestPluginContext(dir, "nomad-job", new KernelHttpClientFactory());
        context.logger().addHandler(handler);
    }

    @AfterEach
    void stop() {
        context.logger().removeHandler(handler);
        if (discoverer != null) {
            discoverer.close();
        }
        nomad.close();
    }

    private void start(Map<String, Object> extra) throws Exception {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("server", nomad.url());
        block.put("refresh_interval", "1s");
        block.putAll(extra);
        discoverer = new NomadDiscovererFactory().create(new PluginConfig("nomad_sd_configs", block, "prometheus.yml:3:7"), context);
        discoverer.start(updates::add);
    }

    private TargetGroup await(Predicate<TargetGroup> check) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (group == null || !check.test(group)) {
            long left = deadline - System.nanoTime();
            List<TargetGroup> update = left <= 0 ? null : updates.poll(left, TimeUnit.NANOSECONDS);
            assertThat(update).as("an update; have " + group).isNotNull();
            for (TargetGroup g : update) {
                group = g;
            }
        }
        return group;
    }

    private void awaitWarning(String part) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (warnings.stream().noneMatch(w -> w.contains(part))) {
            assertThat(System.nanoTime()).as("warning with " + part + " logged, got " + warnings).isLessThan(deadline);
            Thread.sleep(20);
        }
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
        assertThat(nomad.requests).contains("/v1/services?namespace=default&region=global&stale=",
                "/v1/service/hashicups?namespace=default&region=global&stale=");
    }

    @Test
    void namespaceRegionAndStaleAreSentAsConfigured() throws Exception {
        nomad.register(TestNomadDiscoverer.web("w", "10.0.0.1"));
        start(Map.of("namespace", "team a", "region", "eu", "allow_stale", false));
        await(x -> x.targets().size() == 1);
        assertThat(nomad.requests.get(0)).isEqualTo("/v1/services?namespace=team+a&region=eu");
    }

    @Test
    void aFailingNomadKeepsTheLastTargetsCountsAndLogsOncePerChange() throws Exception {
        nomad.register(TestNomadDiscoverer.web("w", "10.0.0.1"));
        start(Map.of());
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
        awaitWarning("no answer within 1000 ms");
        assertThat(updates).isEmpty();
        assertThat(group.targets()).hasSize(1);
        assertThat(warnings.stream().filter(w -> w.contains("(internal error)") && !w.contains("failed to fetch")).count())
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
