package io.promethium.discovery.marathon.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.api.testing.DiscoveryHarness;
import io.promethium.api.testing.TestPluginContext;
import io.promethium.testkit.HttpConfigClientFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

/** Marathon SD against {@link FakeMarathon}, a loopback stand-in of Marathon's apps API: ports, labels, auth, faults, config. */
class MarathonSdTest {

    @TempDir
    Path dir;
    private FakeMarathon marathon;
    private DiscoveryHarness harness;
    private TestPluginContext context;

    @BeforeEach
    void startMarathon() throws Exception {
        marathon = new FakeMarathon();
        harness = new DiscoveryHarness(dir, "marathon-job", new HttpConfigClientFactory());
        context = harness.context();
    }

    @AfterEach
    void stop() {
        harness.close();
        marathon.close();
    }

    private void start(Map<String, Object> extra) throws Exception {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("servers", List.of(marathon.url()));
        block.put("refresh_interval", "1s");
        block.putAll(extra);
        harness.start(new MarathonDiscovererFactory(), "marathon_sd_configs", block);
    }

    private void await(Predicate<Map<String, TargetGroup>> check) throws InterruptedException {
        harness.await(check);
    }

    private void awaitWarning(String part) throws InterruptedException {
        harness.awaitWarning(part);
    }

    private static final String APPS = """
            {"apps":[
              {"id":"/web","labels":{"team":"a","ci.build":"7"},
               "container":{"type":"DOCKER","docker":{"image":"repo/web:1"},
                            "portMappings":[{"containerPort":8080,"hostPort":0,"labels":{"prometheus":"yes"}},
                                            {"containerPort":9090,"hostPort":31999}]},
               "tasks":[{"id":"web.1","host":"agent-1","ports":[31001,31999]}]},
              {"id":"/cni","networks":[{"mode":"container","name":"dcos"}],
               "container":{"docker":{"image":"repo/cni:2","portMappings":[{"containerPort":7070,"labels":{"x-y":"z"}}]}},
               "tasks":[{"id":"cni.1","host":"agent-2","ports":[],"ipAddresses":[{"ipAddress":"9.0.0.7","protocol":"IPv4"}]}]},
              {"id":"/defs","portDefinitions":[{"port":10000,"labels":{"d":"1"}}],
               "tasks":[{"id":"defs.1","host":"agent-3","ports":[31555]}]},
              {"id":"/required","requirePorts":true,"portDefinitions":[{"port":10001}],
               "tasks":[{"id":"req.1","host":"agent-4","ports":[31666]}]}
            ]}""";

    @Test
    void appsAndTasksCarryPrometheusLabelsAndPorts() throws Exception {
        marathon.answer(APPS);
        start(Map.of());
        await(g -> g.size() == 4);
        TargetGroup web = harness.groups().get("/web");
        assertThat(web.labels()).isEqualTo(Labels.of("__meta_marathon_app", "/web", "__meta_marathon_image", "repo/web:1",
                "__meta_marathon_app_label_team", "a", "__meta_marathon_app_label_ci_build", "7"));
        assertThat(web.targets()).containsExactly(
                Labels.of("__address__", "agent-1:31001", "__meta_marathon_task", "web.1", "__meta_marathon_port_index", "0",
                        "__meta_marathon_port_mapping_label_prometheus", "yes"),
                Labels.of("__address__", "agent-1:31999", "__meta_marathon_task", "web.1", "__meta_marathon_port_index", "1"));
        assertThat(harness.groups().get("/cni").targets()).containsExactly(Labels.of("__address__", "9.0.0.7:7070",
                "__meta_marathon_task", "cni.1", "__meta_marathon_port_index", "0", "__meta_marathon_port_mapping_label_x_y", "z"));
        assertThat(harness.groups().get("/defs").targets()).containsExactly(Labels.of("__address__", "agent-3:31555",
                "__meta_marathon_task", "defs.1", "__meta_marathon_port_index", "0", "__meta_marathon_port_definition_label_d", "1"));
        assertThat(harness.groups().get("/required").targets().get(0).get("__address__")).isEqualTo("agent-4:10001");
        assertThat(harness.groups().get("/required").labels().get("__meta_marathon_image")).isEmpty();
        assertThat(marathon.request(0)).isEqualTo("GET /v2/apps/?embed=apps.tasks null");
    }

    @Test
    void anAppThatIsGoneIsSentEmpty() throws Exception {
        marathon.answer(APPS);
        start(Map.of());
        await(g -> g.size() == 4);
        marathon.answer("{\"apps\":[]}");
        await(g -> g.values().stream().allMatch(x -> x.targets().isEmpty()));
    }

    @Test
    void theAuthTokenIsSentAsMarathonExpectsAndTheFileIsReadEachTime() throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, "first\n", StandardCharsets.UTF_8);
        marathon.answer(APPS);
        start(Map.of("auth_token_file", "token"));
        await(g -> g.size() == 4);
        assertThat(marathon.request(0)).endsWith(" token=first");
        Files.writeString(token, "second", StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!marathon.request(marathon.requests.size() - 1).endsWith(" token=second")) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void aFailingMarathonKeepsTheLastTargetsCountsAndLogsOncePerChange() throws Exception {
        marathon.answer(APPS);
        // Refreshing every 500 ms (also the request timeout): each fault below waits for a refresh.
        start(Map.of("auth_token", "t0k3n", "refresh_interval", "500ms"));
        await(g -> g.size() == 4);
        assertThat(marathon.request(0)).endsWith(" token=t0k3n");
        marathon.answer(503, "text/plain", "down");
        awaitWarning("non 2xx status '503' response during marathon service discovery");
        marathon.answer("{\"apps\":[{\"id\":\"/x\",\"tasks\":[{\"ports\":[-1]}]}]}");
        awaitWarning("cannot unmarshal number -1 into Go struct field task.ports of type uint32");
        marathon.answer("{\"apps\":");
        awaitWarning("end-of-input");
        marathon.hang(true);
        awaitWarning("no answer within 500 ms");
        assertThat(harness.noUpdates()).isTrue();
        assertThat(harness.groups().get("/web").targets()).hasSize(2);
        assertThat(harness.warnings().stream().filter(w -> w.contains("'503'")).count()).isEqualTo(1);
        assertThat(context.metrics().value("prometheus_sd_refresh_failures_total", "marathon", "marathon-job"))
                .isGreaterThanOrEqualTo(4);
    }

    @Test
    void configIsValidatedWithPrometheusRulesAndDefaults() throws Exception {
        MarathonDiscovererFactory factory = new MarathonDiscovererFactory();
        assertThatThrownBy(() -> factory.validate(new PluginConfig("marathon_sd_configs", Map.of(), "prometheus.yml:3:7")))
                .hasMessage("prometheus.yml:3:7: marathon_sd: must contain at least one Marathon server");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("marathon_sd_configs", Map.of("servers", List.of("http://m"),
                "auth_token", "a", "auth_token_file", "f"), "prometheus.yml:3:7")))
                .hasMessage("prometheus.yml:3:7: marathon_sd: at most one of auth_token & auth_token_file must be configured");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("marathon_sd_configs", Map.of("servers", List.of("http://m"),
                "auth_token", "a", "basic_auth", Map.of("username", "u")), "prometheus.yml:3:7")))
                .hasMessageContaining("at most one of basic_auth, auth_token & auth_token_file must be configured");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("marathon_sd_configs", Map.of("servers", List.of("http://m"),
                "auth_token_file", "f", "bearer_token", "b"), "prometheus.yml:3:7")))
                .hasMessageContaining("at most one of bearer_token, bearer_token_file, auth_token & auth_token_file");
        assertThatThrownBy(() -> factory.create(new PluginConfig("marathon_sd_configs", Map.of("servers", List.of("http://m"),
                "auth_token_file", "missing"), "prometheus.yml:3:7"), context)).hasMessageContaining("unable to read auth token file");
        assertThat(factory.secretFields()).containsExactly("auth_token");
        assertThat(MarathonSdConfig.parse(new PluginConfig("marathon_sd_configs", Map.of("servers", List.of("http://m")), "x:1:1"))
                .refreshInterval()).isEqualTo(java.time.Duration.ofSeconds(30));
    }
}
