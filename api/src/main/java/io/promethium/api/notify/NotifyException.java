package io.promethium.api.notify;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A notification was not delivered. {@link #retryable()} tells the dispatcher whether to try
 * again (a 5xx, a timeout) or not (a 4xx, a template error); {@link #retryAfter()} may ask for a
 * minimum wait (an HTTP {@code Retry-After}).
 */
public class NotifyException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean retryable;
    private final Duration retryAfter;
    private final int statusCode;

    public NotifyException(String message, boolean retryable, Throwable cause) {
        this(message, retryable, null, cause);
    }

    public NotifyException(String message, boolean retryable, Duration retryAfter, Throwable cause) {
        this(message, retryable, retryAfter, 0, cause);
    }

    private NotifyException(String message, boolean retryable, Duration retryAfter, int statusCode, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
        this.retryAfter = retryAfter;
        this.statusCode = statusCode;
    }

    /**
     * The destination answered with HTTP status {@code statusCode}: the dispatcher counts the
     * failure with Alertmanager's {@code reason} ({@code authError} for 401 and 403,
     * {@code rateLimited} for 429, {@code clientError} for other 4xx, {@code serverError} for 5xx).
     *
     * @param retryAfter the wait the answer asked for, or null
     * @since 1.4
     */
    public static NotifyException status(String message, int statusCode, boolean retryable, Duration retryAfter) {
        return new NotifyException(message, retryable, retryAfter, statusCode, null);
    }

    /** A failure worth retrying, with the dispatcher's backoff. */
    public static NotifyException retryLater(String message, Throwable cause) {
        return new NotifyException(message, true, null, cause);
    }

    /** A failure worth retrying, not sooner than {@code after}. */
    public static NotifyException retryAfter(String message, Duration after) {
        return new NotifyException(message, true, after, null);
    }

    /** A failure that will not go away by retrying the same notification. */
    public static NotifyException doNotRetry(String message, Throwable cause) {
        return new NotifyException(message, false, null, cause);
    }

    public boolean retryable() {
        return retryable;
    }

    /**
     * The HTTP status the destination answered with, when the failure is such an answer.
     *
     * @since 1.4
     */
    public OptionalInt statusCode() {
        return statusCode > 0 ? OptionalInt.of(statusCode) : OptionalInt.empty();
    }

    /** The wait the destination asked for, if any. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
