package io.promethium.api.discovery;

import io.promethium.api.http.ConfiguredHttpClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * A discoverer's requests to a JSON REST API (a cloud provider's) over the api's HTTP client
 * ({@code http_client_config} applies: bearer token, TLS, proxy). A request times out after the
 * given timeout (the refresh interval), an answer must be 2xx, non-empty and no larger than the
 * limit, and it is handed to the plugin's {@link Parser} (its own JSON library: the api has
 * none). A 429 (the providers' rate limit) fails the request and, with a {@code Retry-After}
 * (seconds or an HTTP date), no request is sent before that time passes, so a throttled account
 * is not asked again at once; the refresh that would have asked fails instead and keeps the last
 * targets. Written here rather than taken from the provider SDKs: those are large and each brings
 * its own transport, which would bypass {@code http_client_config}.
 *
 * <p>Thread-safe: the back-off deadline is the only state, a volatile.
 *
 * @param <T> what the parser makes of an answer's body
 * @since 1.3.0
 */
public final class JsonHttpFetch<T> {

    /** The {@code User-Agent} of every request. */
    public static final String USER_AGENT = "Promethium/0.1";

    private static final int EXCERPT_BYTES = 512;

    /** Turns an answer's body into a value; an {@link IOException} says why it is not one. */
    @FunctionalInterface
    public interface Parser<T> {
        /**
         * @param body the whole answer, not empty
         * @return the value, not null
         * @throws IOException when the body is not what the API documents
         */
        T parse(byte[] body) throws IOException;
    }

    private final ConfiguredHttpClient http;
    private final Duration timeout;
    private final long bodyLimit;
    private final Parser<T> parser;
    private volatile Instant notBefore = Instant.MIN;

    /**
     * @param http the client configured from the discoverer's {@code http_client_config}
     * @param timeout how long one request may take
     * @param bodyLimit the largest answer accepted, in bytes
     * @param parser what makes a value of a 2xx answer
     */
    public JsonHttpFetch(ConfiguredHttpClient http, Duration timeout, long bodyLimit, Parser<T> parser) {
        this.http = Objects.requireNonNull(http, "http is null");
        this.timeout = Objects.requireNonNull(timeout, "timeout is null");
        this.parser = Objects.requireNonNull(parser, "parser is null");
        if (bodyLimit <= 0) {
            throw new IllegalArgumentException("bodyLimit must be positive: " + bodyLimit);
        }
        this.bodyLimit = bodyLimit;
    }

    /**
     * A GET of {@code uri}.
     *
     * @param headers alternating names and values
     * @return the parsed answer
     * @throws StatusException for an answer other than 2xx and 429
     * @throws IOException when throttled, on a timeout, a transport error, an answer too large or
     *     not parseable; the message names the method and the URI
     */
    public T get(URI uri, String... headers) throws IOException, InterruptedException {
        return send(builder(uri, headers).GET(), "GET", uri);
    }

    /**
     * A request with a body (a token request's POST).
     *
     * @param headers alternating names and values
     * @return the parsed answer
     * @throws IOException as {@link #get}
     */
    public T send(String method, URI uri, String contentType, byte[] body, String... headers)
            throws IOException, InterruptedException {
        return send(builder(uri, headers).header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body)), method, uri);
    }

    private HttpRequest.Builder builder(URI uri, String... headers) {
        if (headers.length % 2 != 0) {
            throw new IllegalArgumentException("headers must alternate names and values: " + headers.length + " given");
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("User-Agent", USER_AGENT).header("Accept", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder;
    }

    private T send(HttpRequest.Builder builder, String method, URI uri) throws IOException, InterruptedException {
        Instant until = notBefore;
        if (Instant.now().isBefore(until)) {
            throw new IOException(method + " \"" + uri + "\": throttled by the API (429): no request before " + until);
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new IOException(method + " \"" + uri + "\": no answer within " + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw new IOException(method + " \"" + uri + "\": " + e.getMessage(), e);
        }
        byte[] bytes;
        try (InputStream in = response.body()) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, bodyLimit + 1));
        }
        if (bytes.length > bodyLimit) {
            throw new IOException(method + " \"" + uri + "\": the answer is larger than " + bodyLimit + " bytes");
        }
        int status = response.statusCode();
        if (status == 429) {
            Duration wait = retryAfter(response.headers().firstValue("Retry-After").orElse(null), Instant.now());
            if (wait != null) {
                notBefore = Instant.now().plus(wait);
            }
            throw new IOException(method + " \"" + uri + "\": 429 Too Many Requests"
                    + (wait == null ? "" : "; retry after " + wait.toMillis() + " ms"));
        }
        if (status < 200 || status > 299) {
            throw new StatusException(status, method + " \"" + uri + "\": " + status + " " + excerpt(bytes));
        }
        try {
            if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
                throw new IOException("unexpected end of JSON input");
            }
            return Objects.requireNonNull(parser.parse(bytes), "the parser returned null");
        } catch (IOException e) {
            throw new IOException(method + " \"" + uri + "\": the answer is not JSON: " + e.getMessage(), e);
        }
    }

    /** An answer with a status other than 2xx (and 429), for callers that treat some (404) as an answer. */
    public static final class StatusException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int status;

        /**
         * @param status the HTTP status
         * @param message names the request, the status and an excerpt of the body
         */
        public StatusException(int status, String message) {
            super(message);
            this.status = status;
        }

        /** @return the HTTP status */
        public int status() {
            return status;
        }
    }

    /**
     * {@code Retry-After} as seconds or an HTTP date (RFC 9110 section 10.2.3).
     *
     * @param value the header, or null
     * @param now the time an HTTP date is measured from
     * @return how long to wait (zero for a date past), or null when absent or unreadable
     */
    public static Duration retryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            long seconds = Long.parseLong(value.trim());
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    private static String excerpt(byte[] body) {
        return new String(body, 0, Math.min(body.length, EXCERPT_BYTES), StandardCharsets.UTF_8).strip();
    }

    /**
     * Go's {@code net.JoinHostPort}: brackets around an IPv6 address.
     *
     * @return {@code host:port}, or {@code [host]:port} when the host holds a colon
     */
    public static String joinHostPort(String host, long port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * Prometheus's {@code strutil.SanitizeLabelName}: every character outside
     * {@code [a-zA-Z0-9_]} becomes {@code _}, so a provider's tag key can end a meta label name.
     */
    public static String sanitize(String key) {
        StringBuilder sb = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            sb.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ? c : '_');
        }
        return sb.toString();
    }
}
