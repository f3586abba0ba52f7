package io.promethium.discovery.consul.internal;

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

/**
 * Consul discovery against {@link FakeConsul}, an in-test server following Consul's documented
 * HTTP API (no Consul can be installed here): labels, blocking queries, filters, faults.
 */
class ConsulApiTest {

    @TempDir
    Path dir;
    private FakeConsul consul;
    private DiscoveryHarness harness;
    private TestPluginContext context;

    @BeforeEach
    void startConsul() throws Exception {
        consul = new FakeConsul();
        harness = new DiscoveryHarness(dir, "consul-test", new HttpConfigClientFactory());
        context = harness.context();
    }

    @AfterEach
    void stop() {
        harness.close();
        consul.close();
    }

    private void start(Map<String, Object> extra, Duration wait) throws Exception {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("server", consul.address());
        block.put("refresh_interval", "200ms");
        block.putAll(extra);
        harness.start(new ConsulDiscovererFactory(wait, Duration.ofMillis(1500)), "consul_sd_configs", block);
    }

    private TargetGroup await(String source, Predicate<TargetGroup> check) throws InterruptedException {
        return harness.awaitSource(source, check);
    }

    private void awaitFailures(double atLeast) throws InterruptedException {
        harness.awaitMetric("prometheus_sd_consul_rpc_failures_total", atLeast);
    }

    /** A failure is counted before it is logged, so a test waits for the warning as for the count. */
    private void awaitWarning(String... parts) throws InterruptedException {
        harness.awaitWarning(parts);
    }

    private static FakeConsul.Instance web(String id, int port, List<String> checks) {
        return new FakeConsul.Instance("web", id, "node-" + id, "10.1.0.1", "", port, List.of("prod", "v2"),
                Map.of("version", "1.2", "git-sha", "abc"), Map.of("rack", "r1", "zone.name", "z1"),
                Map.of("lan", "10.1.0.1", "wan", "203.0.113.1"), checks);
    }

    @Test
    void everyMetaLabelOfPrometheusIsSet() throws Exception {
        consul.register(web("web-1", 8080, List.of("passing", "critical")));
        start(Map.of("tag_separator", "|"), Duration.ofSeconds(5));
        TargetGroup group = await("web", g -> g.targets().size() == 1);
        assertThat(group.labels()).isEqualTo(Labels.of("__meta_consul_dc", "dc1", "__meta_consul_service", "web"));
        Labels target = group.targets().get(0);
        assertThat(target.get("__address__")).as("the node address when the service has none").isEqualTo("10.1.0.1:8080");
        assertThat(target.get("__meta_consul_address")).isEqualTo("10.1.0.1");
        assertThat(target.get("__meta_consul_node")).isEqualTo("node-web-1");
        assertThat(target.get("__meta_consul_health")).isEqualTo("critical");
        assertThat(target.get("__meta_consul_tags")).isEqualTo("|prod|v2|");
        assertThat(target.get("__meta_consul_service_address")).isEmpty();
        assertThat(target.get("__meta_consul_service_port")).isEqualTo("8080");
        assertThat(target.get("__meta_consul_service_id")).isEqualTo("web-1");
        assertThat(target.get("__meta_consul_namespace")).isEqualTo("default");
        assertThat(target.get("__meta_consul_partition")).isEqualTo("default");
        assertThat(target.get("__meta_consul_metadata_rack")).isEqualTo("r1");
        assertThat(target.get("__meta_consul_metadata_zone_name")).isEqualTo("z1");
        assertThat(target.get("__meta_consul_service_metadata_version")).isEqualTo("1.2");
        assertThat(target.get("__meta_consul_service_metadata_git_sha")).isEqualTo("abc");
        assertThat(target.get("__meta_consul_tagged_address_lan")).isEqualTo("10.1.0.1");
        assertThat(target.get("__meta_consul_tagged_address_wan")).isEqualTo("203.0.113.1");
        assertThat(consul.requests).anyMatch(r -> r.startsWith("/v1/agent/self"));
    }

    @Test
    void aChangeArrivesWithinASecondThroughABlockingQuery() throws Exception {
        consul.register(web("web-1", 8080, List.of("passing")));
        start(Map.of("datacenter", "dc1"), Duration.ofSeconds(30));
        await("web", g -> g.targets().size() == 1);
        Thread.sleep(300);
        assertThat(consul.requests).as("the watch blocks with the last index and a wait")
                .anyMatch(r -> r.startsWith("/v1/health/service/web?") && r.contains("index=") && r.contains("wait=30000ms"));
        long start = System.nanoTime();
        consul.register(web("web-2", 8081, List.of("passing")));
        await("web", g -> g.targets().size() == 2);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(consul.requests).noneMatch(r -> r.startsWith("/v1/agent/self"));
    }

    @Test
    void anIndexGoingBackwardsRestartsTheWatchFromZero() throws Exception {
        consul.register(web("web-1", 8080, List.of("passing")));
        start(Map.of(), Duration.ofSeconds(30));
        await("web", g -> g.targets().size() == 1);
        Thread.sleep(300);
        int before = consul.requests.size();
        consul.indexGoesBackTo(3);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (consul.requests.subList(before, consul.requests.size()).stream()
                .noneMatch(r -> r.startsWith("/v1/health/service/web") && !r.contains("index="))) {
            assertThat(System.nanoTime()).as("a non-blocking query after the index went back").isLessThan(deadline);
            Thread.sleep(20);
        }
        consul.register(web("web-2", 8081, List.of("passing")));
        await("web", g -> g.targets().size() == 2);
    }

    @Test
    void servicesTagsNodeMetaFilterDatacenterAndStaleReachConsul() throws Exception {
        consul.register(web("web-1", 8080, List.of("passing")));
        consul.register(new FakeConsul.Instance("db", "db-1", "node-db", "10.1.0.2", "10.9.9.9", 5432, List.of("prod"),
                Map.of(), Map.of("rack", "r1"), Map.of(), List.of("passing")));
        consul.register(new FakeConsul.Instance("cache", "c-1", "node-c", "10.1.0.3", "", 6379, List.of("prod", "v2"),
                Map.of(), Map.of("rack", "r1"), Map.of(), List.of("passing")));
        start(Map.of("services", List.of("web", "db"), "tags", List.of("v2"), "node_meta", Map.of("rack", "r1"),
                "filter", "Service.Port > 1", "datacenter", "dc1", "allow_stale", true, "namespace", "team-a",
                "partition", "p1"), Duration.ofSeconds(5));
        await("web", g -> g.targets().size() == 1);
        Thread.sleep(300);
        assertThat(harness.groups()).as("db lacks tag v2; cache is not listed").containsOnlyKeys("web");
        String health = consul.requests.stream().filter(r -> r.startsWith("/v1/health/service/web")).findFirst().orElseThrow();
        assertThat(health).contains("tag=v2").contains("node-meta=rack%3Ar1").contains("dc=dc1").contains("stale")
                .contains("filter=Service.Port%20%3E%201").contains("ns=team-a").contains("partition=p1");
    }

    @Test
    void aServiceLeavingTheCatalogIsSentAsAnEmptyGroup() throws Exception {
        consul.register(web("web-1", 8080, List.of("passing")));
        consul.register(new FakeConsul.Instance("db", "db-1", "node-db", "10.1.0.2", "", 5432, List.of(), Map.of(), Map.of(),
                Map.of(), List.of()));
        start(Map.of(), Duration.ofSeconds(30));
        await("db", g -> g.targets().size() == 1);
        consul.deregister("db");
        await("db", g -> g.targets().isEmpty());
        assertThat(harness.groups().get("web").targets()).hasSize(1);
    }

    @Test
    void a500KeepsTheLastTargetsIsCountedAndLoggedOnce() throws Exception {
        consul.register(web("web-1", 8080, List.of("passing")));
        start(Map.of(), Duration.ofSeconds(1));
        await("web", g -> g.targets().size() == 1);
        consul.failWith(500);
        awaitFailures(6);
        assertThat(harness.warnings()).as("one warning per failing call, not per retry").hasSizeLessThanOrEqualTo(2)
                .allSatisfy(w -> assertThat(w).contains("500"));
        assertThat(harness.noUpdates()).isTrue();
        consul.failWith(0);
        consul.register(web("web-2", 8081, List.of("passing")));
        await("web", g -> g.targets().size() == 2);
    }

    @Test
    void aQueryThatNeverEndsTimesOutIsCountedAndTheTargetsStay() throws Exception {
        consul.register(web("web-1", 8080, List.of("passing")));
        start(Map.of(), Duration.ofMillis(500));
        await("web", g -> g.targets().size() == 1);
        consul.hang(true);
        awaitFailures(2);
        awaitWarning("no answer within");
        assertThat(harness.noUpdates()).isTrue();
        consul.hang(false);
        consul.register(web("web-2", 8081, List.of("passing")));
        await("web", g -> g.targets().size() == 2);
    }

    @Test
    void aWrongTokenIsRefusedCountedAndLogged() throws Exception {
        consul.requireToken("right");
        consul.register(web("web-1", 8080, List.of("passing")));
        start(Map.of("token", "wrong"), Duration.ofSeconds(1));
        awaitFailures(1);
        awaitWarning("403", "ACL not found");
        assertThat(harness.groups()).isEmpty();
        harness.closeDiscoverer();
        start(Map.of("token", "right"), Duration.ofSeconds(1));
        await("web", g -> g.targets().size() == 1);
    }

    @Test
    void basicAuthFromTheHttpClientConfigReachesConsul() throws Exception {
        consul.register(web("web-1", 8080, List.of("passing")));
        start(Map.of("basic_auth", Map.of("username", "u", "password", "p")), Duration.ofSeconds(1));
        await("web", g -> g.targets().size() == 1);
        assertThat(consul.authorizations).isNotEmpty().allSatisfy(a -> assertThat(a).isEqualTo("Basic dTpw"));
    }

    @Test
    void theBlockIsValidatedWithPrometheusRules() {
        ConsulDiscovererFactory factory = new ConsulDiscovererFactory();
        assertThatThrownBy(() -> factory.validate(new PluginConfig("consul_sd_configs", Map.of("server", " "), "p.yml:1:1"), context))
                .hasMessageContaining("consul SD configuration requires a server address");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("consul_sd_configs",
                Map.of("token", "t", "authorization", Map.of("credentials", "c")), "p.yml:1:1"), context))
                .hasMessageContaining("at most one of consul SD configuration token, authorization or oauth2 can be configured");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("consul_sd_configs", Map.of("sever", "x"), "p.yml:1:1"), context))
                .hasMessageContaining("field sever not found in consul_sd_configs");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("consul_sd_configs",
                Map.of("tls_config", Map.of("min_version", "TLS9")), "p.yml:1:1"), context))
                .hasMessageContaining("unknown TLS version");
        assertThat(factory.secretFields()).containsExactly("token");
    }

    @Test
    void defaultsAreThoseOfPrometheus() throws Exception {
        ConsulSdConfig config = ConsulSdConfig.parse(new PluginConfig("consul_sd_configs", Map.of(), ""));
        assertThat(config.server()).isEqualTo("localhost:8500");
        assertThat(config.scheme()).isEqualTo("http");
        assertThat(config.tagSeparator()).isEqualTo(",");
        assertThat(config.allowStale()).isTrue();
        assertThat(config.refreshInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.baseUrl()).isEqualTo("http://localhost:8500");
        assertThat(ConsulSdConfig.parse(new PluginConfig("consul_sd_configs", Map.of("path_prefix", "consul/", "scheme", "https",
                "server", "c:8501"), "")).baseUrl()).isEqualTo("https://c:8501/consul");
    }
}
