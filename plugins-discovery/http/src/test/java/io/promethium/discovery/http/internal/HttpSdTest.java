package io.promethium.discovery.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.api.testing.DiscoveryHarness;
import io.promethium.api.testing.TestPluginContext;
import io.promethium.testkit.HttpConfigClientFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTP SD against {@link HttpSdEndpoint}, a loopback stand-in of an HTTP SD endpoint: protocol, labels, config, faults. */
class HttpSdTest {

    @TempDir
    Path dir;
    private HttpSdEndpoint endpoint;
    private DiscoveryHarness harness;
    private TestPluginContext context;

    @BeforeEach
    void startEndpoint() throws Exception {
        endpoint = new HttpSdEndpoint();
        harness = new DiscoveryHarness(dir, "http-job", new HttpConfigClientFactory());
        context = harness.context();
    }

    @AfterEach
    void stop() {
        harness.close();
        endpoint.close();
    }

    private void start(Map<String, Object> extra, long bodyLimit) throws Exception {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("url", endpoint.url());
        block.put("refresh_interval", "1s");
        block.putAll(extra);
        harness.start(new HttpDiscovererFactory(bodyLimit), "http_sd_configs", block);
    }

    private void awaitGroups(java.util.function.Predicate<Map<String, TargetGroup>> check) throws InterruptedException {
        harness.await(check);
    }

    private void awaitFailures(double atLeast) throws InterruptedException {
        harness.awaitMetric("prometheus_sd_http_failures_total", atLeast);
    }

    private void awaitWarning(String part) throws InterruptedException {
        harness.awaitWarning(part);
    }

    private static final String TWO_GROUPS = """
            [{"targets":["10.0.0.1:9100","10.0.0.2:9100"],"labels":{"env":"prod","__meta_datacenter":"dc1"}},
             {"targets":["10.0.0.3:9100"]}]""";

    @Test
    void groupsCarryTheirLabelsTheUrlAndSourcesNumberedByPosition() throws Exception {
        endpoint.answer(TWO_GROUPS);
        start(Map.of(), HttpDiscovererFactory.DEFAULT_BODY_LIMIT);
        awaitGroups(g -> g.size() == 2);
        String url = endpoint.url();
        assertThat(harness.groups().get(url + ":0")).isEqualTo(new TargetGroup(url + ":0",
                List.of(Labels.of("__address__", "10.0.0.1:9100"), Labels.of("__address__", "10.0.0.2:9100")),
                Labels.of("env", "prod", "__meta_datacenter", "dc1", "__meta_url", url)));
        assertThat(harness.groups().get(url + ":1")).isEqualTo(new TargetGroup(url + ":1", List.of(Labels.of("__address__", "10.0.0.3:9100")),
                Labels.of("__meta_url", url)));
        assertThat(endpoint.requests.get(0)).containsExactly("application/json", "1", "null");
    }

    @Test
    void aGroupThatIsNoLongerListedIsSentEmpty() throws Exception {
        endpoint.answer(TWO_GROUPS);
        start(Map.of(), HttpDiscovererFactory.DEFAULT_BODY_LIMIT);
        awaitGroups(g -> g.size() == 2);
        endpoint.answer("[{\"targets\":[\"10.0.0.1:9100\"]}]");
        String url = endpoint.url();
        awaitGroups(g -> g.get(url + ":1").targets().isEmpty() && g.get(url + ":0").targets().size() == 1);
    }

    @Test
    void httpClientConfigIsApplied() throws Exception {
        endpoint.answer(TWO_GROUPS);
        start(Map.of("basic_auth", Map.of("username", "u", "password", "p")), HttpDiscovererFactory.DEFAULT_BODY_LIMIT);
        awaitGroups(g -> g.size() == 2);
        assertThat(endpoint.requests.get(0).get(2)).isEqualTo("Basic dTpw");
    }

    @Test
    void everyKindOfBadAnswerKeepsTheLastTargetsAndIsCountedAndLoggedOncePerChange() throws Exception {
        endpoint.answer(TWO_GROUPS);
        // Refreshing every 500 ms (also the request timeout): each fault below waits for two failed refreshes.
        start(Map.of("refresh_interval", "500ms"), 4096);
        awaitGroups(g -> g.size() == 2);
        Map<String, TargetGroup> good = new HashMap<>(harness.groups());
        double failures = 0;
        String[][] faults = {
            {"500", "application/json", "[]", "server returned HTTP status 500"},
            {"200", "text/plain", "[]", "unsupported content type \"text/plain\""},
            {"200", "application/json", "[{not json", "the answer is not JSON"},
            {"200", "application/json", "{\"targets\":[]}", "cannot unmarshal object into Go value of type []*targetgroup.Group"},
            {"200", "application/json", "[null]", "nil target group item found"},
            {"200", "application/json", "[{\"targets\":[\"a:1\"],\"extra\":1}]", "json: unknown field \"extra\""},
            {"200", "application/json", "[{\"targets\":[\"a:1\"],\"labels\":{\"x\":1}}]", "of type model.LabelValue"},
        };
        for (String[] fault : faults) {
            endpoint.answer(Integer.parseInt(fault[0]), fault[1], fault[2]);
            awaitWarning(fault[3]);
            failures += 2;
            awaitFailures(failures);
            failures = context.metrics().value("prometheus_sd_http_failures_total");
        }
        endpoint.answerHuge(100_000);
        awaitWarning("larger than the body size limit of 4096 bytes");
        endpoint.answer(200, "application/json", "");
        awaitWarning("unexpected end of JSON input");
        endpoint.hang(true);
        awaitWarning("no answer within 500 ms");
        assertThat(harness.noUpdates()).as("no update while failing").isTrue();
        assertThat(harness.groups()).isEqualTo(good);
        assertThat(context.metrics().value("prometheus_sd_refresh_failures_total", "http", "http-job"))
                .isEqualTo(context.metrics().value("prometheus_sd_http_failures_total"));
        // Logged once per change of error, not per retry.
        assertThat(harness.warnings().stream().filter(w -> w.contains("server returned HTTP status 500")).count()).isEqualTo(1);
        endpoint.answer("[{\"targets\":[\"10.0.0.9:9100\"]}]");
        awaitGroups(g -> g.get(endpoint.url() + ":0").targets().equals(List.of(Labels.of("__address__", "10.0.0.9:9100"))));
        assertThat(context.metrics().count("prometheus_sd_refresh_duration_seconds", "http", "http-job")).isPositive();
    }

    @Test
    void aFirstRefreshThatFailsSendsAnEmptyUpdateSoOtherJobsAreNotHeldUp() throws Exception {
        endpoint.hang(true);
        start(Map.of(), HttpDiscovererFactory.DEFAULT_BODY_LIMIT);
        List<TargetGroup> first = harness.nextUpdate(Duration.ofSeconds(10));
        assertThat(first).isEmpty();
        long started = System.nanoTime();
        harness.closeDiscoverer();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).as("close while a request hangs").isLessThan(5000);
    }

    /**
     * As Prometheus, which instantiates its refresh metrics when the discoverer is built: while the
     * first request hangs, the failures counter, the duration summary (per job) and histogram (per
     * mechanism) are there, at 0.
     */
    @Test
    void refreshMetricsExistAtZeroBeforeTheFirstRefreshEnds() throws Exception {
        endpoint.hang(true);
        start(Map.of("refresh_interval", "30s"), HttpDiscovererFactory.DEFAULT_BODY_LIMIT);
        io.promethium.api.testing.TestMetricsRegistrar metrics = context.metrics();
        assertThat(metrics.exists("prometheus_sd_refresh_failures_total", "http", "http-job")).isTrue();
        assertThat(metrics.exists("prometheus_sd_refresh_duration_seconds", "http", "http-job")).isTrue();
        assertThat(metrics.exists("prometheus_sd_refresh_duration_histogram_seconds", "http")).isTrue();
        assertThat(metrics.count("prometheus_sd_refresh_duration_seconds", "http", "http-job")).isZero();
        assertThat(metrics.count("prometheus_sd_refresh_duration_histogram_seconds", "http")).isZero();
    }

    @Test
    void acceptsJsonWithACharsetAndANullBody() throws Exception {
        endpoint.answer(200, "application/json; charset=utf-8", "null");
        start(Map.of(), HttpDiscovererFactory.DEFAULT_BODY_LIMIT);
        assertThat(harness.nextUpdate(Duration.ofSeconds(10))).isEmpty();
        assertThat(harness.warnings()).isEmpty();
    }

    private static PluginConfig block(Map<String, Object> values) {
        return new PluginConfig("http_sd_configs", values, "prometheus.yml:5:7", Map.of("url", "prometheus.yml:5:12",
                "refresh_interval", "prometheus.yml:6:9", "nope", "prometheus.yml:7:9"));
    }

    @Test
    void configIsValidatedWithPrometheusRulesAndDefaults() throws Exception {
        HttpDiscovererFactory factory = new HttpDiscovererFactory();
        assertThatThrownBy(() -> factory.validate(block(Map.of()))).isInstanceOf(ConfigException.class)
                .hasMessage("prometheus.yml:5:7: URL is missing");
        assertThatThrownBy(() -> factory.validate(block(Map.of("url", "ftp://example.com/sd"))))
                .hasMessage("prometheus.yml:5:12: URL scheme must be 'http' or 'https'");
        assertThatThrownBy(() -> factory.validate(block(Map.of("url", "http:///sd"))))
                .hasMessage("prometheus.yml:5:12: host is missing in URL");
        assertThatThrownBy(() -> factory.validate(block(Map.of("url", "http://example.com", "nope", 1))))
                .hasMessageStartingWith("prometheus.yml:7:9: field nope not found in http_sd_configs");
        assertThatThrownBy(() -> factory.validate(block(Map.of("url", "http://example.com", "refresh_interval", "1x"))))
                .hasMessageStartingWith("prometheus.yml:6:9: refresh_interval:");
        assertThatThrownBy(() -> factory.validate(block(Map.of("url", "http://example.com", "basic_auth", Map.of("username", "u"),
                "bearer_token", "t")), context)).isInstanceOf(ConfigException.class);
        assertThat(HttpSdConfig.parse(block(Map.of("url", "https://example.com/sd"))).refreshInterval())
                .isEqualTo(java.time.Duration.ofSeconds(60));
    }
}
