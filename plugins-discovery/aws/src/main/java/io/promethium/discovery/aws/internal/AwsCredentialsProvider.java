package io.promethium.discovery.aws.internal;

import io.promethium.sigv4.AwsCredentials;
import io.promethium.sigv4.CredentialSources;
import io.promethium.sigv4.CredentialsChain;
import io.promethium.sigv4.StsAssumeRole;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Credentials as the AWS SDK that Prometheus uses finds them: the library tier's
 * {@link CredentialsChain} (the config's keys, the config's profile, the environment's keys, web
 * identity, the shared files' profile with its role, {@code credential_process}, the container
 * endpoint, the instance metadata service with IMDSv2), its requests sent through this job's
 * transport ({@code http_config}'s proxy and TLS, as Prometheus gives its HTTP client to the
 * SDK), its temporary credentials held by the job's {@link CredentialSources}. With
 * {@code role_arn} those are the base credentials for STS {@code AssumeRole} (the library
 * tier's {@link StsAssumeRole}, with {@code external_id}; the STS endpoint from
 * {@code AWS_ENDPOINT_URL_STS}, else the region's). The region, when neither the config nor the
 * environment gives one, is the instance's from the metadata service, as Prometheus asks it.
 * The assumed role's keys are reused until a minute before they expire. Only the refresh thread
 * calls {@link #credentials()}.
 */
final class AwsCredentialsProvider {

    private final AwsClient client;
    private final CredentialsChain chain;
    private final UnaryOperator<String> env;
    private final String roleArn;
    private final String externalId;
    private final String region;
    private final Clock clock;
    private AwsCredentials cached;
    private Instant expiry = Instant.MIN;

    AwsCredentialsProvider(AwsClient client, String accessKey, String secretKey, String profile, String roleArn, String externalId,
                           String region, UnaryOperator<String> env, Path home, Clock clock) {
        this.client = Objects.requireNonNull(client, "client is null");
        this.chain = new CredentialsChain(accessKey, secretKey, profile, env, home, new CredentialSources(client.transport(), clock));
        this.env = env;
        this.roleArn = roleArn;
        this.externalId = externalId;
        this.region = region;
        this.clock = clock;
    }

    /**
     * A provider for the configured region, else the environment's ({@code AWS_REGION},
     * {@code AWS_DEFAULT_REGION}), else the instance's from the metadata service.
     */
    static AwsCredentialsProvider forRegion(AwsClient client, String configured, String accessKey, String secretKey, String profile,
                                            String roleArn, String externalId, UnaryOperator<String> env, Path home, Clock clock)
            throws IOException, InterruptedException {
        String found = configured;
        for (String name : new String[] {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
            if (found.isEmpty() && env.apply(name) != null) {
                found = env.apply(name);
            }
        }
        if (found.isEmpty()) {
            AwsCredentialsProvider probe = new AwsCredentialsProvider(client, accessKey, secretKey, profile, roleArn, externalId, "", env,
                    home, clock);
            URI imds = probe.metadataEndpoint();
            if (imds == null) {
                throw new IOException("could not determine AWS region: region not found in AWS config or IMDS");
            }
            try {
                found = probe.metadata(imds, probe.metadataToken(imds), "latest/meta-data/placement/region").strip();
            } catch (IOException e) {
                throw new IOException("could not determine AWS region: failed to get region from IMDS: " + e.getMessage(), e);
            }
        }
        return new AwsCredentialsProvider(client, accessKey, secretKey, profile, roleArn, externalId, found, env, home, clock);
    }

    String region() {
        return region;
    }

    AwsCredentials credentials() throws IOException, InterruptedException {
        if (cached != null && clock.instant().isBefore(expiry.minusSeconds(60))) {
            return cached;
        }
        AwsCredentials base = chain.resolve(region);
        if (roleArn.isEmpty()) {
            return base; // the chain holds temporary credentials itself, and static ones are read again (rotation applies)
        }
        Instant[] until = {Instant.MAX};
        cached = assumeRole(base, until);
        expiry = until[0];
        return cached;
    }

    /** The metadata service's endpoint, or null when it is switched off. */
    URI metadataEndpoint() {
        if ("true".equalsIgnoreCase(env.apply("AWS_EC2_METADATA_DISABLED"))) {
            return null;
        }
        String endpoint = env.apply("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        return URI.create(endpoint == null || endpoint.isEmpty() ? "http://169.254.169.254/" : endpoint.endsWith("/") ? endpoint
                : endpoint + "/");
    }

    /** An IMDSv2 session token. */
    String metadataToken(URI endpoint) throws IOException, InterruptedException {
        URI uri = endpoint.resolve("latest/api/token");
        return client.plain(HttpRequest.newBuilder(uri).header("X-aws-ec2-metadata-token-ttl-seconds", "21600")
                .PUT(HttpRequest.BodyPublishers.noBody()), "PUT", uri).strip();
    }

    /** A metadata path's text, with an IMDSv2 token. */
    String metadata(URI endpoint, String token, String path) throws IOException, InterruptedException {
        URI uri = endpoint.resolve(path);
        return client.plain(HttpRequest.newBuilder(uri).header("X-aws-ec2-metadata-token", token).GET(), "GET", uri);
    }

    /** STS AssumeRole through the library tier's {@link StsAssumeRole}, sent with this job's client. */
    private AwsCredentials assumeRole(AwsCredentials base, Instant[] until) throws IOException, InterruptedException {
        StsAssumeRole sts = new StsAssumeRole(roleArn, externalId, "promethium-" + clock.millis(), region,
                StsAssumeRole.endpoint(region, env), client::stsPost, clock);
        StsAssumeRole.Temporary assumed = sts.assume(base);
        until[0] = assumed.expiration().isBefore(until[0]) ? assumed.expiration() : until[0];
        return assumed.credentials();
    }
}
