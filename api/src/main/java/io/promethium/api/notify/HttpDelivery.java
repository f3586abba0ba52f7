package io.promethium.api.notify;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.ClientTls;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.http.HttpClientFactory;
import io.promethium.api.trace.Span;
import io.promethium.api.trace.Tracer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * How an HTTP notifier sends its message, as Alertmanager's do: a POST that must complete before
 * the dispatcher's deadline; a 2xx answer is delivered; 5xx (and the statuses the destination
 * uses for rate limiting, see {@link #retrying}) are retried, after {@code Retry-After} when the
 * answer gives one (seconds or an HTTP date); any other answer is not; an I/O error is retried.
 * The answer's body is read to its end (so the connection can be reused), or until the request's
 * {@code timeout} has passed since sending: a body that drips in past it is taken as far as it
 * came (Alertmanager drains it under its deadline and ignores the cut), so no send outlasts its
 * deadline. It is shown in the error, cut to 512 characters or described by the destination's own reader
 * ({@link #describing}). Messages name the destination and only the scheme, host and port of
 * the URL: its path and query may hold secrets. Immutable and thread-safe.
 *
 * <pre>{@code
 * private static final HttpDelivery SLACK = HttpDelivery.to("Slack").retrying(429);
 * ...
 * Duration timeout = HttpDelivery.timeLeft(deadline);
 * HttpResponse<String> ok = SLACK.send(client, HttpDelivery.jsonPost(url, body, timeout).build());
 * }</pre>
 *
 * @since 1.3
 */
public final class HttpDelivery {

    /** How much of an unexpected answer's body an error message shows. */
    public static final int MAX_BODY_IN_MESSAGE = 512;

    private final String destination;
    private final int[] alsoRetried;
    private final UnaryOperator<String> details;

    private HttpDelivery(String destination, int[] alsoRetried, UnaryOperator<String> details) {
        this.destination = destination;
        this.alsoRetried = alsoRetried;
        this.details = details;
    }

    /** Sending to {@code destination} (for messages: {@code Slack}, {@code webhook}); 5xx is retried. */
    public static HttpDelivery to(String destination) {
        return new HttpDelivery(Objects.requireNonNull(destination, "destination is null"), new int[0], HttpDelivery::cut);
    }

    /** These statuses are retried too (a rate limit: 429, or PagerDuty v1's 403). */
    public HttpDelivery retrying(int... statuses) {
        int[] all = Arrays.copyOf(alsoRetried, alsoRetried.length + statuses.length);
        System.arraycopy(statuses, 0, all, alsoRetried.length, statuses.length);
        return new HttpDelivery(destination, all, details);
    }

    /** An unexpected answer's body is shown as {@code reader} gives it (the destination's error format) instead of cut. */
    public HttpDelivery describing(UnaryOperator<String> reader) {
        return new HttpDelivery(destination, alsoRetried, Objects.requireNonNull(reader, "reader is null"));
    }

    /**
     * The time left until {@code deadline}, for the request's timeout.
     *
     * @throws NotifyException not retryable, when the deadline has passed
     */
    public static Duration timeLeft(Instant deadline) throws NotifyException {
        Duration timeout = Duration.between(Instant.now(), deadline);
        if (timeout.isNegative() || timeout.isZero()) {
            throw NotifyException.doNotRetry("deadline passed before sending", null);
        }
        return timeout;
    }

    /** A JSON POST of {@code body} to {@code url} with {@code timeout}, {@code Content-Type} and {@code User-Agent} set; add headers, then build. */
    public static HttpRequest.Builder jsonPost(URI url, byte[] body, Duration timeout) {
        return HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "Promethium")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    /**
     * Sends {@code request} through {@code client} (its credentials, TLS and proxy).
     *
     * @return the 2xx answer, its body read (for a destination that says more in it)
     * @throws NotifyException retryable or not, as the class describes
     */
    public HttpResponse<String> send(ConfiguredHttpClient client, HttpRequest request) throws NotifyException {
        HttpResponse<String> response;
        long start = System.nanoTime();
        try {
            HttpResponse<InputStream> streaming = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            long until = request.timeout().map(t -> start + t.toNanos()).orElse(Long.MAX_VALUE);
            response = withBody(streaming, readUntil(streaming.body(), until, charset(streaming)));
        } catch (IOException e) {
            throw NotifyException.retryLater("POST to " + destination + " (" + origin(request.uri()) + "): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw NotifyException.doNotRetry("interrupted", e);
        }
        int code = response.statusCode();
        if (code / 100 == 2) {
            return response;
        }
        String body = response.body() == null ? "" : response.body();
        String message = "unexpected status code " + code + " from " + destination + " (" + origin(request.uri()) + "): "
                + details.apply(body);
        if (!retried(code)) {
            throw NotifyException.status(message, code, false, null);
        }
        Optional<Duration> after = response.headers().firstValue("Retry-After").flatMap(HttpDelivery::retryAfter);
        throw NotifyException.status(message, code, true, after.orElse(null));
    }

    /**
     * {@code client} with each {@link ConfiguredHttpClient#send send} traced by {@code tracer},
     * as Alertmanager's notifiers send through an {@code otelhttp} transport when tracing is on:
     * a client span {@code HTTP} + method (a child of the thread's current span, the
     * {@code notify.Integration.Notify} attempt), its {@code traceparent} (and {@code tracestate})
     * added to the request, the span failed by an I/O error or a 4xx/5xx answer. Attributes are
     * {@code otelhttp}'s but for {@code url.full}, left out: a notifier's URL path and query hold
     * secrets (a Slack or webhook token). The server's notifier contexts hand out such clients
     * (with {@link NotifierContext#tracer()}), so {@link #send} and the exchanges a notifier makes
     * with {@link #readBody} are traced without the notifier doing anything; with tracing off a
     * send costs the tracer's check only: no span, no header, no copy of the request.
     *
     * @since 1.10
     */
    public static ConfiguredHttpClient traced(ConfiguredHttpClient client, Tracer tracer) {
        Objects.requireNonNull(client, "client is null");
        Objects.requireNonNull(tracer, "tracer is null");
        return tracer == Tracer.NONE ? client : new TracedClient(client, tracer);
    }

    /**
     * {@code factory} whose clients are {@link #traced(ConfiguredHttpClient, Tracer) traced}: what a
     * notifier context's {@link NotifierContext#httpClients()} gives.
     *
     * @since 1.10
     */
    public static HttpClientFactory traced(HttpClientFactory factory, Tracer tracer) {
        Objects.requireNonNull(factory, "factory is null");
        Objects.requireNonNull(tracer, "tracer is null");
        if (tracer == Tracer.NONE) {
            return factory;
        }
        return new HttpClientFactory() {
            @Override
            public void validate(PluginConfig block) throws ConfigException {
                factory.validate(block);
            }

            @Override
            public ConfiguredHttpClient create(PluginConfig block, java.nio.file.Path configDirectory) throws ConfigException {
                return traced(factory.create(block, configDirectory), tracer);
            }

            @Override
            public void validateTls(PluginConfig tlsConfig) throws ConfigException {
                factory.validateTls(tlsConfig);
            }

            @Override
            public ClientTls tls(PluginConfig tlsConfig, String host, java.nio.file.Path configDirectory) throws ConfigException {
                return factory.tls(tlsConfig, host, configDirectory);
            }
        };
    }

    /** A client whose sends are client spans; the rest is the wrapped client's. */
    private record TracedClient(ConfiguredHttpClient client, Tracer tracer) implements ConfiguredHttpClient {

        @Override
        public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException, InterruptedException {
            // The usual name is a constant: off, a send allocates nothing.
            String method = request.method();
            Span span = tracer.startClient("POST".equals(method) ? "HTTP POST" : "HTTP " + method);
            if (span == Span.NONE) {
                return client.send(request, handler);
            }
            try (span) {
                URI url = request.uri();
                span.attribute("http.request.method", method)
                        .attribute("url.scheme", String.valueOf(url.getScheme()))
                        .attribute("server.address", url.getHost() == null ? "" : url.getHost())
                        .attribute("server.port", url.getPort() > 0 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80);
                HttpRequest.Builder traced = HttpRequest.newBuilder(request, (name, value) -> true);
                span.injectContext(traced::setHeader);
                HttpResponse<T> response;
                try {
                    response = client.send(traced.build(), handler);
                } catch (IOException | RuntimeException e) {
                    span.error(e);
                    throw e;
                }
                int status = response.statusCode();
                span.attribute("http.response.status_code", status);
                if (status >= 400) {
                    span.error("HTTP " + status);
                }
                return response;
            }
        }

        @Override
        public String authorization() throws IOException {
            return client.authorization();
        }

        @Override
        public List<String> headers() throws IOException {
            return client.headers();
        }

        @Override
        public HttpClient transport() {
            return client.transport();
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /**
     * The bytes of {@code body} until its end, an I/O error or {@code deadline}, whichever comes
     * first, then the stream is closed: a server that sends its status and headers and then stalls
     * or drips the body cannot hold the caller past the deadline (an HTTP client's request
     * timeout covers the wait for the headers only). What came before the cut is returned, so a
     * caller that parses it fails as on a cut body. For exchanges outside {@link #send}, such as
     * an STS call made for a notifier's credentials.
     *
     * @since 1.8
     */
    public static byte[] readBody(InputStream body, Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        return readBytesUntil(body, System.nanoTime() + Math.max(0, left.toNanos()));
    }

    /** {@link #readBytesUntil} decoded with {@code charset}. */
    static String readUntil(InputStream body, long untilNanos, Charset charset) {
        return new String(readBytesUntil(body, untilNanos), charset);
    }

    /**
     * The bytes of {@code body} until its end, an I/O error or {@code untilNanos}
     * ({@link System#nanoTime()}), whichever comes first: a watchdog closes the stream at the
     * limit, which ends a blocked read as the end of the body.
     */
    static byte[] readBytesUntil(InputStream body, long untilNanos) {
        Thread watchdog = untilNanos == Long.MAX_VALUE ? null : Thread.ofVirtual().start(() -> {
            try {
                long left = untilNanos - System.nanoTime();
                if (left > 0) {
                    Thread.sleep(Duration.ofNanos(left));
                }
                body.close();
            } catch (InterruptedException | IOException done) {
                // read to its end first, or the close failed: nothing more to do
            }
        });
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try (body) {
            for (int n; (n = body.read(buffer)) >= 0; ) {
                read.write(buffer, 0, n);
            }
        } catch (IOException cut) {
            // as far as it came: Alertmanager ignores the error of draining too
        } finally {
            if (watchdog != null) {
                watchdog.interrupt();
            }
        }
        return read.toByteArray();
    }

    /** The charset of the answer's {@code Content-Type}, else UTF-8 (as {@code BodyHandlers.ofString}). */
    private static Charset charset(HttpResponse<?> response) {
        String type = response.headers().firstValue("Content-Type").orElse("");
        int at = type.toLowerCase(java.util.Locale.ROOT).indexOf("charset=");
        if (at >= 0) {
            String name = type.substring(at + 8).split(";")[0].strip().replace("\"", "");
            try {
                return Charset.forName(name);
            } catch (IllegalArgumentException unknown) {
                return StandardCharsets.UTF_8;
            }
        }
        return StandardCharsets.UTF_8;
    }

    /** {@code response} with its body read. */
    private static HttpResponse<String> withBody(HttpResponse<InputStream> response, String body) {
        return new HttpResponse<>() {
            @Override
            public int statusCode() {
                return response.statusCode();
            }

            @Override
            public HttpRequest request() {
                return response.request();
            }

            @Override
            public Optional<HttpResponse<String>> previousResponse() {
                return Optional.empty();
            }

            @Override
            public java.net.http.HttpHeaders headers() {
                return response.headers();
            }

            @Override
            public String body() {
                return body;
            }

            @Override
            public Optional<javax.net.ssl.SSLSession> sslSession() {
                return response.sslSession();
            }

            @Override
            public URI uri() {
                return response.uri();
            }

            @Override
            public HttpClient.Version version() {
                return response.version();
            }
        };
    }

    private boolean retried(int code) {
        if (code / 100 == 5) {
            return true;
        }
        for (int status : alsoRetried) {
            if (status == code) {
                return true;
            }
        }
        return false;
    }

    /** A {@code Retry-After} value: seconds or an HTTP date (RFC 9110); a time past is zero; empty when unreadable. */
    public static Optional<Duration> retryAfter(String value) {
        String v = value.strip();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v))));
        } catch (NumberFormatException e) {
            try {
                Duration d = Duration.between(Instant.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
    }

    /** The first {@link #MAX_BODY_IN_MESSAGE} characters of a body. */
    public static String cut(String body) {
        return body.length() > MAX_BODY_IN_MESSAGE ? body.substring(0, MAX_BODY_IN_MESSAGE) : body;
    }

    /** Scheme, host and port: user info, path and query may hold secrets (a webhook URL is one). */
    private static String origin(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() >= 0 ? ":" + url.getPort() : "");
    }
}
