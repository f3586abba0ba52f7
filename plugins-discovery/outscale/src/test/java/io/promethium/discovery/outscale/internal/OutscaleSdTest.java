package io.promethium.discovery.outscale.internal;

import io.promethium.api.testing.DiscoveryHarness;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.sigv4.AwsCredentials;
import io.promethium.sigv4.SigV4Signer;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testsupport.FakeCloud;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outscale SD against {@link FakeCloud}, a loopback stand-in of Outscale's OSC API
 * ({@code POST /api/v1/ReadVms}, {@code NextPageToken}) answering VMs shaped as Outscale's API
 * reference documents them, with the VMs of Prometheus's {@code vm_test.go}; it checks every
 * request's AWS SigV4 signature (service {@code oapi}, region {@code eu-west-2}, as Outscale's SDK
 * signs) with the secret it knows, and refuses a bad one with 401.
 */
class OutscaleSdTest {

    private static final String KEY = "AKOSCEXAMPLE";
    private static final String SECRET = "outscale-secret";
    private static final Pattern AUTH = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})");
    private static final DateTimeFormatter AMZ = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    @TempDir
    Path dir;
    private FakeCloud cloud;
    private DiscoveryHarness harness;
    private volatile String page2;

    private static boolean signatureValid(FakeCloud.Request r) {
        Matcher m = AUTH.matcher(r.authorization() == null ? "" : r.authorization());
        if (!m.matches() || !m.group(1).equals(KEY) || !m.group(3).equals("eu-west-2") || !m.group(4).equals("oapi")) {
            return false;
        }
        List<Map.Entry<String, String>> headers = new java.util.ArrayList<>();
        for (String name : m.group(5).split(";")) {
            if (!name.equals("x-amz-date")) {
                headers.add(Map.entry(name, r.header(name)));
            }
        }
        SigV4Signer.Signed expected = new SigV4Signer("eu-west-2", "oapi").sign(r.method(), r.uri().getRawPath(), r.uri().getRawQuery(),
                headers, r.body().getBytes(StandardCharsets.UTF_8), new AwsCredentials(KEY, SECRET, null),
                Instant.from(AMZ.parse(r.header("X-Amz-Date"))), false);
        return expected.authorization().equals(r.authorization());
    }

    @BeforeEach
    void startCloud() throws Exception {
        cloud = new FakeCloud();
        cloud.authorize(OutscaleSdTest::signatureValid, new FakeCloud.Answer(401, "{\"Errors\": [{\"Type\": \"AccessDenied\", "
                + "\"Details\": \"\", \"Code\": \"1\"}], \"ResponseContext\": {\"RequestId\": \"0\"}}", Map.of()));
        String page1 = """
                {"Vms": [{"VmId": "i-abc", "State": "running", "PrivateIp": "10.1.2.3", "PublicIp": "1.2.3.4"},
                  {"VmId": "i-1", "State": "running"},
                  {"VmId": "i-tagged", "State": "stopped", "PrivateIp": "10.0.0.5", "Placement": {"SubregionName": "eu-west-2a"},
                   "Tags": [{"Key": "Name", "Value": "my-vm"}, {"Key": "team-name", "Value": "prod"}, {"Key": "", "Value": "skip"},
                    {"Key": "EmptyVal", "Value": ""}]}],
                 "NextPageToken": "p2", "ResponseContext": {"RequestId": "1"}}""";
        page2 = """
                {"Vms": [{"VmId": "i-pub", "State": "running", "PublicIp": "203.0.113.10"}], "ResponseContext": {"RequestId": "2"}}""";
        cloud.route("/api/v1/ReadVms", r -> FakeCloud.Answer.json(r.body().contains("p2") ? page2 : page1));
        harness = new DiscoveryHarness(dir, "outscale-job", new HttpConfigClientFactory());
    }

    @AfterEach
    void stop() {
        harness.close();
        cloud.close();
    }

    private void start(Map<String, Object> extra) throws Exception {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("endpoint", cloud.endpoint() + "api/v1");
        block.put("region", "cloudgouv-eu-west-1");
        block.put("access_key", KEY);
        block.put("port", 9090);
        block.put("refresh_interval", "300ms");
        block.putAll(extra);
        harness.start(new OutscaleDiscovererFactory(OutscaleDiscovererFactory.BODY_LIMIT), "outscale_sd_configs", block);
    }

    @Test
    void vmsOfEveryPageAreTargetsWithPrometheusLabels() throws Exception {
        start(Map.of("secret_key", SECRET));
        TargetGroup g = harness.await(m -> m.containsKey("cloudgouv-eu-west-1")).get("cloudgouv-eu-west-1");
        String p = "__meta_outscale_vm_";
        String region = "cloudgouv-eu-west-1";
        Labels first = Labels.fromMap(Map.of("__address__", "10.1.2.3:9090", p + "instance_id", "i-abc", p + "region", region, p + "state",
                "running", p + "private_ip", "10.1.2.3", p + "public_ip", "1.2.3.4"));
        Map<String, String> tagged = new HashMap<>(Map.of("__address__", "10.0.0.5:9090", p + "instance_id", "i-tagged", p + "region", region,
                p + "state", "stopped", p + "private_ip", "10.0.0.5", p + "subregion", "eu-west-2a", p + "tag_Name", "my-vm",
                p + "tag_team_name", "prod"));
        Labels last = Labels.fromMap(Map.of("__address__", "203.0.113.10:9090", p + "instance_id", "i-pub", p + "region", region,
                p + "state", "running", p + "public_ip", "203.0.113.10"));
        assertThat(g.targets()).containsExactly(first, Labels.fromMap(tagged), last);
        assertThat(cloud.requests.get(0).body()).isEqualTo("{}");
        assertThat(cloud.requests.get(1).body()).isEqualTo("{\"NextPageToken\":\"p2\"}");
    }

    @Test
    void theSecretKeyFileIsReadEveryRefreshAndABadSecretIsRefused() throws Exception {
        Path file = dir.resolve("secret");
        Files.writeString(file, "wrong\n");
        start(Map.of("secret_key_file", file.toString()));
        harness.awaitWarning("outscale ReadVms: POST");
        assertThat(harness.groups()).isEmpty();
        Files.writeString(file, SECRET + "\n");
        harness.await(m -> m.containsKey("cloudgouv-eu-west-1") && m.get("cloudgouv-eu-west-1").targets().size() == 3);
        page2 = "{\"Vms\": []}";
        harness.await(m -> m.get("cloudgouv-eu-west-1").targets().size() == 2);
        assertThat(harness.context().metrics().value("prometheus_sd_refresh_failures_total", "outscale", "outscale-job"))
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void failuresKeepTheLastTargetsAreCountedAndThrottlingIsRespected() throws Exception {
        harness.close();
        harness = new DiscoveryHarness(dir, "outscale-job", new HttpConfigClientFactory());
        Map<String, Object> block = new LinkedHashMap<>(Map.of("endpoint", cloud.endpoint() + "api/v1", "region", "eu-west-2",
                "access_key", KEY, "secret_key", SECRET, "refresh_interval", "300ms"));
        harness.start(new OutscaleDiscovererFactory(20_000), "outscale_sd_configs", block);
        harness.await(m -> m.containsKey("eu-west-2") && m.get("eu-west-2").targets().size() == 3);
        cloud.fault(new FakeCloud.Answer(500, "{\"Errors\": [{\"Type\": \"InternalError\", \"Code\": \"2000\"}]}", Map.of()));
        harness.awaitWarning(" 500 ");
        cloud.fault(FakeCloud.Answer.json("{\"Vms\": [garbage"));
        harness.awaitWarning("the answer is not JSON");
        cloud.fault(FakeCloud.Answer.json("{\"Vms\": [], \"pad\": \"" + "x".repeat(30_000) + "\"}"));
        harness.awaitWarning("the answer is larger than 20000 bytes");
        cloud.fault(null);
        cloud.hang(true);
        harness.awaitWarning("no answer within 300 ms");
        cloud.hang(false);
        cloud.fault(new FakeCloud.Answer(429, "{\"Errors\": [{\"Type\": \"TooManyRequests\"}]}", Map.of("Retry-After", "2")));
        harness.awaitWarning("429 Too Many Requests; retry after 2000 ms");
        long asked = cloud.requests.size();
        Thread.sleep(1000);
        assertThat(cloud.requests.size()).as("no request before Retry-After").isEqualTo(asked);
        assertThat(harness.groups().get("eu-west-2").targets()).hasSize(3);
        assertThat(harness.warnings().stream().filter(w -> w.contains(" 500 ")).count()).as("warned once per change").isEqualTo(1);
        assertThat(harness.context().metrics().value("prometheus_sd_refresh_failures_total", "outscale", "outscale-job"))
                .isGreaterThanOrEqualTo(5);
        cloud.fault(null);
        page2 = "{\"Vms\": []}";
        harness.await(m -> m.get("eu-west-2").targets().size() == 2);
    }

    @Test
    void theSecretsOfTheBlockAreDeclaredSoTheConfigShowsThemMasked() {
        assertThat(new OutscaleDiscovererFactory().secretFields()).containsExactlyInAnyOrder("secret_key");
    }

    @Test
    void configIsValidatedWithPrometheusRules() {
        OutscaleDiscovererFactory factory = new OutscaleDiscovererFactory();
        assertThatThrownBy(() -> factory.validate(block(Map.of("secret_key", "s"))))
                .hasMessage("prometheus.yml:3:7: outscale SD configuration requires access_key");
        assertThatThrownBy(() -> factory.validate(block(Map.of("access_key", "a"))))
                .hasMessageContaining("one of secret_key & secret_key_file must be configured");
        assertThatThrownBy(() -> factory.validate(block(Map.of("access_key", "a", "secret_key", "s", "secret_key_file", "f"))))
                .hasMessageContaining("at most one of secret_key & secret_key_file must be configured");
        assertThatThrownBy(() -> factory.validate(block(Map.of("access_key", "a", "secret_key", "s", "zone", "x"))))
                .hasMessageContaining("field zone not found in outscale_sd_configs");
    }

    private static PluginConfig block(Map<String, Object> values) {
        return new PluginConfig("outscale_sd_configs", values, "prometheus.yml:3:7");
    }
}
