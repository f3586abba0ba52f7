package io.promethium.alerting;

import java.net.URI;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/** The Alertmanagers alerts are sent to, as {@code /api/v1/alertmanagers} lists them. */
@ProviderType
public interface AlertmanagerTargets {

    /** Full URLs of the alerts endpoint of every active Alertmanager. */
    List<URI> activeAlertmanagers();

    /** Full URLs of discovered Alertmanagers that relabeling dropped. */
    List<URI> droppedAlertmanagers();
}
