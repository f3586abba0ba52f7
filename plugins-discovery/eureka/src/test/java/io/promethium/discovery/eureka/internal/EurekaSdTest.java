package io.promethium.discovery.eureka.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.api.testing.DiscoveryHarness;
import io.promethium.api.testing.TestPluginContext;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testsupport.RealPrometheus;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eureka SD on what a real Eureka server ({@link EurekaServerTest}) does not produce, against
 * {@link FakeEureka}, a loopback stand-in of its {@code GET /eureka/apps}: failures (a 500,
 * garbage XML, an empty body, no answer), an instance without a port (the real server always
 * lists one), the config rules, and such documents read by the real Prometheus and by the plugin alike.
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
        harness = new DiscoveryHarness(dir, "eureka-job", new HttpConfigClientFactory());
        context = harness.context();
    }

    @AfterEach
    void stop() {
        harness.close();
        eureka.close();
    }

    private void start() throws Exception {
        start("1s");
    }

    private void start(String refreshInterval) throws Exception {
        harness.start(new EurekaDiscovererFactory(), "eureka_sd_configs", Map.of("server", eureka.serviceUrl(), "refresh_interval", refreshInterval));
    }

    private TargetGroup await(Predicate<TargetGroup> check) throws InterruptedException {
        return harness.awaitLast(check);
    }

    private void awaitWarning(String part) throws InterruptedException {
        harness.awaitWarning(part);
    }

    @Test
    void aFailingServerKeepsTheLastTargetsCountsAndLogsOncePerChange() throws Exception {
        eureka.register("WEB", EurekaClient.instance("WEB", "web-1.test", "10.0.0.1", 8080, "UP", 90));
        // Refreshing every 500 ms (also the request timeout): each fault below waits for a refresh.
        start("500ms");
        await(g -> g.targets().size() == 1);
        assertThat(eureka.requests).anyMatch(r -> r.method().equals("GET") && r.uri().getPath().equals("/eureka/apps"));
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
        awaitWarning("no answer within 500 ms");
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

    /**
     * What a real Eureka server does not list, read by the real Prometheus (Debian's 2.42, {@link RealPrometheus}) and by
     * the plugin from the same stand-in: metadata values are their raw inner XML (entities, CDATA, nested elements and
     * line ends as written), an instance without a port or data centre, an IPv6 host name, an empty application name.
     */
    @Test
    void documentsARealServerDoesNotWriteGiveThePrometheusLabels() throws Exception {
        eureka.answerBody("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<applications>\r\n"
                + "  <application><name>A</name>\r\n"
                + "    <instance><hostName>::1</hostName><instanceId>i1</instanceId><status>UP</status>\r\n"
                + "      <metadata>\r\n        <x-y>a&amp;b &lt;c&gt; &#65;&#x42; \"q\" &apos;</x-y>\n"
                + "        <nested>a<b k=\"v\">c</b >d</nested><empty/><blank></blank><cdata><![CDATA[<c>&]]></cdata>\r"
                + "        <lines>one\r\ntwo\nthree</lines><ünï>€𝄞</ünï></metadata></instance>\n"
                + "    <instance><hostName>h2.test</hostName><port enabled=\"true\">9100</port>\n"
                + "      <dataCenterInfo><name>Amazon</name><metadata><public-ipv4>  1.2.3.4 </public-ipv4></metadata></dataCenterInfo>"
                + "</instance>\n  </application>\n  <application><instance><hostName>h3.test</hostName></instance></application>\n"
                + "</applications>\n");
        try (RealPrometheus prometheus = RealPrometheus.start(("""
                  - job_name: eureka
                    eureka_sd_configs:
                      - server: %s
                        refresh_interval: 1s
                """ + RealPrometheus.KEEP_META).formatted(eureka.serviceUrl()))) {
            start();
            prometheus.assertSameTargets("eureka", harness, 3);
        }
        Labels odd = harness.last().targets().stream().filter(t -> t.get("instance").equals("i1")).findFirst().orElseThrow();
        assertThat(odd.get("__meta_eureka_app_instance_metadata_x_y")).isEqualTo("a&amp;b &lt;c&gt; &#65;&#x42; \"q\" &apos;");
        assertThat(odd.get("__meta_eureka_app_instance_metadata_nested")).isEqualTo("a<b k=\"v\">c</b >d");
        assertThat(odd.get("__meta_eureka_app_instance_metadata_cdata")).isEqualTo("<![CDATA[<c>&]]>");
    }
}
