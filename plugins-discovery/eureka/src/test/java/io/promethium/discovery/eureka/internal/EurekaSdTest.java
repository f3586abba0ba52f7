package io.promethium.discovery.eureka.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.api.testing.DiscoveryHarness;
import io.promethium.api.testing.TestPluginContext;
import io.promethium.config.http.KernelHttpClientFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eureka SD against {@link FakeEureka}, a loopback stand-in of Eureka's REST API (see its
 * javadoc for why not a real Eureka): labels as Prometheus sets them, instances registering,
 * cancelling and expiring, config rules, faults.
 */
class EurekaSdTest {

    @TempDir
    Path dir;
    private FakeEureka eureka;
    private DiscoveryHarness harness;
    private TestPluginContext context;

    @BeforeEach
    void startEureka() throws Exception {
        eureka = new FakeEureka();
        harness = new DiscoveryHarness(dir, "eureka-job", new KernelHttpClientFactory());
        context = harness.context();
    }

    @AfterEach
    void stop() {
        harness.close();
        eureka.close();
    }

    private void start() throws Exception {
        harness.start(new EurekaDiscovererFactory(), "eureka_sd_configs", Map.of("server", eureka.url(), "refresh_interval", "1s"));
    }

    private TargetGroup await(Predicate<TargetGroup> check) throws InterruptedException {
        return harness.awaitLast(check);
    }

    private void awaitWarning(String part) throws InterruptedException {
        harness.awaitWarning(part);
    }

    @Test
    void everyInstanceIsATargetWithPrometheusLabels() throws Exception {
        EurekaClient.register(eureka.url(), "CONFIG-SERVICE",
                EurekaClient.instance("CONFIG-SERVICE", "config-1.test", "192.133.83.31", 8080, "UP", 90));
        start();
        TargetGroup g = await(x -> x.targets().size() == 1);
        assertThat(g.labels()).isEqualTo(Labels.EMPTY);
        String p = "__meta_eureka_app_instance_";
        assertThat(g.targets().get(0)).isEqualTo(Labels.fromMap(Map.ofEntries(
                Map.entry("__address__", "config-1.test:8080"),
                Map.entry("instance", "config-1.test:config-service:8080"),
                Map.entry("__meta_eureka_app_name", "CONFIG-SERVICE"),
                Map.entry(p + "hostname", "config-1.test"),
                Map.entry(p + "homepage_url", "http://config-1.test:8080/"),
                Map.entry(p + "statuspage_url", "http://config-1.test:8080/info"),
                Map.entry(p + "healthcheck_url", "http://config-1.test:8080/health"),
                Map.entry(p + "ip_addr", "192.133.83.31"),
                Map.entry(p + "vip_address", "config-service"),
                Map.entry(p + "secure_vip_address", "config-service"),
                Map.entry(p + "status", "UP"),
                Map.entry(p + "country_id", "1"),
                Map.entry(p + "id", "config-1.test:config-service:8080"),
                Map.entry(p + "port", "8080"),
                Map.entry(p + "port_enabled", "true"),
                Map.entry(p + "secure_port", "443"),
                Map.entry(p + "secure_port_enabled", "false"),
                Map.entry(p + "datacenterinfo_name", "MyOwn"),
                Map.entry(p + "metadata_management_port", "8080"))));
        assertThat(eureka.requests).contains("GET /eureka/apps");
    }

    @Test
    void instancesRegisteringCancellingAndExpiringAreFollowed() throws Exception {
        EurekaClient.register(eureka.url(), "WEB", EurekaClient.instance("WEB", "web-1.test", "10.0.0.1", 8080, "UP", 90));
        start();
        await(g -> g.targets().size() == 1);
        // A lease of 4 s that is never renewed: the registry evicts it (long enough for a 1 s refresh
        // to see it on a loaded machine first).
        EurekaClient.register(eureka.url(), "API", EurekaClient.instance("API", "api-1.test", "10.0.0.2", 9090, "STARTING", 4));
        TargetGroup both = await(g -> g.targets().size() == 2);
        assertThat(both.targets()).anyMatch(t -> t.get("__meta_eureka_app_instance_status").equals("STARTING"));
        await(g -> g.targets().size() == 1 && g.targets().get(0).get("__meta_eureka_app_name").equals("WEB"));
        assertThat(EurekaClient.cancel(eureka.url(), "WEB", "web-1.test:web:8080")).isEqualTo(200);
        await(g -> g.targets().isEmpty());
    }

    @Test
    void aFailingServerKeepsTheLastTargetsCountsAndLogsOncePerChange() throws Exception {
        EurekaClient.register(eureka.url(), "WEB", EurekaClient.instance("WEB", "web-1.test", "10.0.0.1", 8080, "UP", 90));
        start();
        await(g -> g.targets().size() == 1);
        eureka.failWith(500);
        awaitWarning("non 2xx status '500' response during eureka service discovery");
        eureka.failWith(0);
        eureka.answerBody("<applications><application><name>X</name><instance><port>eighty</port>");
        awaitWarning("strconv.ParseInt: parsing \"eighty\": invalid syntax");
        eureka.answerBody("<applications><application>");
        awaitWarning("XML document structures must start and end within the same entity");
        eureka.answerBody("");
        awaitWarning("/eureka/apps\": EOF");
        eureka.answerBody(null);
        eureka.hang(true);
        awaitWarning("no answer within 1000 ms");
        assertThat(harness.noUpdates()).as("no update while failing").isTrue();
        assertThat(harness.last().targets()).hasSize(1);
        assertThat(harness.warnings().stream().filter(w -> w.contains("'500'")).count()).isEqualTo(1);
        assertThat(context.metrics().value("prometheus_sd_refresh_failures_total", "eureka", "eureka-job")).isGreaterThanOrEqualTo(5);
    }

    @Test
    void anInstanceWithoutPortIsAddressedOnPort80() throws Exception {
        eureka.answerBody("""
                <applications><application><name>A</name>
                  <instance><hostName>::1</hostName><instanceId>i1</instanceId>
                    <metadata><x-y>a</x-y></metadata></instance>
                </application></applications>""");
        start();
        Labels t = await(g -> g.targets().size() == 1).targets().get(0);
        assertThat(t.get("__address__")).isEqualTo("[::1]:80");
        assertThat(t.has("__meta_eureka_app_instance_port")).isFalse();
        assertThat(t.has("__meta_eureka_app_instance_datacenterinfo_name")).isFalse();
        assertThat(t.get("__meta_eureka_app_instance_metadata_x_y")).isEqualTo("a");
        assertThat(t.get("__meta_eureka_app_instance_country_id")).isEqualTo("0");
    }

    @Test
    void configIsValidatedWithPrometheusRulesAndDefaults() throws Exception {
        EurekaDiscovererFactory factory = new EurekaDiscovererFactory();
        Map<String, String> at = Map.of("server", "prometheus.yml:4:13");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("eureka_sd_configs", Map.of(), "prometheus.yml:3:7", at)))
                .hasMessage("prometheus.yml:3:7: eureka_sd: empty or null eureka server");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("eureka_sd_configs", Map.of("server", "localhost:8761"),
                "prometheus.yml:3:7", at))).hasMessage("prometheus.yml:4:13: eureka_sd: invalid eureka server URL");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("eureka_sd_configs", Map.of("server", "http://e", "port", 1),
                "prometheus.yml:3:7", at))).hasMessageContaining("field port not found in eureka_sd_configs");
        assertThat(EurekaSdConfig.parse(new PluginConfig("eureka_sd_configs", Map.of("server", "http://e:8761/eureka"), "x:1:1"))
                .refreshInterval()).isEqualTo(java.time.Duration.ofSeconds(30));
    }
}
