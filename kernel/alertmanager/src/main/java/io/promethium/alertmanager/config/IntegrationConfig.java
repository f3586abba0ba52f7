package io.promethium.alertmanager.config;

import io.promethium.api.config.PluginConfig;
import java.util.Objects;

/**
 * One {@code <type>_configs} entry of a receiver.
 *
 * @param index position among the receiver's entries of this type, as Alertmanager numbers integrations
 * @param config the block without {@code send_resolved} once validated; as written (with it) while it waits
 * @param validated whether the notifier plugin of its type validated it; false for a block loaded while
 *                  no installed plugin owned its key (it waits: {@link AlertmanagerConfigLoader#resolve}
 *                  validates it when the plugin arrives)
 */
public record IntegrationConfig(String type, int index, PluginConfig config, boolean sendResolved, boolean validated) {
    public IntegrationConfig {
        Objects.requireNonNull(type, "type is null");
        Objects.requireNonNull(config, "config is null");
    }

    /** A block its plugin validated. */
    public IntegrationConfig(String type, int index, PluginConfig config, boolean sendResolved) {
        this(type, index, config, sendResolved, true);
    }

    /** {@code webhook[0]}, as Alertmanager's integration names. */
    public String name() {
        return type + "[" + index + "]";
    }
}
