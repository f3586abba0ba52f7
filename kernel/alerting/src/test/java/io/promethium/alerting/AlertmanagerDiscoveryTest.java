package io.promethium.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.alerting.internal.NotifierManager;
import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.DiscoveryContext;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.config.model.ConfigSections;
import io.promethium.config.model.AlertingConfig;
import io.promethium.config.model.AlertmanagerConfig;
import io.promethium.config.model.GlobalConfig;
import io.promethium.config.model.HttpClientConfig;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.config.model.RelabelAction;
import io.promethium.config.model.RelabelConfig;
import io.promethium.config.model.StorageConfig;
import io.promethium.config.http.KernelHttpClientFactory;
import io.promethium.config.plugin.PluginMetricsRegistry;
import io.promethium.discovery.DiscoveryManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Alertmanagers found by a discovery plugin, relabeled into URLs. */
class AlertmanagerDiscoveryTest {

    /** A hand-written discovery plugin whose targets the test pushes. */
    private static final class FakeFactory implements DiscovererFactory {
        volatile Consumer<List<TargetGroup>> updates;
        volatile boolean closed;

        @Override
        public String type() {
            return "fake";
        }

        @Override
        public void validate(PluginConfig config) throws ConfigException {
            config.requireOnly(java.util.Set.of("name"));
        }

        @Override
        public Discoverer create(PluginConfig config, DiscoveryContext context) {
            return new Discoverer() {
                @Override
                public void start(Consumer<List<TargetGroup>> u) {
                    updates = u;
                    u.accept(List.of());
                }

                @Override
                public void close() {
                    closed = true;
                }
            };
        }
    }

    /**
     * A discovery manager that sends every 50 ms, so the test need not wait Prometheus's 5 s, and
     * holds the targets of a plugin that went 200 ms for a replacement (15 s in the server).
     */
    private final DiscoveryManager discovery = new DiscoveryManager(Duration.ofMillis(50), Duration.ofMillis(200),
            new PluginMetricsRegistry(), new KernelHttpClientFactory());
    private final NotifierManager manager = new NotifierManager(10, false, discovery);

    @AfterEach
    void close() {
        manager.close(Duration.ofSeconds(1));
        discovery.close();
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static PrometheusConfig config(PluginConfig discovery, List<RelabelConfig> relabel, String prefix) {
        AlertmanagerConfig am = new AlertmanagerConfig("v2", prefix, "https", Duration.ofSeconds(10), HttpClientConfig.DEFAULT,
                List.of(), List.of(discovery), relabel, List.of());
        return new PrometheusConfig(null, GlobalConfig.DEFAULT, List.of(), List.of(),
                new AlertingConfig(List.of(), List.of(am)), ConfigSections.NONE, StorageConfig.DEFAULT, "");
    }

    @Test
    void discoveredTargetsBecomeAlertmanagersAndRelabelingCanDropThem() throws Exception {
        FakeFactory factory = new FakeFactory();
        discovery.addFactory(factory);
        RelabelConfig dropStaging = new RelabelConfig(List.of("env"), ";", "staging", Pattern.compile("^(?:staging)$"), 0,
                "", "$1", RelabelAction.DROP);
        manager.applyConfig(config(new PluginConfig("fake_sd_configs", Map.of("name", "x"), "prometheus.yml:10:7"),
                List.of(dropStaging), "/prefix"));
        assertThat(manager.activeAlertmanagers()).isEmpty();
        factory.updates.accept(List.of(new TargetGroup("g1",
                List.of(Labels.of("__address__", "am1.example:9093"), Labels.of("__address__", "am2.example")),
                Labels.of("env", "prod")),
                new TargetGroup("g2", List.of(Labels.of("__address__", "am3.example:9093")), Labels.of("env", "staging"))));
        await("discovered Alertmanagers", () -> manager.activeAlertmanagers().size() == 2);
        assertThat(manager.activeAlertmanagers()).extracting(Object::toString).containsExactly(
                "https://am1.example:9093/prefix/api/v2/alerts", "https://am2.example:443/prefix/api/v2/alerts");
        assertThat(manager.droppedAlertmanagers()).extracting(Object::toString)
                .containsExactly("https://am3.example:9093/prefix/api/v2/alerts");
        // A group reported again without targets is removed.
        factory.updates.accept(List.of(new TargetGroup("g1", List.of(), Labels.EMPTY)));
        await("the emptied group's Alertmanagers gone", () -> manager.activeAlertmanagers().isEmpty());
    }

    @Test
    void aTypeWhosePluginIsMissingHasNoAlertmanagersUntilThePluginArrives() throws Exception {
        manager.applyConfig(config(new PluginConfig("fake_sd_configs", Map.of(), "prometheus.yml:3:5"), List.of(), ""));
        assertThat(manager.activeAlertmanagers()).isEmpty();
        FakeFactory factory = new FakeFactory();
        discovery.addFactory(factory);
        await("the plugin started", () -> factory.updates != null);
        factory.updates.accept(List.of(new TargetGroup("g", List.of(Labels.of("__address__", "am:9093")), Labels.EMPTY)));
        await("the Alertmanager found", () -> manager.activeAlertmanagers().size() == 1);
        discovery.removeFactory(factory);
        await("its Alertmanager dropped with the plugin", () -> manager.activeAlertmanagers().isEmpty());
    }

    @Test
    void reloadClosesThePreviousDiscoverers() throws Exception {
        FakeFactory factory = new FakeFactory();
        discovery.addFactory(factory);
        PrometheusConfig c = config(new PluginConfig("fake_sd_configs", Map.of(), ""), List.of(), "");
        manager.applyConfig(c);
        manager.applyConfig(new PrometheusConfig(null, GlobalConfig.DEFAULT, List.of(), List.of(), AlertingConfig.EMPTY,
                ConfigSections.NONE, StorageConfig.DEFAULT, ""));
        assertThat(factory.closed).isTrue();
        assertThat(manager.activeAlertmanagers()).isEmpty();
    }
}
