package io.promethium.discovery.oci.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.testing.DiscoveryHarness;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testsupport.FakeCloud;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code auth: instance_principal} against {@link FakeCloud} as a loopback stand-in of three OCI
 * services at once, shaped as OCI's Go SDK (the reference: Prometheus uses it) talks to them: the
 * instance metadata service ({@code /opc/v2/instance/region} and {@code /opc/v2/identity/cert.pem},
 * {@code key.pem}, {@code intermediate.pem}, refusing a request without
 * {@code Authorization: Bearer Oracle}), the Auth service's X.509 federation endpoint
 * ({@code POST /v1/x509}: it checks the body's leaf and intermediate certificates, the
 * {@code x-content-sha256} and {@code content-length}, keyId
 * {@code <tenancy>/fed-x509-sha256/<leaf fingerprint>}, and the RSA signature with the leaf
 * certificate's public key, then issues a JWT security token bound to the body's session public
 * key) and the Identity and Core APIs (which verify every request's signature with that session
 * key and keyId {@code ST$<token>}, refusing others with 401 {@code NotAuthenticated}). The leaf
 * (its subject naming the tenancy as {@code OU=opc-tenant:<ocid>}, as OCI's are) and intermediate
 * certificates are made with the JDK's keytool.
 */
class OciInstancePrincipalTest {

    private static final String TENANCY = "ocid1.tenancy.oc1..instancetenancy";
    private static final String COMP = "ocid1.compartment.oc1..ipcomp";
    private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final String FEDERATION_HEADERS = "x-date (request-target) content-length content-type x-content-sha256";
    private static KeyStore.PrivateKeyEntry leaf;
    private static KeyStore.PrivateKeyEntry intermediate;
    private static KeyStore.PrivateKeyEntry stranger;

    @TempDir
    Path dir;
    private FakeCloud cloud;
    private DiscoveryHarness harness;
    /** Issued tokens and the session keys they were issued for. */
    private final Map<String, PublicKey> tokens = new ConcurrentHashMap<>();
    private final List<OciRegions.Region> regionsAsked = new CopyOnWriteArrayList<>();
    private volatile String instanceRegion = "us-ashburn-1";
    private volatile String configuredRegion = "eu-frankfurt-1";
    private volatile boolean regionInfoMissing;
    private volatile long tokenLifetimeSeconds = 3600;
    private volatile String keyPem;

    @BeforeAll
    static void certificates(@TempDir Path keys) throws Exception {
        leaf = keytool(keys, "leaf", "CN=ocid1.instance.oc1.iad.inst, OU=opc-certtype:instance, OU=opc-compartment:" + COMP
                + ", OU=opc-tenant:" + TENANCY);
        intermediate = keytool(keys, "intermediate", "CN=PKISVC Identity Intermediate r2, OU=Oracle BMCS");
        stranger = keytool(keys, "stranger", "CN=someone else, OU=opc-tenant:" + TENANCY);
    }

    private static KeyStore.PrivateKeyEntry keytool(Path dir, String alias, String dname) throws Exception {
        Path store = dir.resolve(alias + ".p12");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", alias, "-keyalg", "RSA", "-keysize", "2048", "-dname", dname, "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keyStore.load(in, "changeit".toCharArray());
        }
        return (KeyStore.PrivateKeyEntry) keyStore.getEntry(alias, new KeyStore.PasswordProtection("changeit".toCharArray()));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + type
                + "-----\n";
    }

    private static byte[] der(KeyStore.PrivateKeyEntry entry) {
        try {
            return entry.getCertificate().getEncoded();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, String> params(String authorization) {
        Map<String, String> params = new HashMap<>();
        Matcher m = PARAM.matcher(authorization == null ? "" : authorization);
        while (m.find()) {
            params.put(m.group(1), m.group(2));
        }
        return params;
    }

    private static boolean verifies(PublicKey key, String signingString, String signature) {
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(key);
            verifier.update(signingString.getBytes(StandardCharsets.UTF_8));
            return verifier.verify(Base64.getDecoder().decode(signature));
        } catch (Exception e) {
            return false;
        }
    }

    private static String fingerprint(byte[] der) throws Exception {
        StringBuilder hex = new StringBuilder();
        for (byte b : MessageDigest.getInstance("SHA-256").digest(der)) {
            hex.append(hex.isEmpty() ? "" : ":").append(String.format("%02x", b));
        }
        return hex.toString();
    }

    /** The federation endpoint's checks: keyId, signed headers, body hash and length, leaf signature, certificates. */
    private static boolean federationSigned(FakeCloud.Request r) {
        try {
            Map<String, String> p = params(r.authorization());
            byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
            String hash = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(body));
            JsonNode details = OciDiscoverer.JSON.readTree(body);
            return r.authorization().startsWith("Signature version=\"1\",")
                    && (TENANCY + "/fed-x509-sha256/" + fingerprint(der(leaf))).equals(p.get("keyId"))
                    && "rsa-sha256".equals(p.get("algorithm")) && FEDERATION_HEADERS.equals(p.get("headers"))
                    && hash.equals(r.header("x-content-sha256")) && String.valueOf(body.length).equals(r.header("content-length"))
                    && verifies(leaf.getCertificate().getPublicKey(), "x-date: " + r.header("x-date") + "\n(request-target): post "
                            + r.uri().getRawPath() + "\ncontent-length: " + r.header("content-length") + "\ncontent-type: "
                            + r.header("content-type") + "\nx-content-sha256: " + r.header("x-content-sha256"), p.get("signature"))
                    && Base64.getEncoder().encodeToString(der(leaf)).equals(details.path("certificate").asText())
                    && Base64.getEncoder().encodeToString(der(intermediate)).equals(details.path("intermediateCertificates").path(0).asText())
                    && "SHA256".equals(details.path("fingerprintAlgorithm").asText());
        } catch (Exception e) {
            return false;
        }
    }

    /** The Identity and Core APIs' check: keyId {@code ST$<an issued token>}, signed by that token's session key. */
    private boolean sessionSigned(FakeCloud.Request r) {
        Map<String, String> p = params(r.authorization());
        String keyId = p.getOrDefault("keyId", "");
        PublicKey session = keyId.startsWith("ST$") ? tokens.get(keyId.substring(3)) : null;
        String target = r.uri().getRawPath() + (r.uri().getRawQuery() == null ? "" : "?" + r.uri().getRawQuery());
        return session != null && "x-date (request-target) host".equals(p.get("headers")) && verifies(session, "x-date: " + r.header("x-date")
                + "\n(request-target): " + r.method().toLowerCase() + " " + target + "\nhost: " + r.header("Host"), p.get("signature"));
    }

    @BeforeEach
    void startCloud() throws Exception {
        keyPem = pem("PRIVATE KEY", leaf.getPrivateKey().getEncoded());
        cloud = new FakeCloud();
        cloud.authorize(r -> r.uri().getPath().startsWith("/opc/v2/") ? "Bearer Oracle".equals(r.authorization())
                        : r.uri().getPath().equals("/v1/x509") ? federationSigned(r) : sessionSigned(r),
                new FakeCloud.Answer(401, "{\"code\": \"NotAuthenticated\", \"message\": \"The required information to complete "
                        + "authentication was not provided or was incorrect.\"}", Map.of()));
        cloud.route("/opc/v2/instance/region", r -> new FakeCloud.Answer(200, instanceRegion, Map.of()));
        // Shaped as the SDK's own example of the answer.
        cloud.route("/opc/v2/instance/regionInfo", r -> regionInfoMissing ? new FakeCloud.Answer(404, "{\"code\": \"NotFound\"}", Map.of())
                : FakeCloud.Answer.json("{\"realmKey\" : \"oc99\", \"realmDomainComponent\" : \"example-realm.com\", \"regionKey\" : "
                + "\"XYZ\", \"regionIdentifier\" : \"xx-newregion-1\"}"));
        cloud.route("/opc/v2/identity/cert.pem", r -> new FakeCloud.Answer(200, pem("CERTIFICATE", der(leaf)), Map.of()));
        cloud.route("/opc/v2/identity/key.pem", r -> new FakeCloud.Answer(200, keyPem, Map.of()));
        cloud.route("/opc/v2/identity/intermediate.pem", r -> new FakeCloud.Answer(200, pem("CERTIFICATE", der(intermediate)), Map.of()));
        cloud.route("/v1/x509", r -> {
            try {
                PublicKey session = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(
                        Base64.getDecoder().decode(OciDiscoverer.JSON.readTree(r.body()).path("publicKey").asText())));
                Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
                String token = url.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                        + url.encodeToString(("{\"sub\":\"ocid1.instance.oc1.iad.inst\",\"jti\":\"" + tokens.size() + "\",\"exp\":"
                        + (System.currentTimeMillis() / 1000 + tokenLifetimeSeconds) + "}").getBytes(StandardCharsets.UTF_8)) + ".c2ln";
                tokens.put(token, session);
                return FakeCloud.Answer.json("{\"token\": \"" + token + "\"}");
            } catch (Exception e) {
                return new FakeCloud.Answer(400, "{\"code\": \"InvalidParameter\", \"message\": \"" + e + "\"}", Map.of());
            }
        });
        cloud.route("/20160918/compartments", r -> FakeCloud.Answer.json(TENANCY.equals(FakeCloud.query(r, "compartmentId"))
                ? "[{\"id\": \"" + COMP + "\", \"lifecycleState\": \"ACTIVE\"}]" : "[]"));
        cloud.route("/20160918/instances", r -> FakeCloud.Answer.json(COMP.equals(FakeCloud.query(r, "compartmentId"))
                ? "[{\"id\": \"ocid1.instance.oc1.iad.inst\", \"compartmentId\": \"" + COMP + "\", \"displayName\": \"self\"}]" : "[]"));
        cloud.route("/20160918/vnicAttachments", r -> FakeCloud.Answer.json(
                "[{\"vnicId\": \"ocid1.vnic.oc1..v1\", \"lifecycleState\": \"ATTACHED\"}]"));
        cloud.route("/20160918/vnics/ocid1.vnic.oc1..v1", r -> FakeCloud.Answer.json(
                "{\"id\": \"ocid1.vnic.oc1..v1\", \"isPrimary\": true, \"privateIp\": \"10.0.0.7\"}"));
        harness = new DiscoveryHarness(dir, "oci-job", new HttpConfigClientFactory());
    }

    @AfterEach
    void stop() {
        harness.close();
        cloud.close();
    }

    private void start() throws Exception {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("auth", "instance_principal");
        block.put("region", configuredRegion);
        block.put("port", 9100);
        block.put("refresh_interval", "300ms");
        URI root = URI.create(cloud.endpoint().toString().replaceAll("/$", ""));
        harness.start(new OciDiscovererFactory(new OciRegions(name -> null, dir), region -> {
            regionsAsked.add(region);
            return new URI[] {root, root, root};
        }, URI.create(root + "/opc/v2"), OciDiscovererFactory.BODY_LIMIT), "oci_sd_configs", block);
    }

    private static void awaitAtLeast(LongSupplier count, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (count.getAsLong() < expected) {
            assertThat(System.nanoTime()).as("waiting for a count of %d, now %d", expected, count.getAsLong()).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private long federations() {
        return cloud.requests.stream().filter(r -> r.uri().getPath().equals("/v1/x509")).count();
    }

    @Test
    void theInstanceCertificateIsFederatedForATokenThatSignsTheApiRequestsOfTheInstancesRegion() throws Exception {
        start();
        TargetGroup g = harness.await(m -> m.containsKey("OCI") && !m.get("OCI").targets().isEmpty()).get("OCI");
        assertThat(g.targets()).hasSize(1);
        assertThat(g.targets().get(0).get("__address__")).isEqualTo("10.0.0.7:9100");
        // The tenancy is the leaf certificate's opc-tenant; the compartment walk starts there.
        assertThat(g.targets().get(0).get("__meta_oci_tenancy_id")).isEqualTo(TENANCY);
        // The API roots are those of the region the metadata service names, not the configured one (as the SDK's provider).
        assertThat(regionsAsked).isNotEmpty().allMatch(new OciRegions.Region("us-ashburn-1", "oraclecloud.com")::equals);
        // Prometheus requires region and ignores it here: a different one is warned of, naming both, once.
        harness.awaitWarning("configured region \"eu-frankfurt-1\" differs from the instance's region \"us-ashburn-1\"");
        long refreshes = cloud.count("/20160918/instances");
        awaitAtLeast(() -> cloud.count("/20160918/instances"), refreshes + 2);
        // A token valid for an hour is kept across refreshes.
        assertThat(federations()).isEqualTo(1);
        assertThat(tokens).hasSize(1);
        assertThat(harness.warnings()).filteredOn(w -> w.contains("differs")).hasSize(1);
        // A known region needs no region info.
        assertThat(cloud.count("/opc/v2/instance/regionInfo")).isZero();
    }

    @Test
    void aRegionInNoTableIsLookedUpInTheMetadataServicesRegionInfo() throws Exception {
        instanceRegion = "xyz";
        configuredRegion = "xx-newregion-1";
        start();
        harness.await(m -> m.containsKey("OCI") && !m.get("OCI").targets().isEmpty());
        // The key names the region info's region, in its realm's domain; the configured identifier is the same region.
        assertThat(regionsAsked).isNotEmpty().allMatch(new OciRegions.Region("xx-newregion-1", "example-realm.com")::equals);
        assertThat(cloud.count("/opc/v2/instance/regionInfo")).isEqualTo(1);
        assertThat(harness.warnings()).noneMatch(w -> w.contains("differs"));
    }

    @Test
    void regionInfoThatCannotBeReadIsWarnedOfAndTheUnknownRegionRuleApplies() throws Exception {
        instanceRegion = "xyz";
        configuredRegion = "xyz";
        regionInfoMissing = true;
        start();
        harness.await(m -> m.containsKey("OCI") && !m.get("OCI").targets().isEmpty());
        harness.awaitWarning("the instance's region info could not be read", "404");
        assertThat(regionsAsked).isNotEmpty().allMatch(new OciRegions.Region("xyz", "oraclecloud.com")::equals);
        assertThat(cloud.count("/opc/v2/instance/regionInfo")).isEqualTo(1);
    }

    @Test
    void aTokenAboutToExpireIsRenewedWithANewSessionKey() throws Exception {
        // Within the SDK's five-minute margin from the start: every refresh federates again.
        tokenLifetimeSeconds = 5 * 60;
        start();
        harness.await(m -> m.containsKey("OCI") && !m.get("OCI").targets().isEmpty());
        awaitAtLeast(this::federations, 3);
        List<PublicKey> sessions = new ArrayList<>(tokens.values());
        assertThat(sessions.stream().distinct().count()).isEqualTo(sessions.size());
        // Each renewal fetched the leaf certificate and key again.
        assertThat(cloud.count("/opc/v2/identity/key.pem")).isGreaterThanOrEqualTo(3);
        // The region is read once.
        assertThat(cloud.count("/opc/v2/instance/region")).isEqualTo(1);
    }

    @Test
    void aFederationCallSignedWithAnotherKeyIsRefusedAndFailsTheRefresh() throws Exception {
        keyPem = pem("PRIVATE KEY", stranger.getPrivateKey().getEncoded());
        start();
        harness.awaitWarning("federating the instance's certificate for a security token");
        harness.awaitWarning("401 {\"code\": \"NotAuthenticated\"");
        assertThat(cloud.count("/20160918/compartments")).isZero();
        assertThat(tokens).isEmpty();
    }

    @Test
    void theTokensExpiryAndTheCertificatesTenancyAndFingerprintAreReadAsTheSdkReadsThem() throws Exception {
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        String token = url.encodeToString("{}".getBytes(StandardCharsets.UTF_8)) + "." + url.encodeToString("{\"exp\":1700000000}"
                .getBytes(StandardCharsets.UTF_8)) + ".x";
        assertThat(OciInstancePrincipal.expiry(token).getEpochSecond()).isEqualTo(1700000000L);
        X509Certificate certificate = (X509Certificate) leaf.getCertificate();
        assertThat(OciInstancePrincipal.tenancyOf(certificate)).isEqualTo(TENANCY);
        assertThat(OciInstancePrincipal.fingerprint(certificate)).isEqualTo(fingerprint(der(leaf))).matches("([0-9a-f]{2}:){31}[0-9a-f]{2}");
    }
}
