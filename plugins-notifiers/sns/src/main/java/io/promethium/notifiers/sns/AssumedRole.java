package io.promethium.notifiers.sns;

import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.notify.HttpDelivery;
import io.promethium.api.notify.NotifyException;
import io.promethium.sigv4.AwsCredentials;
import io.promethium.sigv4.CredentialsChain;
import io.promethium.sigv4.StsAssumeRole;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;

/**
 * The credentials of {@code sigv4.role_arn} for one SNS notifier. The STS endpoint and signing
 * region are given at each send (Alertmanager 0.34 loads the SDK config, hence the region and
 * FIPS switch, at each notification); the role's credentials are kept until a minute before
 * they expire, for the same region and endpoint, and assumed again when either changes. The
 * AssumeRole is bounded by the deadline of the send that makes it (0.34 passes the
 * notification's context to the STS call): its answer must come whole by then. Thread-safe:
 * concurrent sends share one STS call.
 */
final class AssumedRole {

    private record Held(String region, URI endpoint, StsAssumeRole.Temporary temporary) {
    }

    private final String roleArn;
    private final String externalId;
    private final CredentialsChain base;
    private final ConfiguredHttpClient client;
    private final Clock clock;
    private Held held;

    AssumedRole(String roleArn, String externalId, CredentialsChain base, ConfiguredHttpClient client, Clock clock) {
        this.roleArn = roleArn;
        this.externalId = externalId;
        this.base = base;
        this.client = client;
        this.clock = clock;
    }

    /**
     * The role's credentials for a send to {@code region} whose AssumeRole (if one is needed)
     * goes to {@code endpoint} and must be answered by {@code deadline}.
     */
    synchronized AwsCredentials get(String region, URI endpoint, Instant deadline) throws IOException, InterruptedException, NotifyException {
        Held h = held;
        if (h == null || !h.region().equals(region) || !h.endpoint().equals(endpoint)
                || !clock.instant().isBefore(h.temporary().expiration().minusSeconds(60))) {
            Duration timeout = HttpDelivery.timeLeft(deadline);
            StsAssumeRole sts = new StsAssumeRole(roleArn, externalId, "promethium-" + clock.millis(), region, endpoint,
                    (uri, headers, body) -> {
                        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", "Promethium")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                        headers.forEach(e -> request.header(e.getKey(), e.getValue()));
                        HttpResponse<InputStream> r = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
                        return new StsAssumeRole.Answer(r.statusCode(), HttpDelivery.readBody(r.body(), deadline));
                    }, clock);
            h = new Held(region, endpoint, sts.assume(base.resolve(region)));
            held = h;
        }
        return h.temporary().credentials();
    }
}
