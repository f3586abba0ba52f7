package io.promethium.discovery.puppetdb.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.api.testing.DiscoveryHarness;
import io.promethium.api.testing.TestPluginContext;
import io.promethium.testkit.HttpConfigClientFactory;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PuppetDB SD against {@link FakePuppetdb}, a loopback stand-in of PuppetDB's query API,
 * answering Prometheus's own test fixture ({@code prometheus-fixtures/vhosts.json}, see NOTICE there).
 */
class PuppetdbSdTest {

    @TempDir
    Path dir;
    private FakePuppetdb puppetdb;
    private DiscoveryHarness harness;
    private TestPluginContext context;

    @BeforeEach
    void startPuppetdb() throws Exception {
        puppetdb = new FakePuppetdb();
        harness = new DiscoveryHarness(dir, "puppetdb-job", new HttpConfigClientFactory());
        context = harness.context();
    }

    @AfterEach
    void stop() {
        harness.close();
        puppetdb.close();
    }

    private static String fixture() throws Exception {
        try (InputStream in = PuppetdbSdTest.class.getResourceAsStream("/prometheus-fixtures/vhosts.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private void start(Map<String, Object> extra) throws Exception {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("url", puppetdb.url());
        block.put("query", "vhosts");
        block.put("refresh_interval", "1s");
        block.putAll(extra);
        harness.start(new PuppetdbDiscovererFactory(), "puppetdb_sd_configs", block);
    }

    private TargetGroup await(Predicate<TargetGroup> check) throws InterruptedException {
        return harness.awaitLast(check);
    }

    private void awaitWarning(String part) throws InterruptedException {
        harness.awaitWarning(part);
    }

    private static final Map<String, String> BASE = Map.of(
            "__address__", "edinburgh.example.com:80",
            "__meta_puppetdb_query", "vhosts",
            "__meta_puppetdb_certname", "edinburgh.example.com",
            "__meta_puppetdb_environment", "prod",
            "__meta_puppetdb_exported", "false",
            "__meta_puppetdb_file", "/etc/puppetlabs/code/environments/prod/modules/upstream/apache/manifests/init.pp",
            "__meta_puppetdb_resource", "49af83866dc5a1518968b68e58a25319107afe11",
            "__meta_puppetdb_tags", ",roles::hypervisor,apache,apache::vhost,class,default-ssl,profile_hypervisor,vhost,"
                    + "profile_apache,hypervisor,__node_regexp__edinburgh,roles,node,",
            "__meta_puppetdb_title", "default-ssl",
            "__meta_puppetdb_type", "Apache::Vhost");

    @Test
    void resourcesAreTargetsWithPrometheusLabels() throws Exception {
        puppetdb.answer(fixture());
        start(Map.of());
        TargetGroup g = await(x -> x.targets().size() == 1);
        assertThat(g.source()).isEqualTo(puppetdb.url() + "/pdb/query/v4?query=vhosts");
        assertThat(g.targets().get(0)).isEqualTo(Labels.fromMap(BASE));
        FakePuppetdb.Request query = puppetdb.requests.get(0);
        assertThat(query.method() + " " + query.uri() + " " + query.header("Content-Type") + " " + query.body())
                .isEqualTo("POST /pdb/query/v4 application/json {\"query\":\"vhosts\"}");
    }

    @Test
    void parametersBecomeLabelsWhenIncluded() throws Exception {
        puppetdb.answer(fixture());
        start(Map.of("include_parameters", true, "port", 9100));
        Map<String, String> expected = new LinkedHashMap<>(BASE);
        expected.put("__address__", "edinburgh.example.com:9100");
        String p = "__meta_puppetdb_parameter_";
        expected.put(p + "access_log", "true");
        expected.put(p + "access_log_file", "ssl_access_log");
        expected.put(p + "buckets", "0,2,5");
        expected.put(p + "coordinates", "60.13464726551357,-2.0513768021728893");
        expected.put(p + "docroot", "/var/www/html");
        expected.put(p + "ensure", "absent");
        expected.put(p + "labels_alias", "edinburgh");
        expected.put(p + "options", "Indexes,FollowSymLinks,MultiViews");
        expected.put(p + "pi", "3.141592653589793");
        expected.put(p + "port", "22");
        assertThat(await(x -> x.targets().size() == 1).targets().get(0)).isEqualTo(Labels.fromMap(expected));
    }

    @Test
    void numbersAreFormattedAsGoFormatsAFloat64() {
        assertThat(PuppetdbDiscoverer.formatFloat(22)).isEqualTo("22");
        assertThat(PuppetdbDiscoverer.formatFloat(123456)).isEqualTo("123456");
        assertThat(PuppetdbDiscoverer.formatFloat(1e6)).isEqualTo("1e+06");
        assertThat(PuppetdbDiscoverer.formatFloat(1234567)).isEqualTo("1.234567e+06");
        assertThat(PuppetdbDiscoverer.formatFloat(0.0001)).isEqualTo("0.0001");
        assertThat(PuppetdbDiscoverer.formatFloat(0.00001)).isEqualTo("1e-05");
        assertThat(PuppetdbDiscoverer.formatFloat(-2.5)).isEqualTo("-2.5");
    }

    @Test
    void aFailingPuppetdbKeepsTheLastTargetsCountsAndLogsOncePerChange() throws Exception {
        puppetdb.answer(fixture());
        // Refreshing every 500 ms (also the request timeout): each fault below waits for a refresh.
        start(Map.of("refresh_interval", "500ms"));
        await(x -> x.targets().size() == 1);
        puppetdb.answer(500, "application/json", "{}");
        awaitWarning("server returned HTTP status 500");
        puppetdb.answer(200, "text/html", "<html>");
        awaitWarning("unsupported content type text/html");
        puppetdb.answer("[{\"certname\": 7}]");
        awaitWarning("cannot unmarshal number into Go struct field Resource.certname of type string");
        puppetdb.answer("[{");
        awaitWarning("the answer is not JSON");
        puppetdb.hang(true);
        awaitWarning("no answer within 500 ms");
        assertThat(harness.noUpdates()).isTrue();
        assertThat(harness.last().targets()).hasSize(1);
        assertThat(harness.warnings().stream().filter(w -> w.contains("status 500")).count()).isEqualTo(1);
        assertThat(context.metrics().value("prometheus_sd_refresh_failures_total", "puppetdb", "puppetdb-job"))
                .isGreaterThanOrEqualTo(5);
    }

    @Test
    void configIsValidatedWithPrometheusRulesAndDefaults() throws Exception {
        PuppetdbDiscovererFactory factory = new PuppetdbDiscovererFactory();
        Map<String, String> at = Map.of("url", "prometheus.yml:4:12", "port", "prometheus.yml:6:13");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("puppetdb_sd_configs", Map.of("query", "q"), "prometheus.yml:3:7",
                at))).hasMessage("prometheus.yml:3:7: URL is missing");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("puppetdb_sd_configs", Map.of("url", "ftp://p", "query", "q"),
                "prometheus.yml:3:7", at))).hasMessage("prometheus.yml:4:12: URL scheme must be 'http' or 'https'");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("puppetdb_sd_configs", Map.of("url", "http://p"),
                "prometheus.yml:3:7", at))).hasMessage("prometheus.yml:3:7: query missing");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("puppetdb_sd_configs", Map.of("url", "http://p", "query", "q",
                "port", "x"), "prometheus.yml:3:7", at))).hasMessageStartingWith("prometheus.yml:6:13: port:");
        PuppetdbSdConfig config = PuppetdbSdConfig.parse(new PluginConfig("puppetdb_sd_configs",
                Map.of("url", "https://puppetdb.example.com/puppetdb/", "query", "q"), "x:1:1"));
        assertThat(config.port()).isEqualTo(80);
        assertThat(config.includeParameters()).isFalse();
        assertThat(config.refreshInterval()).isEqualTo(java.time.Duration.ofSeconds(60));
        assertThat(config.queryUrl()).isEqualTo("https://puppetdb.example.com/puppetdb/pdb/query/v4");
    }
}
