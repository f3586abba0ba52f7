package io.promethium.alerting;

import io.promethium.api.notify.Alert;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Queues alerts for every discovered Alertmanager. Never blocks: when the queue is full the
 * oldest alerts are dropped (and counted). Alert relabeling and external labels are applied here.
 */
@ProviderType
public interface AlertSender {

    /** Queues the alerts; returns at once. An alert with {@code endsAt} in the past is a resolution. */
    void send(List<Alert> alerts);
}
