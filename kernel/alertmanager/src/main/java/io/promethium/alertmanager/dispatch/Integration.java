package io.promethium.alertmanager.dispatch;

import io.promethium.alertmanager.config.IntegrationConfig;
import io.promethium.api.notify.Notifier;
import java.util.Objects;

/** A built notifier of one receiver's {@code <type>_configs} entry. */
public record Integration(String receiver, IntegrationConfig config, Notifier notifier) {
    public Integration {
        Objects.requireNonNull(receiver, "receiver is null");
        Objects.requireNonNull(config, "config is null");
        Objects.requireNonNull(notifier, "notifier is null");
    }
}
