package io.promethium.discovery.oci.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promethium.api.discovery.JsonHttpFetch;
import io.promethium.api.http.ConfiguredHttpClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.function.Function;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;

/**
 * {@code auth: instance_principal}, as OCI's Go SDK's {@code InstancePrincipalConfigurationProvider}
 * (which Prometheus uses) does it: the instance metadata service ({@code /opc/v2}, every request
 * with {@code Authorization: Bearer Oracle}) gives the region ({@code /instance/region}, whose API
 * roots are then called: the configured {@code region} is not used, as in Prometheus, and a
 * different one is warned of once; a name no other source knows is looked up in
 * {@code /instance/regionInfo}, see {@link OciRegions}) and the
 * instance's leaf certificate, its RSA key and the intermediate certificate
 * ({@code /identity/cert.pem}, {@code key.pem}, {@code intermediate.pem}); the tenancy is the
 * leaf's {@code opc-tenant:} subject attribute. A fresh 2048-bit session key pair's public key is
 * federated for a security token ({@code POST https://auth.<region>.<domain>/v1/x509}, body
 * {@code certificate}, {@code publicKey}, {@code intermediateCertificates},
 * {@code fingerprintAlgorithm: SHA256}, signed with the leaf key, keyId
 * {@code <tenancy>/fed-x509-sha256/<leaf SHA-256 fingerprint>}, over {@code x-date},
 * {@code (request-target)}, {@code content-length}, {@code content-type} and
 * {@code x-content-sha256}); API requests are then signed with the session key, keyId
 * {@code ST$<token>}. The token (a JWT) is renewed, with a new session key and the metadata
 * fetched again, once it expires within five minutes (the SDK's margin). Unlike the SDK, nothing
 * is retried within a refresh (a failure fails the refresh, the next one starts again), and the
 * {@code OCI_METADATA_BASE_URL} and {@code OCI_SDK_AUTH_CLIENT_REGION_URL} variables are not read.
 * Requests go through the job's HTTP client ({@code http_client_config}), as in Prometheus.
 */
final class OciInstancePrincipal implements OciAuth {

    /** The instance metadata service's v2 root on every OCI instance. */
    static final URI METADATA = URI.create("http://169.254.169.254/opc/v2");
    /** The SDK's margin: a token expiring within it is renewed. */
    static final Duration EXPIRY_MARGIN = Duration.ofMinutes(5);
    private static final Pattern TENANT = Pattern.compile("opc-tenant:([^,+\"\\\\;<>]+)");
    private static final String HINT = " (instance principals work on OCI compute instances only, with a policy letting the instance's "
            + "dynamic group read the compartments and instances)";

    private final ConfiguredHttpClient http;
    private final URI metadata;
    private final OciRegions regions;
    private final Function<OciRegions.Region, URI[]> roots;
    private final String configuredRegion;
    private final Duration timeout;
    private final long bodyLimit;
    private final Clock clock;
    private final Logger log;
    private OciRegions.Region region;
    private String regionInfo;
    private boolean regionInfoFailed;
    private String tenancy;
    private Credentials credentials;
    private Instant expires = Instant.MIN;

    /**
     * @param metadata         the metadata service's root ({@link #METADATA}; tests give a loopback stand-in's)
     * @param regions          resolves the metadata service's region name
     * @param roots            a region's identity, iaas and auth API roots
     * @param configuredRegion the configured {@code region}, which is not called: a different one is warned of
     */
    OciInstancePrincipal(ConfiguredHttpClient http, URI metadata, OciRegions regions, Function<OciRegions.Region, URI[]> roots,
                         String configuredRegion, Duration timeout, long bodyLimit, Clock clock, Logger log) {
        this.http = Objects.requireNonNull(http, "http is null");
        this.metadata = Objects.requireNonNull(metadata, "metadata is null");
        this.regions = Objects.requireNonNull(regions, "regions is null");
        this.roots = Objects.requireNonNull(roots, "roots is null");
        this.configuredRegion = Objects.requireNonNull(configuredRegion, "configuredRegion is null");
        this.log = Objects.requireNonNull(log, "log is null");
        this.timeout = Objects.requireNonNull(timeout, "timeout is null");
        this.bodyLimit = bodyLimit;
        this.clock = Objects.requireNonNull(clock, "clock is null");
    }

    @Override
    public OciRegions.Region region() throws IOException, InterruptedException {
        if (region == null) {
            String answer = metadata("/instance/region").strip();
            if (answer.isEmpty() || answer.chars().anyMatch(Character::isWhitespace)) {
                throw new IOException("the instance metadata service's region is not a region name: \"" + answer + "\"");
            }
            OciRegions.Region resolved = regions.resolve(answer, this::regionInfo);
            // Prometheus requires region but calls the instance's: say so once when they differ. The configured name is resolved
            // the same way (so that a key matches its identifier); where that fails it is compared as written.
            String configured;
            try {
                configured = regions.resolve(configuredRegion, this::regionInfo).name();
            } catch (IOException e) {
                configured = configuredRegion;
            }
            if (!configured.equals(resolved.name())) {
                log.warning("OCI SD: the configured region \"" + configuredRegion + "\" differs from the instance's region \""
                        + resolved.name() + "\" (the instance metadata service's); with auth: instance_principal the instance's region's "
                        + "APIs are called, as in Prometheus");
            }
            region = resolved;
        }
        return region;
    }

    /**
     * The metadata service's {@code /instance/regionInfo}, read at most once (consulted, as the SDK's lookup, only for a
     * region name neither the SDK's table nor the other sources know); {@code null}, with a warning, when it does not answer.
     */
    private String regionInfo() throws InterruptedException {
        if (regionInfo == null && !regionInfoFailed) {
            try {
                regionInfo = metadata("/instance/regionInfo");
            } catch (IOException e) {
                // Asked once: region() completes on this call, so a second name resolved now is not worth a second request.
                regionInfoFailed = true;
                log.warning("OCI SD: a region is in no region table, and the instance's region info could not be read: " + e.getMessage());
            }
        }
        return regionInfo;
    }

    @Override
    public String tenancy() throws IOException, InterruptedException {
        if (tenancy == null) {
            credentials();
        }
        return tenancy;
    }

    @Override
    public Credentials credentials() throws IOException, InterruptedException {
        if (credentials == null || !clock.instant().plus(EXPIRY_MARGIN).isBefore(expires)) {
            renew();
        }
        return credentials;
    }

    private void renew() throws IOException, InterruptedException {
        URI auth = roots.apply(region())[2];
        KeyPair session;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            session = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IOException("making an RSA session key: " + e.getMessage(), e);
        }
        String leafPem = metadata("/identity/cert.pem");
        X509Certificate leaf = certificate(leafPem, "/identity/cert.pem");
        PrivateKey leafKey;
        try {
            leafKey = OciKeys.privateKey(metadata("/identity/key.pem"), null);
        } catch (IOException e) {
            throw new IOException("the instance metadata service's /identity/key.pem: " + e.getMessage(), e);
        }
        String leafTenancy = tenancyOf(leaf);
        if (tenancy != null && !tenancy.equals(leafTenancy)) {
            throw new IOException("unexpected update of tenancy OCID in the leaf certificate. Previous tenancy: " + tenancy
                    + ", Updated: " + leafTenancy);
        }
        String intermediatePem = metadata("/identity/intermediate.pem");
        certificate(intermediatePem, "/identity/intermediate.pem");

        ObjectNode details = OciDiscoverer.JSON.createObjectNode();
        details.put("certificate", sanitize(leafPem));
        details.put("publicKey", Base64.getEncoder().encodeToString(session.getPublic().getEncoded()));
        details.putArray("intermediateCertificates").add(sanitize(intermediatePem));
        details.put("fingerprintAlgorithm", "SHA256");
        byte[] body = OciDiscoverer.JSON.writeValueAsBytes(details);
        URI uri = URI.create(auth.toString().replaceAll("/+$", "") + "/v1/x509");
        String date = OciDiscoverer.HTTP_DATE.format(clock.instant());
        String hash;
        try {
            hash = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (GeneralSecurityException e) {
            throw new IOException(e.getMessage(), e);
        }
        String keyId = leafTenancy + "/fed-x509-sha256/" + fingerprint(leaf);
        String signingString = "x-date: " + date + "\n(request-target): post " + uri.getRawPath() + "\ncontent-length: " + body.length
                + "\ncontent-type: application/json\nx-content-sha256: " + hash;
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", JsonHttpFetch.USER_AGENT)
                .header("Accept", "application/json").header("Content-Type", "application/json").header("x-date", date)
                .header("x-content-sha256", hash)
                .header("Authorization", OciDiscoverer.authorization(keyId, leafKey,
                        "x-date (request-target) content-length content-type x-content-sha256", signingString))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        Answer answer = send(request, "POST \"" + uri + "\"");
        if (answer.status() / 100 != 2) {
            throw new IOException("federating the instance's certificate for a security token: POST \"" + uri + "\": " + answer.status() + " "
                    + abbreviate(answer.text()));
        }
        String token;
        Instant exp;
        try {
            token = OciDiscoverer.JSON.readTree(answer.text()).path("token").asText("");
            exp = expiry(token);
        } catch (IOException e) {
            throw new IOException("POST \"" + uri + "\": the answer holds no security token that can be read: " + e.getMessage(), e);
        }
        tenancy = leafTenancy;
        credentials = new Credentials("ST$" + token, session.getPrivate());
        expires = exp;
    }

    /** The JWT's {@code exp}. */
    static Instant expiry(String token) throws IOException {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new IOException("the token is no JWT (three dot-separated parts)");
        }
        JsonNode payload;
        try {
            payload = OciDiscoverer.JSON.readTree(Base64.getUrlDecoder().decode(parts[1].replace("=", "")));
        } catch (IllegalArgumentException e) {
            throw new IOException("the token's payload is not base64url: " + e.getMessage(), e);
        }
        JsonNode exp = payload == null ? null : payload.get("exp");
        if (exp == null || !exp.isNumber()) {
            throw new IOException("the token's payload has no numeric exp");
        }
        return Instant.ofEpochSecond(exp.asLong());
    }

    /** The tenancy OCID in the leaf certificate's subject ({@code OU=opc-tenant:<ocid>}), as the SDK reads it. */
    static String tenancyOf(X509Certificate leaf) throws IOException {
        Matcher m = TENANT.matcher(leaf.getSubjectX500Principal().getName(X500Principal.RFC2253));
        if (!m.find()) {
            throw new IOException("the instance's leaf certificate names no tenancy (no opc-tenant: attribute in "
                    + leaf.getSubjectX500Principal().getName() + ")");
        }
        return m.group(1);
    }

    /** The certificate's SHA-256 fingerprint as the SDK writes it: lower-case hex bytes joined by {@code :}. */
    static String fingerprint(X509Certificate certificate) throws IOException {
        try {
            return HexFormat.ofDelimiter(":").formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** A PEM block's base64, as the SDK puts it in the request: the armour lines and newlines removed. */
    private static String sanitize(String pem) {
        return pem.replace("-----BEGIN CERTIFICATE-----", "").replace("-----END CERTIFICATE-----", "")
                .replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "").replace("\n", "");
    }

    private static X509Certificate certificate(String pem, String path) throws IOException {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException | ClassCastException e) {
            throw new IOException("the instance metadata service's " + path + " is no X.509 certificate in PEM: " + e.getMessage(), e);
        }
    }

    private String metadata(String path) throws IOException, InterruptedException {
        URI uri = URI.create(metadata.toString().replaceAll("/+$", "") + path);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Authorization", "Bearer Oracle").GET().build();
        Answer answer = send(request, "GET \"" + uri + "\"");
        if (answer.status() != 200) {
            throw new IOException("GET \"" + uri + "\": " + answer.status() + " " + abbreviate(answer.text()) + HINT);
        }
        return answer.text();
    }

    private record Answer(int status, String text) {
    }

    private Answer send(HttpRequest request, String what) throws IOException, InterruptedException {
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new IOException(what + ": no answer within " + timeout.toMillis() + " ms" + HINT, e);
        } catch (IOException e) {
            throw new IOException(what + ": " + e.getMessage() + HINT, e);
        }
        byte[] bytes;
        try (InputStream in = response.body()) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, bodyLimit + 1));
        }
        if (bytes.length > bodyLimit) {
            throw new IOException(what + ": the answer is larger than " + bodyLimit + " bytes");
        }
        return new Answer(response.statusCode(), new String(bytes, StandardCharsets.UTF_8));
    }

    private static String abbreviate(String text) {
        return text.length() > 512 ? text.substring(0, 512) : text;
    }
}
