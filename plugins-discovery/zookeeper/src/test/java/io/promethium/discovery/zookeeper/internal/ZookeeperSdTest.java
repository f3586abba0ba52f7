package io.promethium.discovery.zookeeper.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.api.testing.DiscoveryHarness;
import io.promethium.api.testing.TestPluginContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nerve and serverset discovery against a real ZooKeeper server ({@link ZkFixture}): members
 * added, changed and removed while watched, Prometheus's labels, a server that goes away and
 * comes back, a path created late, config rules.
 */
class ZookeeperSdTest {

    @TempDir
    Path dir;
    private ZkFixture zk;
    private DiscoveryHarness harness;
    private TestPluginContext context;

    @BeforeEach
    void startZooKeeper() throws Exception {
        zk = new ZkFixture();
        // A session's expiry takes longer than the harness's default wait.
        harness = new DiscoveryHarness(new TestPluginContext(dir, "zk-job"), Duration.ofSeconds(30));
        context = harness.context();
    }

    @AfterEach
    void stop() throws Exception {
        harness.close();
        zk.close();
    }

    private void start(DiscovererFactory factory, String key, String... paths) throws Exception {
        // A 2 s session: a server that goes away is noticed within seconds.
        harness.start(factory, key, Map.of("servers", List.of(zk.connectString()), "paths", List.of(paths),
                "timeout", "2s"));
    }

    private void await(String what, Predicate<Map<String, TargetGroup>> check) throws InterruptedException {
        harness.await(what, check);
    }

    private static boolean targets(Map<String, TargetGroup> groups, String source, int count) {
        TargetGroup group = groups.get(source);
        return group != null && group.targets().size() == count;
    }

    @Test
    void serversetMembersCarryPrometheusLabelsAndFollowAddsChangesAndRemovals() throws Exception {
        String base = "/aurora/prod/web";
        zk.put(base + "/member_0000000001", """
                {"serviceEndpoint":{"host":"10.0.0.1","port":8080},
                 "additionalEndpoints":{"http-admin":{"host":"10.0.0.1","port":9990}},
                 "status":"ALIVE","shard":1}""");
        start(new ServersetDiscovererFactory(Duration.ofMillis(500)), "serverset_sd_configs", base);
        String m1 = base + "/member_0000000001";
        await("the first member", g -> targets(g, m1, 1));
        assertThat(harness.groups().get(m1).targets().get(0)).isEqualTo(Labels.fromMap(Map.of(
                "__address__", "10.0.0.1:8080",
                "__meta_serverset_path", m1,
                "__meta_serverset_endpoint_host", "10.0.0.1",
                "__meta_serverset_endpoint_port", "8080",
                "__meta_serverset_endpoint_host_http_admin", "10.0.0.1",
                "__meta_serverset_endpoint_port_http_admin", "9990",
                "__meta_serverset_status", "ALIVE",
                "__meta_serverset_shard", "1")));
        // The watched path's own node is a group too; its (empty) data is no member.
        assertThat(harness.groups().get(base).targets()).isEmpty();
        String m2 = base + "/member_0000000002";
        zk.put(m2, "{\"serviceEndpoint\":{\"host\":\"::1\",\"port\":8081},\"status\":\"STARTING\"}");
        await("the added member", g -> targets(g, m2, 1));
        assertThat(harness.groups().get(m2).targets().get(0).get("__address__")).isEqualTo("[::1]:8081");
        assertThat(harness.groups().get(m2).targets().get(0).get("__meta_serverset_shard")).isEqualTo("0");
        zk.put(m2, "{\"serviceEndpoint\":{\"host\":\"::1\",\"port\":8081},\"status\":\"ALIVE\"}");
        await("the changed member", g -> "ALIVE".equals(g.get(m2).targets().isEmpty() ? null
                : g.get(m2).targets().get(0).get("__meta_serverset_status")));
        zk.delete(m1);
        await("the removed member", g -> targets(g, m1, 0));
        zk.put(m2, "not a member");
        await("a member whose data is not JSON", g -> targets(g, m2, 0));
        assertThat(context.metrics().value("prometheus_treecache_watcher_goroutines")).isEqualTo(2);
    }

    @Test
    void nerveMembersCarryPrometheusLabelsAcrossSeveralPaths() throws Exception {
        zk.put("/nerve/services/web/services/web-1", "{\"host\":\"10.0.0.1\",\"port\":8080,\"name\":\"web-1\"}");
        zk.put("/nerve/services/db/services/db-1", "{\"Host\":\"10.0.0.9\",\"PORT\":5432,\"extra\":true}");
        start(new NerveDiscovererFactory(Duration.ofMillis(500)), "nerve_sd_configs", "/nerve/services/web",
                "/nerve/services/db");
        String web = "/nerve/services/web/services/web-1";
        String db = "/nerve/services/db/services/db-1";
        await("both members", g -> targets(g, web, 1) && targets(g, db, 1));
        assertThat(harness.groups().get(web).targets().get(0)).isEqualTo(Labels.of("__address__", "10.0.0.1:8080",
                "__meta_nerve_path", web, "__meta_nerve_endpoint_host", "10.0.0.1", "__meta_nerve_endpoint_port", "8080",
                "__meta_nerve_endpoint_name", "web-1"));
        // Go's JSON matches keys without regard to case and ignores unknown ones.
        assertThat(harness.groups().get(db).targets().get(0).get("__address__")).isEqualTo("10.0.0.9:5432");
        assertThat(harness.groups().get(db).targets().get(0).get("__meta_nerve_endpoint_name")).isEmpty();
        zk.delete("/nerve/services/web/services");
        await("the subtree removed", g -> targets(g, web, 0) && targets(g, "/nerve/services/web/services", 0));
    }

    @Test
    void aServerThatGoesAwayKeepsTheTargetsAndTheTreeIsReadAgainWhenItIsBack() throws Exception {
        String base = "/nerve/services/web/services";
        zk.put(base + "/web-1", "{\"host\":\"10.0.0.1\",\"port\":8080}");
        zk.put(base + "/web-2", "{\"host\":\"10.0.0.2\",\"port\":8080}");
        start(new NerveDiscovererFactory(Duration.ofMillis(500)), "nerve_sd_configs", base);
        await("both members", g -> targets(g, base + "/web-1", 1) && targets(g, base + "/web-2", 1));
        zk.stopServer();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (context.metrics().value("prometheus_treecache_zookeeper_failures_total") < 1) {
            assertThat(System.nanoTime()).as("a failure counted while the server is down").isLessThan(deadline);
            Thread.sleep(50);
        }
        assertThat(harness.groups().get(base + "/web-1").targets()).as("the last targets stay").hasSize(1);
        zk.restartServer();
        zk.delete(base + "/web-2");
        zk.put(base + "/web-3", "{\"host\":\"10.0.0.3\",\"port\":8080}");
        await("the tree read again", g -> targets(g, base + "/web-2", 0) && targets(g, base + "/web-3", 1)
                && targets(g, base + "/web-1", 1));
        assertThat(harness.warnings()).anyMatch(w -> w.startsWith("nerve SD: "));
    }

    @Test
    void aPathThatDoesNotExistYetIsFailedAndPickedUpOnceCreated() throws Exception {
        start(new NerveDiscovererFactory(Duration.ofMillis(300)), "nerve_sd_configs", "/nerve/services/late");
        assertThat(harness.nextUpdate(Duration.ofSeconds(20))).as("an empty first update: the job is not held up").isEmpty();
        harness.awaitWarning("path /nerve/services/late does not exist");
        zk.put("/nerve/services/late/n1", "{\"host\":\"10.0.0.5\",\"port\":1}");
        await("the member of the late path", g -> targets(g, "/nerve/services/late/n1", 1));
        // Logged once, not per retry.
        assertThat(harness.warnings().stream().filter(w -> w.contains("does not exist")).count()).isEqualTo(1);
    }

    @Test
    void memberParsingFollowsGoJson() throws Exception {
        assertThat(Members.nerve("null".getBytes(StandardCharsets.UTF_8), "/p").get("__address__")).isEqualTo(":0");
        assertThatThrownBy(() -> Members.nerve("{\"port\":\"80\"}".getBytes(StandardCharsets.UTF_8), "/p"))
                .hasMessageContaining("of type int");
        assertThatThrownBy(() -> Members.nerve("{\"port\":80.5}".getBytes(StandardCharsets.UTF_8), "/p"))
                .hasMessageContaining("cannot unmarshal number 80.5");
        assertThatThrownBy(() -> Members.serverset(new byte[0], "/p"))
                .hasMessage("error unmarshaling serverset member \"/p\": unexpected end of JSON input");
        assertThatThrownBy(() -> Members.serverset("{} {}".getBytes(StandardCharsets.UTF_8), "/p"))
                .hasMessageStartingWith("error unmarshaling serverset member \"/p\"");
    }

    @Test
    void configIsValidatedWithPrometheusRulesAndDefaults() throws Exception {
        NerveDiscovererFactory nerve = new NerveDiscovererFactory();
        ServersetDiscovererFactory serverset = new ServersetDiscovererFactory();
        Map<String, String> at = Map.of("servers", "prometheus.yml:4:9", "paths", "prometheus.yml:5:9");
        assertThatThrownBy(() -> nerve.validate(new PluginConfig("nerve_sd_configs", Map.of("paths", List.of("/a")),
                "prometheus.yml:3:7", at))).hasMessage("prometheus.yml:3:7: nerve SD config must contain at least one Zookeeper server");
        assertThatThrownBy(() -> serverset.validate(new PluginConfig("serverset_sd_configs", Map.of("servers", List.of("zk:2181")),
                "prometheus.yml:3:7", at))).hasMessage("prometheus.yml:3:7: serverset SD config must contain at least one path");
        assertThatThrownBy(() -> serverset.validate(new PluginConfig("serverset_sd_configs", Map.of("servers", List.of("zk:2181"),
                "paths", List.of("/a", "b")), "prometheus.yml:3:7", at)))
                .hasMessage("prometheus.yml:5:9: serverset SD config paths must begin with '/': b");
        assertThatThrownBy(() -> nerve.validate(new PluginConfig("nerve_sd_configs", Map.of("servers", List.of("zk"),
                "paths", List.of("/a"), "refresh_interval", "1m"), "prometheus.yml:3:7", at)))
                .hasMessageContaining("field refresh_interval not found in nerve_sd_configs");
        assertThat(ZookeeperSdConfig.parse(new PluginConfig("nerve_sd_configs", Map.of("servers", List.of("zk"),
                "paths", List.of("/a")), "x:1:1"), "nerve").timeout()).isEqualTo(Duration.ofSeconds(10));
    }
}
