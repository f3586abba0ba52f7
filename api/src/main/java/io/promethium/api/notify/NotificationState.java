package io.promethium.api.notify;

import java.util.HashMap;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What an integration keeps about one aggregation group between its notifications, as
 * Alertmanager's notification log keeps an integration's receiver data (Slack's
 * {@code update_message} keeps the message's {@code ts} and channel to edit it later). The
 * values written during a successful send are stored with the log entry (and survive a restart
 * when the log is persisted); those of a failed send are dropped. One instance per send; not
 * shared between threads.
 *
 * @since 1.5
 */
@ProviderType
public interface NotificationState {

    /** The value stored under {@code key} by an earlier successful send of this group, or null. */
    String get(String key);

    /** Stores {@code value} under {@code key}, kept if this send succeeds. */
    void put(String key, String value);

    /** A state that starts empty and keeps nothing beyond itself (no log: tests, one-off sends). */
    static NotificationState transientState() {
        Map<String, String> values = new HashMap<>();
        return new NotificationState() {
            @Override
            public String get(String key) {
                return values.get(key);
            }

            @Override
            public void put(String key, String value) {
                values.put(key, value);
            }
        };
    }
}
