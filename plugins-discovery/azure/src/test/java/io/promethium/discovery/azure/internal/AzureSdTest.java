package io.promethium.discovery.azure.internal;

import io.promethium.api.testing.DiscoveryHarness;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testsupport.FakeCloud;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Azure SD against {@link FakeCloud}, a loopback stand-in of Microsoft Entra ID's token endpoint
 * (client credentials and client assertions; a wrong secret refused with {@code invalid_client}),
 * of the instance metadata service's managed-identity tokens, and of Resource Manager's compute
 * and network APIs (bearer token, {@code nextLink} pagination, 404 for a missing interface),
 * answering resources shaped as Azure documents them.
 */
class AzureSdTest {

    static final String SUB = "11111111-2222-3333-4444-555555555555";
    static final String TENANT = "tenant-1";
    static final String TOKEN = "eyJ0eXAiOiJKV1Qi.arm";
    static final String RG = "/subscriptions/" + SUB + "/resourceGroups/prod-rg";

    @TempDir
    Path dir;
    private FakeCloud cloud;
    private DiscoveryHarness harness;
    private final Map<String, String> env = new HashMap<>();
    private volatile String scaleSetVms;

    static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            String[] kv = pair.split("=", 2);
            form.put(kv[0], kv.length < 2 ? "" : URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return form;
    }

    static String vm(String name, String nic, String extra) {
        return """
                {"id": "%s/providers/Microsoft.Compute/virtualMachines/%s", "name": "%s", "type": "Microsoft.Compute/virtualMachines",
                 "location": "westeurope", "tags": {"env": "prod", "cost-center": "42"}%s,
                 "properties": {"hardwareProfile": {"vmSize": "Standard_B2s"}, "osProfile": {"computerName": "%s-host"},
                  "storageProfile": {"osDisk": {"osType": "Linux"}},
                  "networkProfile": {"networkInterfaces": [{"id": "%s"}]}}}""".formatted(RG, name, name, extra, name, nic);
    }

    static String nic(String privateIp, String publicIp, String primary) {
        return """
                {"name": "nic", "properties": {%s "ipConfigurations": [{"name": "ipconfig1", "properties": {"privateIPAddress": "%s"%s}}]}}"""
                .formatted(primary, privateIp, publicIp == null ? "" : ", \"publicIPAddress\": {\"properties\": {\"ipAddress\": \"" + publicIp
                        + "\"}}");
    }

    @BeforeEach
    void startCloud() throws Exception {
        cloud = new FakeCloud();
        cloud.authorize(r -> r.uri().getPath().contains("/oauth2/") || r.uri().getPath().startsWith("/metadata/")
                        || ("Bearer " + TOKEN).equals(r.authorization()),
                new FakeCloud.Answer(401, "{\"error\": {\"code\": \"InvalidAuthenticationToken\", \"message\": \"The access token is invalid."
                        + "\"}}", Map.of()));
        cloud.route("/" + TENANT + "/oauth2/v2.0/token", r -> {
            Map<String, String> form = form(r.body());
            boolean secret = "client_credentials".equals(form.get("grant_type")) && "app-1".equals(form.get("client_id"))
                    && "s3cret".equals(form.get("client_secret"));
            boolean assertion = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(form.get("client_assertion_type"))
                    && "federated.jwt".equals(form.get("client_assertion"));
            return (secret || assertion) && "https://management.azure.com/.default".equals(form.get("scope"))
                    ? FakeCloud.Answer.json("{\"token_type\": \"Bearer\", \"expires_in\": 3599, \"access_token\": \"" + TOKEN + "\"}")
                    : new FakeCloud.Answer(401, "{\"error\": \"invalid_client\", \"error_description\": \"AADSTS7000215: Invalid client "
                            + "secret provided.\"}", Map.of());
        });
        cloud.route("/metadata/identity/oauth2/token", r -> "true".equals(r.header("Metadata"))
                && "https://management.azure.com/".equals(FakeCloud.query(r, "resource"))
                ? FakeCloud.Answer.json("{\"access_token\": \"" + TOKEN + "\", \"expires_in\": \"86399\", \"token_type\": \"Bearer\"}")
                : new FakeCloud.Answer(400, "{\"error\": \"invalid_request\"}", Map.of()));
        String next = cloud.endpoint() + "subscriptions/" + SUB + "/providers/Microsoft.Compute/virtualMachines?api-version=2024-07-01"
                + "&$skiptoken=page2";
        String nic1 = RG + "/providers/Microsoft.Network/networkInterfaces/web-1-nic";
        String nic2 = RG + "/providers/Microsoft.Network/networkInterfaces/web-2-nic";
        String gone = RG + "/providers/Microsoft.Network/networkInterfaces/gone-nic";
        cloud.route("/subscriptions/" + SUB + "/providers/Microsoft.Compute/virtualMachines", r -> FakeCloud.Answer.json(
                "page2".equals(FakeCloud.query(r, "$skiptoken"))
                        ? "{\"value\": [" + vm("web-2", nic2, "") + ", " + vm("gone", gone, "") + "]}"
                        : "{\"value\": [" + vm("web-1", nic1, "") + "], \"nextLink\": \"" + next + "\"}"));
        cloud.route(nic1, r -> FakeCloud.Answer.json(nic("10.0.0.4", "20.50.1.2", "\"primary\": true,")));
        cloud.route(nic2, r -> FakeCloud.Answer.json(nic("10.0.0.5", null, "\"primary\": true,")));
        cloud.route(gone, r -> new FakeCloud.Answer(404, "{\"error\": {\"code\": \"NotFound\"}}", Map.of()));
        cloud.route("/subscriptions/" + SUB + "/providers/Microsoft.Compute/virtualMachineScaleSets", r -> FakeCloud.Answer.json(
                "{\"value\": [{\"id\": \"" + RG + "/providers/Microsoft.Compute/virtualMachineScaleSets/workers\", \"name\": \"workers\"}]}"));
        String ssNic = RG + "/providers/Microsoft.Compute/virtualMachineScaleSets/workers/virtualMachines/3/networkInterfaces/workers-nic";
        scaleSetVms = "{\"value\": [" + vm("workers_3", ssNic, ", \"instanceId\": \"3\"").replace("\"tags\": {\"env\": \"prod\", "
                + "\"cost-center\": \"42\"}", "\"tags\": {}") + "]}";
        cloud.route("/subscriptions/" + SUB + "/resourceGroups/prod-rg/providers/Microsoft.Compute/virtualMachineScaleSets/workers/"
                + "virtualMachines", r -> FakeCloud.Answer.json(scaleSetVms));
        cloud.route(ssNic, r -> FakeCloud.Answer.json(nic("10.1.0.7", null, "\"primary\": true,")));
        harness = new DiscoveryHarness(dir, "azure-job", new HttpConfigClientFactory());
    }

    @AfterEach
    void stop() {
        harness.close();
        cloud.close();
    }

    private void start(Map<String, Object> extra, long bodyLimit) throws Exception {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("subscription_id", SUB);
        block.put("tenant_id", TENANT);
        block.put("client_id", "app-1");
        block.put("client_secret", "s3cret");
        block.put("refresh_interval", "300ms");
        block.putAll(extra);
        block.values().removeIf(v -> v == null);
        env.put("AZURE_AUTHORITY_HOST", cloud.endpoint().toString());
        harness.start(new AzureDiscovererFactory(env::get, cloud.endpoint(), cloud.endpoint(), bodyLimit), "azure_sd_configs", block);
    }

    private static Map<String, String> expected(String name, String ip, String computer) {
        String p = "__meta_azure_";
        Map<String, String> l = new HashMap<>();
        l.put("__address__", ip + ":80");
        l.put(p + "subscription_id", SUB);
        l.put(p + "tenant_id", TENANT);
        l.put(p + "machine_id", RG + "/providers/Microsoft.Compute/virtualMachines/" + name);
        l.put(p + "machine_name", name);
        l.put(p + "machine_computer_name", computer);
        l.put(p + "machine_os_type", "Linux");
        l.put(p + "machine_location", "westeurope");
        l.put(p + "machine_resource_group", "prod-rg");
        l.put(p + "machine_size", "Standard_B2s");
        l.put(p + "machine_private_ip", ip);
        l.put(p + "machine_tag_env", "prod");
        l.put(p + "machine_tag_cost_center", "42");
        return l;
    }

    @Test
    void machinesAndScaleSetMachinesOfEveryPageAreTargetsWithPrometheusLabels() throws Exception {
        start(Map.of(), AzureDiscovererFactory.BODY_LIMIT);
        TargetGroup g = harness.await(m -> m.containsKey("")).get("");
        Map<String, String> first = expected("web-1", "10.0.0.4", "web-1-host");
        first.put("__meta_azure_machine_public_ip", "20.50.1.2");
        Map<String, String> worker = expected("workers_3", "10.1.0.7", "workers_3-host");
        worker.remove("__meta_azure_machine_tag_env");
        worker.remove("__meta_azure_machine_tag_cost_center");
        worker.put("__meta_azure_machine_scale_set", "workers");
        // "gone" has a network interface that no longer exists: skipped, as Prometheus does.
        assertThat(g.targets()).containsExactly(Labels.fromMap(first), Labels.fromMap(expected("web-2", "10.0.0.5", "web-2-host")),
                Labels.fromMap(worker));
        assertThat(harness.warnings()).anyMatch(w -> w.contains("gone-nic of gone does not exist"));
        FakeCloud.Request nicRequest = cloud.requests.stream().filter(r -> r.uri().getPath().endsWith("web-1-nic")).findFirst().orElseThrow();
        assertThat(FakeCloud.query(nicRequest, "$expand")).isEqualTo("IPConfigurations/PublicIPAddress");
    }

    @Test
    void networkInterfacesAreCachedBetweenRefreshes() throws Exception {
        start(Map.of(), AzureDiscovererFactory.BODY_LIMIT);
        harness.await(m -> m.containsKey(""));
        long lists = cloud.count("/subscriptions/" + SUB + "/providers/Microsoft.Compute/virtualMachineScaleSets");
        while (cloud.count("/subscriptions/" + SUB + "/providers/Microsoft.Compute/virtualMachineScaleSets") < lists + 3) {
            Thread.sleep(50);
        }
        assertThat(cloud.count(RG + "/providers/Microsoft.Network/networkInterfaces/web-1-nic")).isEqualTo(1);
        assertThat(harness.context().metrics().value("prometheus_sd_azure_cache_hit_total")).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aWrongClientSecretIsRefusedByTheTokenEndpoint() throws Exception {
        start(Map.of("client_secret", "wrong"), AzureDiscovererFactory.BODY_LIMIT);
        harness.awaitWarning("could not create Azure client: ClientSecretCredential: authentication failed");
        harness.awaitWarning("AADSTS7000215");
        assertThat(harness.groups().values().stream().mapToInt(g -> g.targets().size()).sum()).isZero();
        assertThat(harness.context().metrics().value("prometheus_sd_azure_failures_total")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aManagedIdentityGetsItsTokenFromTheMetadataService() throws Exception {
        Map<String, Object> block = new HashMap<>();
        block.put("authentication_method", "ManagedIdentity");
        block.put("tenant_id", null);
        block.put("client_id", null);
        block.put("client_secret", null);
        start(block, AzureDiscovererFactory.BODY_LIMIT);
        TargetGroup g = harness.await(m -> m.containsKey("")).get("");
        assertThat(g.targets()).hasSize(3);
        assertThat(g.targets().get(0).get("__meta_azure_tenant_id")).isEmpty();
        assertThat(cloud.count("/metadata/identity/oauth2/token")).isEqualTo(1);
    }

    @Test
    void aWorkloadIdentityPresentsItsFederatedToken() throws Exception {
        Path token = dir.resolve("azure-identity-token");
        Files.writeString(token, "federated.jwt\n");
        env.put("AZURE_FEDERATED_TOKEN_FILE", token.toString());
        env.put("AZURE_CLIENT_ID", "app-1");
        env.put("AZURE_TENANT_ID", TENANT);
        Map<String, Object> block = new HashMap<>();
        block.put("authentication_method", "SDK");
        block.put("client_secret", null);
        start(block, AzureDiscovererFactory.BODY_LIMIT);
        assertThat(harness.await(m -> m.containsKey("")).get("").targets()).hasSize(3);
    }

    @Test
    void failuresKeepTheLastTargetsAndThrottlingIsRespected() throws Exception {
        start(Map.of(), 20_000);
        harness.await(m -> m.containsKey("") && m.get("").targets().size() == 3);
        cloud.fault(new FakeCloud.Answer(500, "{\"error\": {\"code\": \"InternalServerError\"}}", Map.of()));
        harness.awaitWarning(" 500 ");
        cloud.fault(FakeCloud.Answer.json("{\"value\": [garbage"));
        harness.awaitWarning("the answer is not JSON");
        cloud.fault(FakeCloud.Answer.json("{\"value\": [], \"pad\": \"" + "x".repeat(30_000) + "\"}"));
        harness.awaitWarning("the answer is larger than 20000 bytes");
        cloud.fault(new FakeCloud.Answer(429, "{\"error\": {\"code\": \"TooManyRequests\"}}", Map.of("Retry-After", "2")));
        harness.awaitWarning("429 Too Many Requests; retry after 2000 ms");
        long asked = cloud.requests.size();
        Thread.sleep(1000);
        assertThat(cloud.requests.size()).isEqualTo(asked);
        cloud.fault(null);
        cloud.hang(true);
        harness.awaitWarning("no answer within 300 ms");
        assertThat(harness.noUpdates()).isTrue();
        assertThat(harness.groups().get("").targets()).hasSize(3);
        assertThat(harness.warnings().stream().filter(w -> w.contains(" 500 ")).count()).as("warned once per change").isEqualTo(1);
        assertThat(harness.context().metrics().value("prometheus_sd_refresh_failures_total", "azure", "azure-job")).isGreaterThanOrEqualTo(5);
    }

    @Test
    void aChangedScaleSetChangesTheTargets() throws Exception {
        start(Map.of(), AzureDiscovererFactory.BODY_LIMIT);
        harness.await(m -> m.containsKey("") && m.get("").targets().size() == 3);
        scaleSetVms = "{\"value\": []}";
        harness.await(m -> m.get("").targets().size() == 2);
    }

    @Test
    void theSecretsOfTheBlockAreDeclaredSoTheConfigShowsThemMasked() {
        assertThat(new AzureDiscovererFactory().secretFields()).containsExactlyInAnyOrder("client_secret");
    }

    @Test
    void configIsValidatedWithPrometheusRules() {
        AzureDiscovererFactory factory = new AzureDiscovererFactory();
        Map<String, String> at = Map.of("authentication_method", "prometheus.yml:5:28", "environment", "prometheus.yml:6:18");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("azure_sd_configs", Map.of(), "prometheus.yml:3:7", at)))
                .hasMessage("prometheus.yml:3:7: azure SD configuration requires a subscription_id");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("azure_sd_configs", Map.of("subscription_id", SUB, "tenant_id", "t"),
                "prometheus.yml:3:7", at))).hasMessage("prometheus.yml:3:7: azure SD configuration requires a client_id");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("azure_sd_configs", Map.of("subscription_id", SUB,
                "authentication_method", "Password"), "prometheus.yml:3:7", at))).hasMessage("prometheus.yml:5:28: unknown "
                + "authentication_type \"Password\". Supported types are \"OAuth\", \"ManagedIdentity\", \"SDK\" or \"WorkloadIdentity\"");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("azure_sd_configs", Map.of("subscription_id", SUB,
                "authentication_method", "SDK", "environment", "Mars"), "prometheus.yml:3:7", at)))
                .hasMessage("prometheus.yml:6:18: there is no cloud configuration matching the name \"MARS\"");
    }
}
