package io.promethium.config.lifecycle;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What every {@link PluginTracker} of the server knows, for the console and the plugin admin API:
 * the config parts waiting for a plugin, and each plugin type's last failure. A service of the
 * config bundle; trackers built with its {@code MetricsRegistrar} report here.
 */
@ProviderType
public interface PluginStates {

    /**
     * Config parts waiting for the plugin that owns their key.
     *
     * @param kind what the missing plugin is ({@code discovery}, {@code notifier}, {@code config section})
     * @param key the config key ({@code cmdb_sd_configs}, {@code remote_write})
     * @param parts how many parts (scrape pools' blocks, receivers' integrations, lists) wait
     */
    record Waiting(String kind, String key, int parts) {
    }

    /** Every waiting key, by kind then key. */
    List<Waiting> waiting();

    /** The last failure of each plugin type, by kind then type. */
    List<PluginFailure> failures();
}
