package io.promethium.api.notify;

import org.osgi.annotation.versioning.ConsumerType;

/** Delivers notifications to one destination. Called from one dispatcher thread at a time. */
@ConsumerType
public interface Notifier extends AutoCloseable {

    /**
     * Delivers once, without retrying: the dispatcher owns retries and backoff.
     *
     * @throws NotifyException when delivery failed; say whether trying again may help
     */
    void send(Notification notification) throws NotifyException;

    @Override
    default void close() {
    }
}
