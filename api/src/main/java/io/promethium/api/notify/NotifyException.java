package io.promethium.api.notify;

import java.time.Duration;
import java.util.Optional;

/**
 * A notification was not delivered. {@link #retryable()} tells the dispatcher whether to try
 * again (a 5xx, a timeout) or not (a 4xx, a template error); {@link #retryAfter()} may ask for a
 * minimum wait (an HTTP {@code Retry-After}).
 */
public class NotifyException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean retryable;
    private final Duration retryAfter;

    public NotifyException(String message, boolean retryable, Throwable cause) {
        this(message, retryable, null, cause);
    }

    public NotifyException(String message, boolean retryable, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
        this.retryAfter = retryAfter;
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

    /** The wait the destination asked for, if any. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
