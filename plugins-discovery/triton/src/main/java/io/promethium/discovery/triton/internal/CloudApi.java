package io.promethium.discovery.triton.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * One cloud provider's JSON REST API over the api's HTTP client ({@code http_client_config}
 * applies: bearer token, TLS, proxy): a request times out after the refresh interval, an answer
 * must be 2xx JSON no larger than the limit. A 429 (the providers' rate limit) fails the refresh
 * and, with a {@code Retry-After} (seconds or an HTTP date), no request is sent before that time
 * passes, so a throttled account is not asked again at once; the refresh that would have asked
 * fails instead, keeping the last targets. Written per plugin (the provider SDKs are large and
 * each needs its own transport, see the README); this class is the same in every cloud plugin.
 */
final class CloudApi {

    static final String USER_AGENT = "Promethium/0.1";
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final ConfiguredHttpClient http;
    private final Duration timeout;
    private final long bodyLimit;
    private volatile Instant notBefore = Instant.MIN;

    CloudApi(ConfiguredHttpClient http, Duration timeout, long bodyLimit) {
        this.http = Objects.requireNonNull(http, "http is null");
        this.timeout = Objects.requireNonNull(timeout, "timeout is null");
        this.bodyLimit = bodyLimit;
    }

    /** A GET of {@code uri} with {@code headers} (alternating names and values), its JSON answer. */
    JsonNode get(URI uri, String... headers) throws IOException, InterruptedException {
        return send(builder(uri, headers).GET(), "GET", uri);
    }

    /** A request with a body. */
    JsonNode send(String method, URI uri, String contentType, byte[] body, String... headers) throws IOException, InterruptedException {
        return send(builder(uri, headers).header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofByteArray(body)),
                method, uri);
    }

    private HttpRequest.Builder builder(URI uri, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("User-Agent", USER_AGENT).header("Accept", "application/json");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder;
    }

    private JsonNode send(HttpRequest.Builder builder, String method, URI uri) throws IOException, InterruptedException {
        Instant now = Instant.now();
        Instant until = notBefore;
        if (now.isBefore(until)) {
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
        try (InputStream in = response.body()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, bodyLimit + 1));
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
                throw new IOException(method + " \"" + uri + "\": " + status + " " + excerpt(bytes));
            }
            try {
                JsonNode node = JSON.readTree(bytes);
                if (node == null || node.isMissingNode()) {
                    throw new IOException("unexpected end of JSON input");
                }
                return node;
            } catch (IOException e) {
                throw new IOException(method + " \"" + uri + "\": the answer is not JSON: " + e.getMessage(), e);
            }
        }
    }

    /** {@code Retry-After} as seconds or an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(String value, Instant now) {
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
        String text = new String(body, 0, Math.min(body.length, 512), StandardCharsets.UTF_8).strip();
        return text;
    }

    // Accessors shared by the JSON readers: Go's zero values for absent or null fields.

    static String text(JsonNode node, String name) {
        JsonNode value = node == null ? null : node.get(name);
        return value == null || value.isNull() ? "" : value.isValueNode() ? value.asText() : value.toString();
    }

    static JsonNode object(JsonNode node, String name) {
        JsonNode value = node == null ? null : node.get(name);
        return value == null || value.isNull() ? null : value;
    }

    static Iterable<JsonNode> list(JsonNode node, String name) throws IOException {
        JsonNode value = node == null ? null : node.get(name);
        if (value == null || value.isNull()) {
            return java.util.List.of();
        }
        if (!value.isArray()) {
            throw new IOException("json: cannot unmarshal " + value.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)
                    + " into field " + name + " (a list)");
        }
        return value;
    }

    /** Go's {@code net.JoinHostPort}: brackets around an IPv6 address. */
    static String joinHostPort(String host, long port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** Prometheus's {@code strutil.SanitizeLabelName}: every character outside {@code [a-zA-Z0-9_]} becomes {@code _}. */
    static String sanitize(String key) {
        StringBuilder sb = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            sb.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ? c : '_');
        }
        return sb.toString();
    }
}
