package io.promethium.discovery.aws.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.promethium.sigv4.AwsCredentials;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.w3c.dom.Element;

/**
 * What an {@code aws_sd_configs} role ({@code ecs}, {@code elasticache}, {@code msk}, {@code rds})
 * calls its service with: the client, and the region, endpoint and credentials provider found at
 * the start of the first refresh (finding the region may ask the instance metadata service) and
 * kept until the role {@linkplain #forget() forgets} them on an authentication error, as
 * Prometheus builds its client anew. Only the refresh thread uses it.
 */
final class AwsRoleSession {

    private final AwsClient client;
    private final RoleSdConfig config;
    private final String defaultEndpoint;
    private final UnaryOperator<String> env;
    private final Path home;
    private final Clock clock;
    private String region;
    private URI endpoint;
    private AwsCredentialsProvider credentials;
    // Set by an authentication error: the rest of this refresh goes on with the provider it has
    // (another cluster's call must not find none), the next refresh finds a new one.
    private boolean stale;

    /**
     * @param defaultEndpoint the service's endpoint when none is configured, {@code %s} standing
     *                        for the region
     */
    AwsRoleSession(AwsClient client, RoleSdConfig config, String defaultEndpoint, UnaryOperator<String> env, Path home, Clock clock) {
        this.client = Objects.requireNonNull(client, "client is null");
        this.config = Objects.requireNonNull(config, "config is null");
        this.defaultEndpoint = Objects.requireNonNull(defaultEndpoint, "defaultEndpoint is null");
        this.env = Objects.requireNonNull(env, "env is null");
        this.home = Objects.requireNonNull(home, "home is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
    }

    /** Finds the region, endpoint and credentials provider unless they are known. */
    void resolve() throws IOException, InterruptedException {
        if (credentials == null || stale) {
            stale = false;
            AwsCredentialsProvider provider = AwsCredentialsProvider.forRegion(client, config.region(), config.accessKey(),
                    config.secretKey(), config.profile(), config.roleArn(), config.externalId(), env, home, clock);
            region = provider.region();
            endpoint = URI.create(config.endpoint().isEmpty() ? defaultEndpoint.formatted(region) : config.endpoint());
            credentials = provider;
        }
    }

    /** Marks the credentials provider stale: the next refresh finds region, endpoint and credentials again. */
    void forget() {
        stale = true;
    }

    String region() {
        return region;
    }

    AwsClient client() {
        return client;
    }

    AwsCredentials credentials() throws IOException, InterruptedException {
        return credentials.credentials();
    }

    /**
     * A Query API call of {@code action} to the session's endpoint ({@code Action} and
     * {@code Version} first, then {@code params}): the answer, or an error whose message is led by
     * {@code what}; a 401 or 403 forgets the credentials.
     */
    Element query(String service, String action, String version, List<Map.Entry<String, String>> params, String what)
            throws IOException, InterruptedException {
        List<Map.Entry<String, String>> all = new ArrayList<>();
        all.add(Map.entry("Action", action));
        all.add(Map.entry("Version", version));
        all.addAll(params);
        try {
            return client.query(endpoint, region, service, all, credentials());
        } catch (AwsClient.AwsException e) {
            if (e.status == 401 || e.status == 403) {
                forget();
            }
            throw new IOException(what + e.getMessage(), e);
        } catch (IOException e) {
            throw new IOException(what + e.getMessage(), e);
        }
    }

    /** A JSON protocol call ({@code X-Amz-Target}) to the session's endpoint. */
    JsonNode json(String service, String target, byte[] body) throws IOException, InterruptedException {
        return client.json(endpoint, region, service, target, body, credentials());
    }

    /** A REST-JSON {@code GET} of a path of the session's endpoint. */
    JsonNode restJson(String service, String rawPath, List<Map.Entry<String, String>> query) throws IOException, InterruptedException {
        return client.restJson(endpoint, region, service, rawPath, query, credentials());
    }
}
