package io.promethium.discovery.uyuni.internal;

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
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uyuni SD against {@link FakeUyuni}, a loopback stand-in of Uyuni's XML-RPC API: labels, login, faults, config. */
class UyuniSdTest {

    @TempDir
    Path dir;
    private FakeUyuni uyuni;
    private DiscoveryHarness harness;
    private TestPluginContext context;

    @BeforeEach
    void startUyuni() throws Exception {
        uyuni = new FakeUyuni();
        harness = new DiscoveryHarness(dir, "uyuni-job", new HttpConfigClientFactory());
        context = harness.context();
    }

    @AfterEach
    void stop() {
        harness.close();
        uyuni.close();
    }

    private void start(Map<String, Object> extra) throws Exception {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("server", uyuni.url());
        block.put("username", "admin");
        block.put("password", "s3cr3t");
        block.put("refresh_interval", "1s");
        block.putAll(extra);
        harness.start(new UyuniDiscovererFactory(), "uyuni_sd_configs", block);
    }

    private TargetGroup await(Predicate<TargetGroup> check) throws InterruptedException {
        return harness.awaitLast(check);
    }

    private void awaitWarning(String part) throws InterruptedException {
        harness.awaitWarning(part);
    }

    @Test
    void endpointsAreTargetsWithPrometheusLabels() throws Exception {
        uyuni.systems.add(new FakeUyuni.System(1000010000, "minion-1", "minion-1.example.com", List.of("web", "prod"),
                "node_exporter", "node_exporter", 9100, "/metrics", "", false));
        uyuni.systems.add(new FakeUyuni.System(1000010001, "minion-2", "minion-2.example.com", List.of(), "apache",
                "apache_exporter", 9117, "/apache", "apache", true));
        start(Map.of("separator", ";"));
        TargetGroup g = await(x -> x.targets().size() == 2);
        assertThat(g.source()).isEqualTo(uyuni.url() + "/rpc/api");
        assertThat(g.targets().get(0)).isEqualTo(Labels.fromMap(Map.of(
                "__address__", "minion-1:9100",
                "__meta_uyuni_minion_hostname", "minion-1",
                "__meta_uyuni_primary_fqdn", "minion-1.example.com",
                "__meta_uyuni_system_id", "1000010000",
                "__meta_uyuni_groups", "web;prod",
                "__meta_uyuni_endpoint_name", "node_exporter",
                "__meta_uyuni_exporter", "node_exporter",
                "__meta_uyuni_proxy_module", "",
                "__meta_uyuni_metrics_path", "/metrics",
                "__meta_uyuni_scheme", "http")));
        assertThat(g.targets().get(1).get("__meta_uyuni_scheme")).isEqualTo("https");
        assertThat(g.targets().get(1).get("__meta_uyuni_proxy_module")).isEqualTo("apache");
        assertThat(uyuni.calls()).containsSubsequence("auth.login", "system.listSystemGroupsForSystemsWithEntitlement",
                "system.monitoring.listEndpoints", "system.getNetworkForSystems");
    }

    @Test
    void aDroppedSessionIsFollowedByANewLogin() throws Exception {
        uyuni.systems.add(TestUyuniDiscoverer.system(1));
        start(Map.of());
        await(x -> x.targets().size() == 1);
        uyuni.expireSession();
        awaitWarning("Fault(2950): Could not find session");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (uyuni.calls().stream().filter("auth.login"::equals).count() < 2) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(20);
        }
        uyuni.systems.add(TestUyuniDiscoverer.system(2));
        await(x -> x.targets().size() == 2);
    }

    @Test
    void wrongCredentialsAndAFailingServerKeepTheLastTargetsCountAndLogOncePerChange() throws Exception {
        uyuni.systems.add(TestUyuniDiscoverer.system(1));
        // Refreshing every 500 ms (also the request timeout): each fault below waits for a refresh.
        start(Map.of("refresh_interval", "500ms"));
        await(x -> x.targets().size() == 1);
        uyuni.fault(new FakeUyuni.Answer(500, "error", Map.of()));
        awaitWarning("HTTP status 500");
        uyuni.fault(new FakeUyuni.Answer(200, "<methodResponse><params>", Map.of()));
        awaitWarning("the XML-RPC answer cannot be read");
        uyuni.fault(null);
        uyuni.hang(true);
        awaitWarning("no answer within 500 ms");
        assertThat(harness.noUpdates()).isTrue();
        assertThat(harness.last().targets()).hasSize(1);
        assertThat(harness.warnings().stream().filter(w -> w.contains("status 500")).count()).isEqualTo(1);
        assertThat(context.metrics().value("prometheus_sd_refresh_failures_total", "uyuni", "uyuni-job")).isGreaterThanOrEqualTo(3);
        uyuni.hang(false);
    }

    @Test
    void wrongCredentialsAreAFailureNamingTheLogin() throws Exception {
        start(Map.of("password", "wrong"));
        assertThat(harness.nextUpdate(Duration.ofSeconds(10))).isEmpty();
        awaitWarning("unable to login to Uyuni API: Fault(2950): Either the password or username is incorrect.");
    }

    @Test
    void configIsValidatedWithPrometheusRulesAndDefaults() throws Exception {
        UyuniDiscovererFactory factory = new UyuniDiscovererFactory();
        assertThatThrownBy(() -> factory.validate(new PluginConfig("uyuni_sd_configs", Map.of(), "prometheus.yml:3:7")))
                .hasMessage("prometheus.yml:3:7: Uyuni SD configuration requires server host");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("uyuni_sd_configs", Map.of("server", "https://u"),
                "prometheus.yml:3:7"))).hasMessage("prometheus.yml:3:7: Uyuni SD configuration requires a username");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("uyuni_sd_configs", Map.of("server", "https://u", "username", "a"),
                "prometheus.yml:3:7"))).hasMessage("prometheus.yml:3:7: Uyuni SD configuration requires a password");
        UyuniSdConfig config = UyuniSdConfig.parse(new PluginConfig("uyuni_sd_configs", Map.of("server", "https://u/x/",
                "username", "a", "password", "p"), "x:1:1"));
        assertThat(config.entitlement()).isEqualTo("monitoring_entitled");
        assertThat(config.separator()).isEqualTo(",");
        assertThat(config.refreshInterval()).isEqualTo(java.time.Duration.ofMinutes(1));
        assertThat(config.apiUrl()).isEqualTo("https://u/x/rpc/api");
        assertThat(factory.secretFields()).containsExactly("password");
    }
}
