package io.promethium.sigv4;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * How a {@link CredentialsChain} reaches the services that hand out temporary credentials (STS,
 * the container credentials endpoint, the EC2 instance metadata service, a
 * {@code credential_process}) and what it keeps from them: each source's credentials, keyed by
 * everything that determines them (role, token file, endpoint, command, base keys), until
 * {@link #REFRESH_BEFORE} before they expire. Thread-safe: concurrent callers of one source wait
 * for one fetch. A plugin gives the transport of its {@code http_config} (proxy, TLS), as the
 * Go SDK uses the HTTP client given to {@code LoadDefaultConfig} for these calls.
 *
 * @since 1.4
 */
public final class CredentialSources {

    /** Temporary credentials are fetched again this long before they expire. */
    public static final Duration REFRESH_BEFORE = Duration.ofMinutes(5);

    /**
     * Each request to the instance metadata service must be answered within this (connection
     * and headers): off EC2 the address does not answer, and the chain must fail fast; the SDK
     * gives its metadata client 250 ms to connect and 500 ms for the headers.
     */
    static final Duration METADATA_TIMEOUT = Duration.ofSeconds(1);

    /** STS and the container endpoint: the answer within this. */
    static final Duration SERVICE_TIMEOUT = Duration.ofSeconds(10);

    /** The SDK's {@code processcreds.DefaultTimeout}. */
    static final Duration PROCESS_TIMEOUT = Duration.ofMinutes(1);

    /** The ECS agent's credentials address, for {@code AWS_CONTAINER_CREDENTIALS_RELATIVE_URI}. */
    static final URI ECS_ENDPOINT = URI.create("http://169.254.170.2");

    /** Fetches a source's temporary credentials. */
    @FunctionalInterface
    interface Fetch {
        StsAssumeRole.Temporary get() throws IOException, InterruptedException;
    }

    /** One source's held credentials; its monitor serialises the fetches. */
    private static final class Slot {
        private StsAssumeRole.Temporary held;
    }

    private final Supplier<HttpClient> http;
    private final Clock clock;
    private final URI ecsEndpoint;
    private final Duration processTimeout;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private HttpClient client;

    /**
     * @param http the transport for STS, the container endpoint and the metadata service
     * @param clock the clock that expirations are compared with
     */
    public CredentialSources(HttpClient http, Clock clock) {
        this(() -> Objects.requireNonNull(http, "http is null"), clock, ECS_ENDPOINT, PROCESS_TIMEOUT);
    }

    /** With the ECS agent's address and the process timeout given (tests). */
    CredentialSources(Supplier<HttpClient> http, Clock clock, URI ecsEndpoint, Duration processTimeout) {
        this.http = Objects.requireNonNull(http, "http is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.ecsEndpoint = Objects.requireNonNull(ecsEndpoint, "ecsEndpoint is null");
        this.processTimeout = Objects.requireNonNull(processTimeout, "processTimeout is null");
    }

    /** Sources reached with a JDK HTTP client of its own (made at the first request) and the system clock. */
    public static CredentialSources standard() {
        return new CredentialSources(() -> HttpClient.newBuilder().connectTimeout(SERVICE_TIMEOUT).build(), Clock.systemUTC(),
                ECS_ENDPOINT, PROCESS_TIMEOUT);
    }

    Clock clock() {
        return clock;
    }

    URI ecsEndpoint() {
        return ecsEndpoint;
    }

    Duration processTimeout() {
        return processTimeout;
    }

    /**
     * The credentials held for {@code key}, fetched when there are none or they expire within
     * {@link #REFRESH_BEFORE}. Slots whose credentials have expired are dropped, so keys that
     * change (a rotated base key) do not pile up.
     */
    AwsCredentials cached(String key, Fetch fetch) throws IOException, InterruptedException {
        Slot slot = slots.computeIfAbsent(key, k -> new Slot());
        synchronized (slot) {
            Instant now = clock.instant();
            if (slot.held == null || !now.isBefore(slot.held.expiration().minus(REFRESH_BEFORE))) {
                slot.held = fetch.get();
                slots.entrySet().removeIf(e -> e.getValue() != slot && expired(e.getValue(), now));
            }
            return slot.held.credentials();
        }
    }

    private static boolean expired(Slot slot, Instant now) {
        synchronized (slot) {
            return slot.held != null && !now.isBefore(slot.held.expiration());
        }
    }

    /** The transport as STS's: a form POST, the answer whole. */
    StsAssumeRole.Transport sts() {
        return (uri, headers, body) -> {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(SERVICE_TIMEOUT).header("User-Agent", "Promethium")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(h -> request.header(h.getKey(), h.getValue()));
            return send(request.build(), uri);
        };
    }

    /** A request with {@code headers} (alternating names and values) and no body. */
    StsAssumeRole.Answer request(String method, URI uri, List<String> headers, Duration timeout) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", "Promethium")
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i + 1 < headers.size(); i += 2) {
            request.header(headers.get(i), headers.get(i + 1));
        }
        return send(request.build(), uri);
    }

    private StsAssumeRole.Answer send(HttpRequest request, URI uri) throws IOException, InterruptedException {
        HttpResponse<InputStream> response;
        try {
            response = client().send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new IOException(request.method() + " " + uri + ": no answer within "
                    + request.timeout().orElse(SERVICE_TIMEOUT).toMillis() + " ms", e);
        } catch (IOException e) {
            throw new IOException(request.method() + " " + uri + ": " + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage()), e);
        }
        try (InputStream in = response.body()) {
            // The answers are a few KiB; more is not an answer of these services.
            byte[] body = in.readNBytes(1 << 20);
            return new StsAssumeRole.Answer(response.statusCode(), body);
        }
    }

    private synchronized HttpClient client() {
        if (client == null) {
            client = http.get();
        }
        return client;
    }
}
