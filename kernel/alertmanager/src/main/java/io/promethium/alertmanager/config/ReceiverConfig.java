package io.promethium.alertmanager.config;

import java.util.List;
import java.util.Objects;

/** A named receiver and its integrations (none: notifications go nowhere, as Alertmanager's "null" receiver). */
public record ReceiverConfig(String name, List<IntegrationConfig> integrations) {
    public ReceiverConfig {
        Objects.requireNonNull(name, "name is null");
        integrations = List.copyOf(integrations);
    }
}
