package io.promethium.discovery.openstack.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.api.testing.DiscoveryHarness;
import io.promethium.api.testing.TestPluginContext;
import io.promethium.testkit.HttpConfigClientFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenStack SD against {@link FakeOpenstack}, a loopback stand-in of Keystone v3, Nova and
 * Neutron answering Prometheus's own mock bodies; the expected labels are those of Prometheus's
 * {@code instance_test.go} and {@code hypervisor_test.go}.
 */
class OpenstackSdTest {

    private static final String P = "__meta_openstack_";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private FakeOpenstack openstack;
    private TestPluginContext context;
    private OpenstackDiscoverer discoverer;

    @BeforeEach
    void start() throws Exception {
        openstack = new FakeOpenstack();
        context = new TestPluginContext(dir, "openstack-job", new HttpConfigClientFactory());
    }

    @AfterEach
    void stop() {
        if (discoverer != null) {
            discoverer.close();
        }
        openstack.close();
    }

    private Map<String, Object> config(String role) {
        Map<String, Object> values = new HashMap<>(Map.of("identity_endpoint", openstack.identityUrl(), "username", "test",
                "password", FakeOpenstack.PASSWORD, "domain_name", "12345", "region", "RegionOne", "role", role, "port", 0L));
        return values;
    }

    private OpenstackDiscoverer create(Map<String, Object> values) throws Exception {
        discoverer = (OpenstackDiscoverer) new OpenstackDiscovererFactory().create(
                new PluginConfig("openstack_sd_configs", values, "prometheus.yml:3:5"), context);
        return discoverer;
    }

    private static ConfigException refused(Map<String, Object> values) {
        try {
            OpenstackSdConfig.parse(new PluginConfig("openstack_sd_configs", values, "prometheus.yml:3:5"));
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("accepted " + values);
    }

    private static Map<String, String> instance(String address, String flavor, String id, String image, String name, String ip,
                                                String publicIp, String tagEnv, String project) {
        Map<String, String> m = new HashMap<>();
        m.put("__address__", address);
        m.put(P + "instance_flavor", flavor);
        m.put(P + "instance_id", id);
        if (image != null) {
            m.put(P + "instance_image", image);
        }
        m.put(P + "instance_status", "ACTIVE");
        m.put(P + "instance_name", name);
        m.put(P + "private_ip", ip);
        if (publicIp != null) {
            m.put(P + "public_ip", publicIp);
        }
        if (tagEnv != null) {
            m.put(P + "tag_env", tagEnv);
        }
        m.put(P + "address_pool", "private");
        m.put(P + "project_id", project);
        m.put(P + "user_id", "9349aff8be7545ac9d2f1d00999a23cd");
        return m;
    }

    /** Prometheus's TestOpenstackSDInstanceRefresh expectations, in order. */
    private static List<Map<String, String>> expectedInstances() {
        String image = "f90f6034-2570-4974-8351-6b49732ef2eb";
        String p1 = "fcad67a6189847c4aecfa3c81a05783b";
        String p2 = "b78fef2305934dbbbeb9a10b4c326f7a";
        return List.of(
                instance("10.0.0.32:0", "1", "ef079b0c-e610-4dfb-b1aa-b49f07ac48e5", image, "herp", "10.0.0.32", "10.10.10.2", null, p1),
                instance("10.0.0.31:0", "m1.medium", "9e5476bd-a4ec-4653-93d6-72c93aa682ba", image, "derp", "10.0.0.31", null, null, p1),
                instance("10.0.0.33:0", "m1.small", "9e5476bd-a4ec-4653-93d6-72c93aa682bb", null, "merp", "10.0.0.33", null, "prod", p1),
                instance("10.0.0.34:0", "m1.small", "9e5476bd-a4ec-4653-93d6-72c93aa682bb", null, "merp", "10.0.0.34", "10.10.10.4", "prod", p1),
                instance("10.0.0.33:0", "m1.small", "87caf8ed-d92a-41f6-9dcd-d1399e39899f", null, "merp-project2", "10.0.0.33", null, "prod", p2),
                instance("10.0.0.34:0", "m1.small", "87caf8ed-d92a-41f6-9dcd-d1399e39899f", null, "merp-project2", "10.0.0.34", "10.10.10.24", "prod", p2));
    }

    private static List<Map<String, String>> maps(TargetGroup group) {
        return group.targets().stream().map(OpenstackSdTest::toMap).toList();
    }

    private static Map<String, String> toMap(Labels labels) {
        Map<String, String> m = new HashMap<>();
        labels.forEach(m::put);
        return m;
    }

    @Test
    void instanceRoleGivesPrometheusLabelsForEveryFixedAddress() throws Exception {
        Map<String, Object> values = config("instance");
        values.put("all_tenants", true);
        List<TargetGroup> groups = create(values).refresh();
        assertThat(groups).hasSize(1);
        assertThat(groups.get(0).source()).isEqualTo("OS_RegionOne");
        assertThat(maps(groups.get(0))).containsExactlyElementsOf(expectedInstances());
        assertThat(openstack.lines()).anyMatch(r -> r.startsWith("GET /servers/detail?all_tenants=true "));
    }

    @Test
    void hypervisorRoleGivesPrometheusLabels() throws Exception {
        List<TargetGroup> groups = create(config("hypervisor")).refresh();
        List<Map<String, String>> targets = maps(groups.get(0));
        assertThat(targets).hasSize(2);
        assertThat(targets.get(0)).isEqualTo(Map.of("__address__", "172.16.70.14:0", P + "hypervisor_hostname", "nc14.cloud.com",
                P + "hypervisor_type", "QEMU", P + "hypervisor_host_ip", "172.16.70.14", P + "hypervisor_state", "up",
                P + "hypervisor_status", "enabled", P + "hypervisor_id", "1"));
        assertThat(targets.get(1)).containsEntry("__address__", "172.16.70.13:0").containsEntry(P + "hypervisor_id", "721")
                .containsEntry(P + "hypervisor_hostname", "cc13.cloud.com");
    }

    @Test
    void serversAreReadAcrossPagesByTheirNextLinks() throws Exception {
        JsonNode all = JSON.readTree(FakeOpenstack.fixture("servers.json")).path("servers");
        ObjectNode first = JSON.createObjectNode();
        ObjectNode second = JSON.createObjectNode();
        ArrayNode one = first.putArray("servers");
        ArrayNode two = second.putArray("servers");
        for (int i = 0; i < all.size(); i++) {
            (i < 3 ? one : two).add(all.get(i));
        }
        first.putArray("servers_links").addObject().put("rel", "next").put("href", openstack.identityUrl() + "servers/detail?marker=page2");
        openstack.answer("/servers/detail", first.toString());
        openstack.answer("/servers/detail?marker=page2", second.toString());
        List<TargetGroup> groups = create(config("instance")).refresh();
        assertThat(maps(groups.get(0))).containsExactlyElementsOf(expectedInstances());
        assertThat(openstack.lines()).anyMatch(r -> r.startsWith("GET /servers/detail?marker=page2 "));
    }

    @Test
    void loopingNextLinksFailTheRefresh() throws Exception {
        openstack.answer("/servers/detail", "{\"servers\":[],\"servers_links\":[{\"rel\":\"next\",\"href\":\"" + openstack.identityUrl()
                + "servers/detail\"}]}");
        OpenstackDiscoverer d = create(config("instance"));
        assertThatThrownBy(d::refresh).isInstanceOf(IOException.class).hasMessageContaining("loop");
    }

    @Test
    void aWrongPasswordFailsTheRefreshWithKeystones401() throws Exception {
        Map<String, Object> values = config("instance");
        values.put("password", "wrong");
        OpenstackDiscoverer d = create(values);
        assertThatThrownBy(d::refresh).isInstanceOf(IOException.class)
                .hasMessageStartingWith("could not authenticate to OpenStack: ")
                .hasMessageContaining("but got 401");
        assertThat(openstack.lines()).noneMatch(r -> r.startsWith("GET "));
    }

    @Test
    void aFailedListIsAnErrorNotAnEmptyGroup() throws Exception {
        OpenstackDiscoverer d = create(config("hypervisor"));
        openstack.status(500);
        assertThatThrownBy(d::refresh).isInstanceOf(IOException.class).hasMessageContaining("but got 500");
        openstack.status(200);
        openstack.answer("/os-hypervisors/detail", "not json");
        assertThatThrownBy(d::refresh).isInstanceOf(IOException.class).hasMessageContaining("not a JSON object");
    }

    @Test
    void aRegionMissingFromTheCatalogIsNamedInTheError() throws Exception {
        Map<String, Object> values = config("hypervisor");
        values.put("region", "RegionTwo");
        OpenstackDiscoverer d = create(values);
        assertThatThrownBy(d::refresh).hasMessage(
                "could not create OpenStack compute session: No suitable endpoint could be found in the service catalog.");
    }

    @Test
    void passwordAuthIsScopedToTheNamedProjectInItsDomain() throws Exception {
        Map<String, Object> values = config("hypervisor");
        values.put("project_name", "project-x");
        create(values).refresh();
        JsonNode body = JSON.readTree(openstack.lines().get(0).substring("POST /v3/auth/tokens ".length()));
        assertThat(body.at("/auth/identity/methods/0").asText()).isEqualTo("password");
        assertThat(body.at("/auth/identity/password/user/name").asText()).isEqualTo("test");
        assertThat(body.at("/auth/identity/password/user/domain/name").asText()).isEqualTo("12345");
        assertThat(body.at("/auth/scope/project/name").asText()).isEqualTo("project-x");
        assertThat(body.at("/auth/scope/project/domain/name").asText()).isEqualTo("12345");
    }

    @Test
    void applicationCredentialsAuthenticateWithoutAScope() throws Exception {
        Map<String, Object> values = new HashMap<>(Map.of("identity_endpoint", openstack.identityUrl(), "application_credential_id", "ac1",
                "application_credential_secret", FakeOpenstack.PASSWORD, "region", "RegionOne", "role", "hypervisor"));
        assertThat(create(values).refresh().get(0).targets()).hasSize(2);
        JsonNode body = JSON.readTree(openstack.lines().get(0).substring("POST /v3/auth/tokens ".length()));
        assertThat(body.at("/auth/identity/methods/0").asText()).isEqualTo("application_credential");
        assertThat(body.at("/auth/identity/application_credential/id").asText()).isEqualTo("ac1");
        assertThat(body.at("/auth/scope").isMissingNode()).isTrue();
    }

    @Test
    void configMistakesAreRefusedWithPrometheusMessages() {
        Map<String, Object> values = config("instance");
        values.remove("region");
        assertThat(refused(values)).hasMessageContaining("openstack SD configuration requires a region");
        values = config("nova");
        assertThat(refused(values)).hasMessageContaining("unknown OpenStack SD role \"nova\"");
        values = config("instance");
        values.remove("role");
        assertThat(refused(values)).hasMessageContaining("role missing (one of: instance, hypervisor, loadbalancer)");
        values = config("instance");
        values.put("availability", "private");
        assertThat(refused(values)).hasMessageContaining("unknown availability private, must be one of admin, internal or public");
        values = config("instance");
        values.put("basic_auth", Map.of("username", "u"));
        assertThat(refused(values)).hasMessageContaining("basic_auth");
        values = config("instance");
        values.put("refresh_interval", "0s");
        assertThat(refused(values)).hasMessageContaining("refresh_interval must be greater than 0");
    }

    private static Map<String, String> lb(String address, String id, String name, String zone, String floating, String vip,
                                          String tags, String project) {
        Map<String, String> m = new HashMap<>();
        m.put("__address__", address);
        m.put(P + "loadbalancer_id", id);
        m.put(P + "loadbalancer_name", name);
        m.put(P + "loadbalancer_operating_status", "ONLINE");
        m.put(P + "loadbalancer_provisioning_status", "ACTIVE");
        m.put(P + "loadbalancer_availability_zone", zone);
        if (floating != null) {
            m.put(P + "loadbalancer_floating_ip", floating);
        }
        m.put(P + "loadbalancer_vip", vip);
        m.put(P + "loadbalancer_provider", "amphora");
        if (tags != null) {
            m.put(P + "loadbalancer_tags", tags);
        }
        m.put(P + "project_id", project);
        return m;
    }

    /** Prometheus's TestOpenstackSDLoadBalancerRefresh expectations, in order. */
    @Test
    void loadbalancerRoleGivesATargetPerLoadBalancerWithAPrometheusListener() throws Exception {
        List<TargetGroup> groups = create(config("loadbalancer")).refresh();
        assertThat(groups.get(0).source()).isEqualTo("OS_RegionOne");
        assertThat(maps(groups.get(0))).containsExactly(
                lb("10.0.0.32:9273", "ef079b0c-e610-4dfb-b1aa-b49f07ac48e5", "lb1", "az1", "192.168.1.2", "10.0.0.32", "tag1,tag2",
                        "fcad67a6189847c4aecfa3c81a05783b"),
                lb("10.0.2.78:8080", "d92c471e-8d3e-4b9f-b2b5-9c72a9e3ef54", "lb3", "az3", "192.168.3.4", "10.0.2.78", "tag5,tag6",
                        "ac57f03dba1a4fdebff3e67201bc7a85"),
                lb("10.0.3.99:9090", "f5c7e918-df38-4a5a-a7d4-d9c27ab2cf67", "lb4", "az1", "192.168.4.5", "10.0.3.99", null,
                        "fa8c372dfe4d4c92b0c4e3a2d9b3c9fa"),
                lb("10.0.4.88:9876", "e83a6d92-7a3e-4567-94b3-20c83b32a75e", "lb5", "az4", null, "10.0.4.88", null,
                        "a5d3b2e1e6f34cd9a5f7c2f01a6b8e29"));
    }

    @Test
    void aFailedListenerListFailsTheLoadbalancerRefresh() throws Exception {
        openstack.answer("/v2.0/lbaas/listeners", "{\"listeners\": 3}");
        OpenstackDiscoverer d = create(config("loadbalancer"));
        assertThatThrownBy(d::refresh).hasMessageStartingWith("failed to list all listeners: ").hasMessageContaining("not a list");
    }

    @Test
    void aFailingOpenstackKeepsTheLastTargetsCountsAndLogsOncePerChange() throws Exception {
        Map<String, Object> values = config("hypervisor");
        // Refreshing every 500 ms (also the request timeout): each fault below waits for a refresh.
        values.put("refresh_interval", "500ms");
        try (DiscoveryHarness harness = new DiscoveryHarness(context, Duration.ofSeconds(15))) {
            harness.start(create(values));
            discoverer = null; // the harness closes it
            List<TargetGroup> first = harness.nextUpdate(Duration.ofSeconds(15));
            assertThat(first).isNotNull();
            assertThat(first.get(0).targets()).hasSize(2);
            openstack.status(500);
            harness.awaitWarning("but got 500");
            openstack.status(200);
            openstack.answer("/os-hypervisors/detail", "{\"hypervisors\": [");
            harness.awaitWarning("not a JSON object");
            openstack.hang(true);
            harness.awaitWarning("no answer within 500 ms");
            assertThat(harness.noUpdates()).isTrue();
            assertThat(harness.warnings().stream().filter(w -> w.contains("but got 500")).count()).isEqualTo(1);
            assertThat(context.metrics().value("prometheus_sd_refresh_failures_total", "openstack", "openstack-job"))
                    .isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void credentialsThatCannotAuthenticateAreRefusedAtLoad() {
        Map<String, Object> values = config("instance");
        values.remove("password");
        assertThat(refused(values)).hasMessageContaining("password is required");
        values = config("instance");
        values.remove("domain_name");
        assertThat(refused(values)).hasMessageContaining("username needs domain_name or domain_id");
        values = config("instance");
        values.remove("username");
        assertThat(refused(values)).hasMessageContaining("one of username, userid");
        values = config("instance");
        values.remove("identity_endpoint");
        assertThat(refused(values)).hasMessageContaining("identity_endpoint is required");
        values = config("instance");
        values.put("application_credential_id", "ac1");
        assertThat(refused(values)).hasMessageContaining("application_credential_secret is required");
        values = config("instance");
        values.put("identity_endpoint", "keystone:5000");
        assertThat(refused(values)).hasMessageContaining("identity_endpoint must be an http or https URL");
    }

    @Test
    void thePasswordAndTheApplicationCredentialSecretAreDeclaredSecrets() {
        assertThat(new OpenstackDiscovererFactory().secretFields()).containsExactlyInAnyOrder("password", "application_credential_secret");
    }

    @Test
    void theDefaultsAreThoseOfPrometheus() throws Exception {
        Map<String, Object> values = config("instance");
        values.remove("port");
        OpenstackSdConfig parsed = OpenstackSdConfig.parse(new PluginConfig("openstack_sd_configs", values, "prometheus.yml:3:5"));
        assertThat(parsed.port()).isEqualTo(80);
        assertThat(parsed.refreshInterval()).hasSeconds(60);
        assertThat(parsed.availability()).isEqualTo("public");
        assertThat(parsed.allTenants()).isFalse();
        assertThat(parsed.toString()).doesNotContain(FakeOpenstack.PASSWORD);
    }
}
