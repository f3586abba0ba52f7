package io.promethium.config;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import java.util.Set;

/**
 * The config keys plugins own. The loader asks it whether a {@code <type>_sd_configs} key has an
 * owner and lets the owner validate each block.
 */
public interface PluginKeys {

    /** Discovery types with an installed factory ({@code file}, {@code dns}, ...). */
    Set<String> discoveryTypes();

    /** Validates one block under {@code <type>_sd_configs}; the type is in {@code config.key()}. */
    void validateDiscovery(String type, PluginConfig config) throws ConfigException;

    /** Secret fields the factory of {@code type} declares (dotted paths), masked in the shown config. */
    default Set<String> discoverySecrets(String type) {
        return Set.of();
    }

    /** Top-level keys owned by a plugin's {@link io.promethium.api.config.ConfigSection} ({@code remote_write}, ...). */
    default Set<String> sectionKeys() {
        return Set.of();
    }

    /** Validates the entries of an owned top-level key. */
    default void validateSection(String key, java.util.List<PluginConfig> entries, io.promethium.api.config.SectionContext context)
            throws ConfigException {
    }

    /** The HTTP client factory owners of top-level keys get ({@code remote_write} embeds {@code http_client_config}). */
    default io.promethium.api.http.HttpClientFactory httpClients() {
        return new io.promethium.config.http.KernelHttpClientFactory();
    }

    /**
     * Whether a {@code <type>_sd_configs} key no installed plugin owns is accepted, its blocks
     * left unvalidated to wait for their plugin (the running server), instead of being an error
     * ({@code check config}, the default).
     *
     * @since 1.2
     */
    default boolean waitForMissingPlugins() {
        return false;
    }

    /**
     * Top-level keys accepted without an installed owner when {@link #waitForMissingPlugins()}:
     * their entries are kept unvalidated and wait for the plugin ({@code remote_write} without the
     * remote storage plugin). Empty by default.
     *
     * @since 1.3
     */
    default Set<String> waitingSectionKeys() {
        return Set.of();
    }

    /** No plugins: only core keys are valid. */
    PluginKeys NONE = new PluginKeys() {
        @Override
        public Set<String> discoveryTypes() {
            return Set.of();
        }

        @Override
        public void validateDiscovery(String type, PluginConfig config) {
        }
    };
}
