package io.promethium.api.notify;

/** A notification was not delivered; {@link #retryable()} tells the dispatcher whether to try again. */
public class NotifyException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    public NotifyException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
