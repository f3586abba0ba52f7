package io.promethium.api.notify;

import io.promethium.api.http.ConfiguredHttpClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * How an HTTP notifier sends its message, as Alertmanager's do: a POST that must complete before
 * the dispatcher's deadline; a 2xx answer is delivered; 5xx (and the statuses the destination
 * uses for rate limiting, see {@link #retrying}) are retried, after {@code Retry-After} when the
 * answer gives one (seconds or an HTTP date); any other answer is not; an I/O error is retried.
 * The answer's body is always read to its end (so the connection can be reused) and shown in
 * the error, cut to 512 characters or described by the destination's own reader
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
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
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
