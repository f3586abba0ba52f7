package io.promethium.config.model;

import java.util.List;

/** The {@code alerting:} section. */
public record AlertingConfig(List<RelabelConfig> alertRelabelConfigs, List<AlertmanagerConfig> alertmanagers) {
    public static final AlertingConfig EMPTY = new AlertingConfig(List.of(), List.of());

    public AlertingConfig {
        alertRelabelConfigs = List.copyOf(alertRelabelConfigs);
        alertmanagers = List.copyOf(alertmanagers);
    }
}
