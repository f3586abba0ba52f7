package io.promethium.sigv4;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The Go SDK v2's providers of temporary credentials, written against AWS's documentation of each
 * service and the SDK's behaviour: web identity ({@code stscreds.WebIdentityRoleProvider}), a
 * profile's role ({@code stscreds.AssumeRoleProvider}), the container endpoint
 * ({@code endpointcreds}), the instance metadata service ({@code ec2rolecreds} over
 * {@code imds}, IMDSv2) and {@code credential_process} ({@code processcreds}). Each result is
 * held by {@link CredentialSources#cached} under a key of what determines it.
 */
final class TemporarySources {

    /** The addresses the SDK accepts in an {@code http} {@code AWS_CONTAINER_CREDENTIALS_FULL_URI} besides loopback: ECS and EKS. */
    private static final Set<String> CONTAINER_HOSTS = Set.of("169.254.170.2", "169.254.170.23", "fd00:ec2::23", "[fd00:ec2::23]");

    static final String IMDS_DISABLED = "access disabled to EC2 IMDS via client option, or \"AWS_EC2_METADATA_DISABLED\" environment variable";

    private TemporarySources() {
    }

    /** The region an STS call is signed for and sent to; the SDK's error when there is none. */
    private static String stsRegion(String region, String operation) throws IOException {
        if (region == null || region.isEmpty()) {
            throw new IOException("operation error STS: " + operation + ", failed to resolve service endpoint, endpoint rule error, "
                    + "Invalid Configuration: Missing Region");
        }
        return region;
    }

    /**
     * {@code AssumeRoleWithWebIdentity} with the token read from {@code tokenFile} at each fetch
     * (the projected token of EKS is rotated in place). The session name, when none is set, is
     * the time in nanoseconds, as the SDK names it.
     */
    static AwsCredentials webIdentity(CredentialSources sources, String tokenFile, String roleArn, String sessionName, String region,
                                      boolean fips, UnaryOperator<String> env) throws IOException, InterruptedException {
        if (roleArn == null || roleArn.isEmpty()) {
            throw new IOException("role ARN is not set");
        }
        String signing = stsRegion(region, "AssumeRoleWithWebIdentity");
        URI endpoint = stsEndpoint(signing, fips, env);
        String key = String.join("\0", "web-identity", tokenFile, roleArn, nullToEmpty(sessionName), signing, endpoint.toString());
        return sources.cached(key, () -> {
            String token;
            try {
                token = Files.readString(Path.of(tokenFile), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IOException("failed to retrieve jwt from provide source, unable to read file at " + tokenFile + ": "
                        + e.getMessage(), e);
            }
            String session = sessionName == null || sessionName.isEmpty() ? Long.toString(nanos(sources)) : sessionName;
            return StsAssumeRole.assumeWithWebIdentity(roleArn, session, token, signing, endpoint, sources.sts(), sources.clock());
        });
    }

    /**
     * A profile's {@code role_arn} assumed with {@code base}; session {@code aws-go-sdk-<nanos>}
     * unless {@code role_session_name} names one; {@code DurationSeconds} as the SDK sends it
     * (the profile's {@code duration_seconds} when over 15 minutes, else 900).
     */
    static AwsCredentials assumeRole(CredentialSources sources, AwsCredentials base, String roleArn, String externalId,
                                     String sessionName, int durationSeconds, String region, boolean fips, UnaryOperator<String> env)
            throws IOException, InterruptedException {
        String signing = stsRegion(region, "AssumeRole");
        URI endpoint = stsEndpoint(signing, fips, env);
        int duration = durationSeconds / 60 > 15 ? durationSeconds : 900;
        String key = String.join("\0", "assume-role", roleArn, nullToEmpty(externalId), nullToEmpty(sessionName),
                Integer.toString(duration), signing, endpoint.toString(), base.accessKeyId(),
                Integer.toHexString(base.secretAccessKey().hashCode()), Integer.toHexString(nullToEmpty(base.sessionToken()).hashCode()));
        return sources.cached(key, () -> {
            String session = sessionName == null || sessionName.isEmpty() ? "aws-go-sdk-" + nanos(sources) : sessionName;
            return new StsAssumeRole(roleArn, externalId, session, signing, endpoint, sources.sts(), sources.clock(), duration)
                    .assume(base);
        });
    }

    private static URI stsEndpoint(String region, boolean fips, UnaryOperator<String> env) throws IOException {
        try {
            return StsAssumeRole.endpoint(region, fips, env);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * The container credentials endpoint: {@code GET uri} with {@code Authorization} from
     * {@code AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE} (read at each fetch, as EKS Pod Identity
     * rotates it) else {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}; the JSON answer's
     * {@code AccessKeyId}, {@code SecretAccessKey}, {@code Token}, {@code Expiration}.
     *
     * @param full whether {@code uri} is {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}, whose host
     *     the SDK restricts for {@code http}: loopback, or the ECS or EKS address
     */
    static AwsCredentials container(CredentialSources sources, String uri, boolean full, UnaryOperator<String> env)
            throws IOException, InterruptedException {
        URI target;
        try {
            target = new URI(uri);
        } catch (URISyntaxException e) {
            throw new IOException("invalid URL, " + e.getMessage(), e);
        }
        if (full) {
            String host = target.getHost();
            if (host == null || host.isEmpty()) {
                throw new IOException("unable to parse host from local HTTP cred provider URL");
            }
            if ("http".equalsIgnoreCase(target.getScheme()) && !allowedContainerHost(host)) {
                throw new IOException("invalid endpoint host, \"" + host + "\", only loopback/ecs/eks hosts are allowed");
            }
        }
        String tokenFile = env.apply("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
        String token = env.apply("AWS_CONTAINER_AUTHORIZATION_TOKEN");
        String key = String.join("\0", "container", uri, nullToEmpty(tokenFile), Integer.toHexString(nullToEmpty(token).hashCode()));
        return sources.cached(key, () -> {
            String authorization = token;
            if (tokenFile != null && !tokenFile.isEmpty()) {
                try {
                    authorization = Files.readString(Path.of(tokenFile), StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    throw new IOException("failed to load credentials, failed to read authorization token from "
                            + "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " + tokenFile + ": " + e.getMessage(), e);
                }
            }
            if (authorization != null && (authorization.contains("\r") || authorization.contains("\n"))) {
                throw new IOException("failed to load credentials, authorization token contains invalid newline sequence");
            }
            List<String> headers = new ArrayList<>(List.of("Accept", "application/json"));
            if (authorization != null && !authorization.isEmpty()) {
                headers.add("Authorization");
                headers.add(authorization);
            }
            StsAssumeRole.Answer answer;
            try {
                answer = sources.request("GET", target, headers, CredentialSources.SERVICE_TIMEOUT);
            } catch (IOException e) {
                throw new IOException("failed to load credentials, " + e.getMessage(), e);
            }
            String text = new String(answer.body(), StandardCharsets.UTF_8);
            if (answer.status() != 200) {
                String detail = text.strip();
                try {
                    Map<String, String> error = Json.object(text);
                    detail = nullToEmpty(error.get("code")) + ": " + nullToEmpty(error.get("message"));
                } catch (IOException notJson) {
                    // the body as it came
                }
                throw new IOException("failed to load credentials, " + answer.status() + " " + detail);
            }
            return temporary(text, "Token", "failed to load credentials, ");
        });
    }

    private static boolean allowedContainerHost(String host) throws IOException {
        if (CONTAINER_HOSTS.contains(host)) {
            return true;
        }
        try {
            InetAddress[] all = InetAddress.getAllByName(host);
            for (InetAddress a : all) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return all.length > 0;
        } catch (IOException e) {
            throw new IOException("failed to resolve host \"" + host + "\", " + e.getMessage(), e);
        }
    }

    /**
     * The instance role's credentials from the instance metadata service, IMDSv2: a session
     * token ({@code PUT /latest/api/token}, {@code X-aws-ec2-metadata-token-ttl-seconds: 21600}),
     * the role's name ({@code GET /latest/meta-data/iam/security-credentials/}), its credentials
     * (the same path and the name). When the token request is answered 403, 404 or 405 the
     * requests are sent without a token (IMDSv1), unless {@code AWS_EC2_METADATA_V1_DISABLED} or
     * the profile's {@code ec2_metadata_v1_disabled} forbids it, as the SDK does. Each request
     * must be answered within {@link CredentialSources#METADATA_TIMEOUT}.
     *
     * @param profile the profile's keys ({@code ec2_metadata_service_endpoint},
     *     {@code ec2_metadata_service_endpoint_mode}, {@code ec2_metadata_v1_disabled}), or null
     */
    static AwsCredentials instanceMetadata(CredentialSources sources, UnaryOperator<String> env, Map<String, String> profile)
            throws IOException, InterruptedException {
        String prefix = "failed to refresh cached credentials, no EC2 IMDS role found, operation error ec2imds: GetMetadata, ";
        if ("true".equalsIgnoreCase(env.apply("AWS_EC2_METADATA_DISABLED"))) {
            throw new IOException(prefix + IMDS_DISABLED);
        }
        URI endpoint = metadataEndpoint(env, profile);
        String v1Disabled = env.apply("AWS_EC2_METADATA_V1_DISABLED");
        if (v1Disabled == null || v1Disabled.isEmpty()) {
            v1Disabled = profile == null ? null : profile.get("ec2_metadata_v1_disabled");
        }
        boolean v1Allowed = !"true".equalsIgnoreCase(v1Disabled);
        return sources.cached(String.join("\0", "imds", endpoint.toString(), Boolean.toString(v1Allowed)), () -> {
            String token;
            String role;
            try {
                token = metadataToken(sources, endpoint, v1Allowed);
                role = metadata(sources, endpoint, token, "latest/meta-data/iam/security-credentials/").strip().split("\n")[0].strip();
            } catch (IOException e) {
                throw new IOException(prefix + e.getMessage(), e);
            }
            if (role.isEmpty()) {
                throw new IOException("failed to refresh cached credentials, no EC2 IMDS role found");
            }
            String text;
            try {
                text = metadata(sources, endpoint, token, "latest/meta-data/iam/security-credentials/" + role);
            } catch (IOException e) {
                throw new IOException("failed to refresh cached credentials, failed to get " + role
                        + " EC2 IMDS role credentials, operation error ec2imds: GetMetadata, " + e.getMessage(), e);
            }
            Map<String, String> keys = Json.object(text);
            String code = keys.getOrDefault("Code", "Success");
            if (!"Success".equals(code)) {
                throw new IOException("failed to refresh cached credentials, failed to get " + role + " EC2 IMDS role credentials, "
                        + code + ": " + nullToEmpty(keys.get("Message")));
            }
            return temporary(text, "Token", "failed to refresh cached credentials, " + role + " EC2 IMDS role credentials: ");
        });
    }

    /**
     * The metadata service's base: {@code AWS_EC2_METADATA_SERVICE_ENDPOINT}, else the profile's
     * {@code ec2_metadata_service_endpoint}, else by the endpoint mode
     * ({@code AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE}, else the profile's
     * {@code ec2_metadata_service_endpoint_mode}): {@code IPv6} is {@code http://[fd00:ec2::254]},
     * {@code IPv4} (the default) {@code http://169.254.169.254}.
     */
    static URI metadataEndpoint(UnaryOperator<String> env, Map<String, String> profile) throws IOException {
        String endpoint = env.apply("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        if ((endpoint == null || endpoint.isEmpty()) && profile != null) {
            endpoint = profile.get("ec2_metadata_service_endpoint");
        }
        if (endpoint == null || endpoint.isEmpty()) {
            String mode = env.apply("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
            if ((mode == null || mode.isEmpty()) && profile != null) {
                mode = profile.get("ec2_metadata_service_endpoint_mode");
            }
            if (mode == null || mode.isEmpty() || mode.equalsIgnoreCase("IPv4")) {
                endpoint = "http://169.254.169.254";
            } else if (mode.equalsIgnoreCase("IPv6")) {
                endpoint = "http://[fd00:ec2::254]";
            } else {
                throw new IOException("unknown EC2 IMDS endpoint mode, must be either IPv6 or IPv4");
            }
        }
        try {
            return new URI(endpoint.endsWith("/") ? endpoint : endpoint + "/");
        } catch (URISyntaxException e) {
            throw new IOException("invalid EC2 IMDS endpoint " + endpoint + ": " + e.getMessage(), e);
        }
    }

    /** An IMDSv2 session token, or null to go on without one (IMDSv1). */
    private static String metadataToken(CredentialSources sources, URI endpoint, boolean v1Allowed)
            throws IOException, InterruptedException {
        URI uri = endpoint.resolve("latest/api/token");
        StsAssumeRole.Answer answer = sources.request("PUT", uri, List.of("X-aws-ec2-metadata-token-ttl-seconds", "21600"),
                CredentialSources.METADATA_TIMEOUT);
        if (answer.status() == 200) {
            return new String(answer.body(), StandardCharsets.UTF_8).strip();
        }
        if (v1Allowed && (answer.status() == 403 || answer.status() == 404 || answer.status() == 405)) {
            return null;
        }
        throw new IOException("PUT " + uri + ": " + answer.status() + (v1Allowed ? "" : " (IMDSv1 fallback disabled)"));
    }

    private static String metadata(CredentialSources sources, URI endpoint, String token, String path)
            throws IOException, InterruptedException {
        URI uri = endpoint.resolve(path);
        StsAssumeRole.Answer answer = sources.request("GET", uri, token == null ? List.of() : List.of("X-aws-ec2-metadata-token", token),
                CredentialSources.METADATA_TIMEOUT);
        if (answer.status() != 200) {
            throw new IOException("GET " + uri + ": " + answer.status());
        }
        return new String(answer.body(), StandardCharsets.UTF_8);
    }

    /**
     * A profile's {@code credential_process}: the command run by {@code sh -c} (the SDK's way on
     * Unix), its standard output the JSON of AWS's "Version 1" format ({@code Version: 1},
     * {@code AccessKeyId}, {@code SecretAccessKey}, optional {@code SessionToken} and
     * {@code Expiration}); without {@code Expiration} the credentials are kept for good, as the
     * SDK keeps them. Its standard error goes to this process's. Killed after
     * {@link CredentialSources#processTimeout}.
     */
    static AwsCredentials process(CredentialSources sources, String command) throws IOException, InterruptedException {
        return sources.cached(String.join("\0", "process", command), () -> {
            String prefix = "error in credential_process, ";
            Process p;
            try {
                p = new ProcessBuilder("sh", "-c", command).redirectError(ProcessBuilder.Redirect.INHERIT)
                        .redirectInput(ProcessBuilder.Redirect.INHERIT).start();
            } catch (IOException e) {
                throw new IOException(prefix + "failed to run command: " + e.getMessage(), e);
            }
            // The output is read while the process runs (a full pipe would block it); the wait is bounded.
            byte[][] out = {new byte[0]};
            Thread reader = Thread.ofVirtual().start(() -> {
                try (InputStream in = p.getInputStream()) {
                    out[0] = in.readNBytes(1 << 20);
                } catch (IOException ignored) {
                    // the process was killed; the timeout says so
                }
            });
            if (!p.waitFor(sources.processTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
                p.destroyForcibly();
                reader.join(1000);
                throw new IOException(prefix + "credential process timed out after " + sources.processTimeout().toMillis() + " ms");
            }
            reader.join(sources.processTimeout().toMillis());
            if (p.exitValue() != 0) {
                throw new IOException(prefix + "exit status " + p.exitValue());
            }
            String text = new String(out[0], StandardCharsets.UTF_8);
            Map<String, String> json;
            try {
                json = Json.object(text.strip());
            } catch (IOException e) {
                throw new IOException(prefix + "parse failed of process output: " + e.getMessage(), e);
            }
            if (!"1".equals(json.get("Version"))) {
                throw new IOException(prefix + "wrong version in process output (not 1)");
            }
            return temporary(text.strip(), "SessionToken", prefix);
        });
    }

    /** The credentials of a JSON answer; {@code tokenField} names its session token. */
    private static StsAssumeRole.Temporary temporary(String text, String tokenField, String prefix) throws IOException {
        Map<String, String> json;
        try {
            json = Json.object(text);
        } catch (IOException e) {
            throw new IOException(prefix + e.getMessage(), e);
        }
        String id = json.get("AccessKeyId");
        String secret = json.get("SecretAccessKey");
        if (id == null || id.isEmpty()) {
            throw new IOException(prefix + "missing AccessKeyId in the answer");
        }
        if (secret == null || secret.isEmpty()) {
            throw new IOException(prefix + "missing SecretAccessKey in the answer");
        }
        Instant expiration = Instant.MAX;
        String at = json.get("Expiration");
        if (at != null && !at.isEmpty()) {
            try {
                expiration = Instant.parse(at);
            } catch (DateTimeParseException e) {
                throw new IOException(prefix + "bad Expiration " + at, e);
            }
        }
        return new StsAssumeRole.Temporary(new AwsCredentials(id, secret, json.get(tokenField)), expiration);
    }

    private static long nanos(CredentialSources sources) {
        Instant now = sources.clock().instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
