package io.promethium.discovery.oci.internal;

import io.promethium.api.testing.DiscoveryHarness;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testsupport.FakeCloud;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OCI SD against {@link FakeCloud}, a loopback stand-in of OCI's Identity and Core APIs
 * ({@code ListCompartments}, {@code ListInstances}, {@code ListVnicAttachments}, {@code GetVnic},
 * {@code opc-next-page}) answering JSON shaped as OCI's API reference documents it, with the
 * instance of Prometheus's {@code oci_test.go}; it checks every request's HTTP signature
 * ({@code rsa-sha256} over {@code x-date}, {@code (request-target)} and {@code host}, keyId
 * {@code tenancy/user/fingerprint}) with the API key's public key and refuses a bad one with 401
 * {@code NotAuthenticated}, as OCI does.
 */
class OciSdTest {

    private static final String TENANCY = "ocid1.tenancy.oc1..tenancy";
    private static final String COMP = "ocid1.compartment.oc1..comp001";
    private static final Pattern AUTH = Pattern.compile("Signature version=\"1\",keyId=\"([^\"]+)\",algorithm=\"rsa-sha256\","
            + "headers=\"x-date \\(request-target\\) host\",signature=\"([^\"]+)\"");
    private static KeyPair keys;
    private static KeyPair other;

    @TempDir
    Path dir;
    private FakeCloud cloud;
    private DiscoveryHarness harness;
    private volatile String instances;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keys = generator.generateKeyPair();
        other = generator.generateKeyPair();
    }

    private static boolean signed(FakeCloud.Request r) {
        Matcher m = AUTH.matcher(r.authorization() == null ? "" : r.authorization());
        if (!m.matches() || !m.group(1).equals(TENANCY + "/ocid1.user.oc1..user/aa:bb:cc")) {
            return false;
        }
        try {
            String target = r.uri().getRawPath() + (r.uri().getRawQuery() == null ? "" : "?" + r.uri().getRawQuery());
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initVerify(keys.getPublic());
            signature.update(("x-date: " + r.header("x-date") + "\n(request-target): " + r.method().toLowerCase() + " " + target + "\nhost: "
                    + r.header("Host")).getBytes(StandardCharsets.UTF_8));
            return signature.verify(Base64.getDecoder().decode(m.group(2)));
        } catch (Exception e) {
            return false;
        }
    }

    @BeforeEach
    void startCloud() throws Exception {
        cloud = new FakeCloud();
        cloud.authorize(OciSdTest::signed, new FakeCloud.Answer(401, "{\"code\": \"NotAuthenticated\", \"message\": \"The required "
                + "information to complete authentication was not provided or was incorrect.\"}", Map.of()));
        cloud.route("/20160918/compartments", r -> switch (FakeCloud.query(r, "compartmentId")) {
            case TENANCY -> FakeCloud.query(r, "page") == null
                    ? new FakeCloud.Answer(200, "[{\"id\": \"" + COMP + "\", \"lifecycleState\": \"ACTIVE\"}]", Map.of("opc-next-page", "c2"))
                    : FakeCloud.Answer.json("[{\"id\": \"ocid1.compartment.oc1..deleted\", \"lifecycleState\": \"DELETED\"}]");
            default -> FakeCloud.Answer.json("[]");
        });
        instances = """
                [{"id": "ocid1.instance.oc1.iad.aaa001", "compartmentId": "%s", "displayName": "test-instance-1", "lifecycleState": "RUNNING",
                  "shape": "VM.Standard.E4.Flex", "availabilityDomain": "US-ASHBURN-AD-1", "faultDomain": "FAULT-DOMAIN-1",
                  "region": "us-ashburn-1", "imageId": "ocid1.image.oc1.iad.img001", "freeformTags": {"team-name": "obs"},
                  "definedTags": {"Operations": {"CostCenter": 42, "Owner": "sre", "Ratio": 0.5, "Nested": {"a": 1}}}}]""".formatted(COMP);
        cloud.route("/20160918/instances", r -> FakeCloud.Answer.json(COMP.equals(FakeCloud.query(r, "compartmentId")) ? instances : "[]"));
        cloud.route("/20160918/vnicAttachments", r -> FakeCloud.Answer.json("""
                [{"vnicId": "ocid1.vnic.oc1..v000", "lifecycleState": "DETACHED"},
                 {"vnicId": "ocid1.vnic.oc1..v002", "lifecycleState": "ATTACHED"},
                 {"vnicId": "ocid1.vnic.oc1..v001", "lifecycleState": "ATTACHED"}]"""));
        cloud.route("/20160918/vnics/ocid1.vnic.oc1..v002", r -> FakeCloud.Answer.json(
                "{\"id\": \"ocid1.vnic.oc1..v002\", \"isPrimary\": false, \"privateIp\": \"10.0.1.9\"}"));
        cloud.route("/20160918/vnics/ocid1.vnic.oc1..v001", r -> FakeCloud.Answer.json("""
                {"id": "ocid1.vnic.oc1..v001", "isPrimary": true, "privateIp": "10.0.0.5", "publicIp": "203.0.113.1",
                 "hostnameLabel": "test-1", "ipv6Addresses": ["2001:db8::2", "2001:db8::1"]}"""));
        harness = new DiscoveryHarness(dir, "oci-job", new HttpConfigClientFactory());
    }

    @AfterEach
    void stop() {
        harness.close();
        cloud.close();
    }

    private static String pem(KeyPair pair) {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    private void start(KeyPair pair, Map<String, Object> extra) throws Exception {
        Files.writeString(dir.resolve("oci.pem"), pem(pair));
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("tenancy", TENANCY);
        block.put("user", "ocid1.user.oc1..user");
        block.put("fingerprint", "aa:bb:cc");
        block.put("key_file", "oci.pem");
        block.put("region", "us-ashburn-1");
        block.put("port", 9100);
        block.put("refresh_interval", "300ms");
        block.putAll(extra);
        URI root = URI.create(cloud.endpoint().toString().replaceAll("/$", ""));
        harness.start(new OciDiscovererFactory(new OciRegions(name -> null, dir), region -> new URI[] {root, root, root}, root.resolve("/opc/v2"),
                OciDiscovererFactory.BODY_LIMIT), "oci_sd_configs", block);
    }

    @Test
    void instancesOfEveryActiveCompartmentAreTargetsOnTheirPrimaryVnic() throws Exception {
        start(keys, Map.of("refresh_interval", "1s"));
        // (A child list that fails, as the first may on a cold JVM, leaves its subtree out of that refresh, as in Prometheus.)
        TargetGroup g = harness.await(m -> m.containsKey("OCI") && !m.get("OCI").targets().isEmpty()).get("OCI");
        String p = "__meta_oci_";
        Map<String, String> expected = new HashMap<>(Map.of("__address__", "10.0.0.5:9100", p + "instance_id", "ocid1.instance.oc1.iad.aaa001",
                p + "instance_name", "test-instance-1", p + "instance_state", "RUNNING", p + "instance_shape", "VM.Standard.E4.Flex",
                p + "availability_domain", "US-ASHBURN-AD-1", p + "fault_domain", "FAULT-DOMAIN-1", p + "region", "us-ashburn-1",
                p + "tenancy_id", TENANCY, p + "compartment_id", COMP));
        expected.putAll(Map.of(p + "image_id", "ocid1.image.oc1.iad.img001", p + "vnic_id", "ocid1.vnic.oc1..v001", p + "private_ip", "10.0.0.5",
                p + "public_ip", "203.0.113.1", p + "hostname_label", "test-1", p + "ipv6_addresses", ",2001:db8::1,2001:db8::2,",
                p + "tag_team_name", "obs", p + "defined_tag_Operations_CostCenter", "42", p + "defined_tag_Operations_Owner", "sre",
                p + "defined_tag_Operations_Ratio", "0.5"));
        assertThat(g.targets()).containsExactly(Labels.fromMap(expected));
        // The tenancy, its page 2 (a deleted compartment, not walked), and the active compartment's children.
        assertThat(cloud.count("/20160918/compartments")).isGreaterThanOrEqualTo(3);
        assertThat(cloud.count("/20160918/vnics/ocid1.vnic.oc1..v000")).isZero();
        instances = "[]";
        harness.await(m -> m.get("OCI").targets().isEmpty());
    }

    @Test
    void anotherKeyIsRefusedAndConfiguredCompartmentsAreNotWalked() throws Exception {
        start(other, Map.of());
        harness.awaitWarning("401 {\"code\": \"NotAuthenticated\"");
        harness.close();
        harness = new DiscoveryHarness(dir, "oci-job", new HttpConfigClientFactory());
        cloud.requests.clear();
        start(keys, Map.of("compartments", List.of(COMP), "refresh_interval", "1s"));
        assertThat(harness.await(m -> m.containsKey("OCI") && !m.get("OCI").targets().isEmpty()).get("OCI").targets()).hasSize(1);
        assertThat(cloud.count("/20160918/compartments")).isZero();
    }

    @Test
    void aDeveloperToolFileWithoutCoreFailsTheRefreshUntilItListsIt() throws Exception {
        // The factory's home directory is dir: its .oci/developer-tool-configuration.json is the one the SDK would read.
        Files.createDirectories(dir.resolve(".oci"));
        Path file = dir.resolve(".oci/developer-tool-configuration.json");
        Files.writeString(file, "{\"provider\": \"Example\", \"services\": [\"identity\"]}");
        start(keys, Map.of());
        harness.awaitWarning("oci_sd: failed to create clients: creating OCI compute client: the Developer Tool configuration disabled "
                + "this service");
        assertThat(cloud.count("/20160918/compartments")).isZero();
        Files.writeString(file, "{\"provider\": \"Example\", \"services\": [\"identity\", \"core\"]}");
        assertThat(harness.await(m -> m.containsKey("OCI") && !m.get("OCI").targets().isEmpty()).get("OCI").targets()).hasSize(1);
    }

    @Test
    void failuresKeepTheLastTargetsAreCountedAndThrottlingIsRespected() throws Exception {
        Files.writeString(dir.resolve("oci.pem"), pem(keys));
        Map<String, Object> block = new LinkedHashMap<>(Map.of("tenancy", TENANCY, "user", "ocid1.user.oc1..user", "fingerprint", "aa:bb:cc",
                "key_file", "oci.pem", "region", "us-ashburn-1", "compartments", List.of(COMP), "refresh_interval", "300ms"));
        URI root = URI.create(cloud.endpoint().toString().replaceAll("/$", ""));
        harness.start(new OciDiscovererFactory(new OciRegions(name -> null, dir), region -> new URI[] {root, root, root}, root.resolve("/opc/v2"),
                20_000), "oci_sd_configs", block);
        harness.await(m -> m.containsKey("OCI") && m.get("OCI").targets().size() == 1);
        cloud.fault(new FakeCloud.Answer(500, "{\"code\": \"InternalServerError\", \"message\": \"boom\"}", Map.of()));
        harness.awaitWarning(" 500 ");
        cloud.fault(FakeCloud.Answer.json("[garbage"));
        harness.awaitWarning("the answer is not JSON");
        cloud.fault(FakeCloud.Answer.json("[\"" + "x".repeat(30_000) + "\"]"));
        harness.awaitWarning("the answer is larger than 20000 bytes");
        cloud.fault(null);
        cloud.hang(true);
        harness.awaitWarning("no answer within 300 ms");
        cloud.hang(false);
        cloud.fault(new FakeCloud.Answer(429, "{\"code\": \"TooManyRequests\", \"message\": \"slow down\"}", Map.of("Retry-After", "2")));
        harness.awaitWarning("429 Too Many Requests; retry after 2000 ms");
        long asked = cloud.requests.size();
        Thread.sleep(1000);
        assertThat(cloud.requests.size()).as("no request before Retry-After").isEqualTo(asked);
        assertThat(harness.groups().get("OCI").targets()).hasSize(1);
        assertThat(harness.warnings().stream().filter(w -> w.contains(" 500 ")).count()).as("warned once per change").isEqualTo(1);
        assertThat(harness.context().metrics().value("prometheus_sd_refresh_failures_total", "oci", "oci-job")).isGreaterThanOrEqualTo(5);
        cloud.fault(null);
        instances = "[]";
        harness.await(m -> m.get("OCI").targets().isEmpty());
    }

    @Test
    void theSecretsOfTheBlockAreDeclaredSoTheConfigShowsThemMasked() {
        assertThat(new OciDiscovererFactory().secretFields()).containsExactlyInAnyOrder("key_passphrase");
    }

    @Test
    void configIsValidatedWithPrometheusRules() throws Exception {
        OciDiscovererFactory factory = new OciDiscovererFactory();
        Map<String, Object> ok = Map.of("tenancy", "t", "user", "u", "fingerprint", "f", "key_file", "k", "region", "r");
        assertThatThrownBy(() -> factory.validate(block(Map.of("tenancy", "t")))).hasMessage("prometheus.yml:3:7: oci_sd: region is required");
        Map<String, Object> noUser = new HashMap<>(ok);
        noUser.remove("user");
        assertThatThrownBy(() -> factory.validate(block(noUser))).hasMessageContaining("oci_sd: api_key auth requires user");
        Map<String, Object> both = new HashMap<>(ok);
        both.put("key_passphrase", "a");
        both.put("key_passphrase_file", "b");
        assertThatThrownBy(() -> factory.validate(block(both))).hasMessageContaining("at most one of key_passphrase and key_passphrase_file");
        factory.validate(block(Map.of("region", "r", "auth", "instance_principal")));
        assertThatThrownBy(() -> factory.validate(block(Map.of("region", "r", "auth", "instance_principal", "user", "u"))))
                .hasMessageContaining("oci_sd: instance_principal auth must not have tenancy, user, fingerprint, key_file");
        assertThatThrownBy(() -> factory.validate(block(Map.of("region", "r", "auth", "magic"))))
                .hasMessageContaining("oci_sd: unknown auth method \"magic\"");
        Map<String, Object> emptyCompartment = new HashMap<>(ok);
        emptyCompartment.put("compartments", List.of("a", ""));
        assertThatThrownBy(() -> factory.validate(block(emptyCompartment))).hasMessageContaining("oci_sd: compartments[1] must not be empty");
        // Prometheus reads no OCI CLI configuration file: no key selects one.
        for (String key : List.of("config_file", "profile")) {
            Map<String, Object> cliFile = new HashMap<>(ok);
            cliFile.put(key, "x");
            assertThatThrownBy(() -> factory.validate(block(cliFile))).hasMessageStartingWith("prometheus.yml:3:7").hasMessageContaining(key);
        }
    }

    private static PluginConfig block(Map<String, Object> values) {
        return new PluginConfig("oci_sd_configs", values, "prometheus.yml:3:7");
    }
}
