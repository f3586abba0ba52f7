package io.promethium.alertmanager.config;

import io.promethium.api.config.PluginConfig;
import java.util.Objects;

/**
 * One {@code <type>_configs} entry of a receiver.
 *
 * @param index position among the receiver's entries of this type, as Alertmanager numbers integrations
 * @param config the block without {@code send_resolved}
 */
public record IntegrationConfig(String type, int index, PluginConfig config, boolean sendResolved) {
    public IntegrationConfig {
        Objects.requireNonNull(type, "type is null");
        Objects.requireNonNull(config, "config is null");
    }

    /** {@code webhook[0]}, as Alertmanager's integration names. */
    public String name() {
        return type + "[" + index + "]";
    }
}
