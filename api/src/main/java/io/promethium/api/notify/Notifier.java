package io.promethium.api.notify;

import java.time.Instant;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Delivers notifications to one destination (one {@code <type>_configs} entry of a receiver).
 * The dispatcher calls it from one thread per aggregation group, possibly from several groups at
 * once, so an implementation must be thread-safe. A call that hangs delays only its own group:
 * each integration runs on its own thread and the dispatcher stops waiting at the deadline.
 */
@ConsumerType
public interface Notifier extends AutoCloseable {

    /**
     * Delivers once, without retrying: the dispatcher owns retries and their backoff.
     *
     * @param notification the group's alerts; a notification whose alerts are all resolved is
     *        only passed when the config's {@code send_resolved} is true
     * @param deadline when the dispatcher gives up on this attempt (the group interval); an
     *        implementation should bound its I/O by it
     * @throws NotifyException when delivery failed; {@link NotifyException#retryable()} says
     *         whether trying again may help, {@link NotifyException#retryAfter()} how soon
     */
    void send(Notification notification, Instant deadline) throws NotifyException;

    /**
     * Delivers once with the group's {@link NotificationState}; the dispatcher calls this one. An
     * integration that keeps something between notifications of a group (Slack's
     * {@code update_message}) overrides it; the others need not.
     *
     * @since 1.5
     */
    default void send(Notification notification, Instant deadline, NotificationState state) throws NotifyException {
        send(notification, deadline);
    }

    @Override
    default void close() {
    }
}
