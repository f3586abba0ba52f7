package io.promethium.config.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.ConfigSection;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.config.SectionContext;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.http.HttpClientFactory;
import io.promethium.api.plugin.MetricsRegistrar;
import io.promethium.config.PluginKeys;
import io.promethium.config.plugin.KernelPluginContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The plugin-owned keys of a snapshot of factories and config sections: a factory validates its blocks with a context
 * whose HTTP client factory checks the embedded {@code http_client_config}.
 */
public final class DiscoveryKeys implements PluginKeys {

    private final Map<String, DiscovererFactory> factories;
    private final Map<String, ConfigSection> sections;
    private final MetricsRegistrar metrics;
    private final HttpClientFactory httpClients;
    private final boolean waitForMissingPlugins;
    private final Set<String> waitingSectionKeys;

    /** Strict keys: a {@code <type>_sd_configs} key without a factory is an error ({@code check config}). */
    public DiscoveryKeys(Map<String, DiscovererFactory> factories, Map<String, ConfigSection> sections, MetricsRegistrar metrics,
                         HttpClientFactory httpClients) {
        this(factories, sections, metrics, httpClients, false);
    }

    /**
     * @param waitForMissingPlugins accept a {@code <type>_sd_configs} key without a factory, its
     *                              blocks waiting for their plugin (the running server)
     */
    public DiscoveryKeys(Map<String, DiscovererFactory> factories, Map<String, ConfigSection> sections, MetricsRegistrar metrics,
                         HttpClientFactory httpClients, boolean waitForMissingPlugins) {
        this(factories, sections, metrics, httpClients, waitForMissingPlugins, Set.of());
    }

    /**
     * @param waitingSectionKeys top-level keys accepted without an installed owner when waiting for
     *                           missing plugins ({@code remote_write}, {@code remote_read}, keys of a
     *                           plugin that went away)
     */
    public DiscoveryKeys(Map<String, DiscovererFactory> factories, Map<String, ConfigSection> sections, MetricsRegistrar metrics,
                         HttpClientFactory httpClients, boolean waitForMissingPlugins, Set<String> waitingSectionKeys) {
        this.waitForMissingPlugins = waitForMissingPlugins;
        this.waitingSectionKeys = Set.copyOf(waitingSectionKeys);
        this.factories = Map.copyOf(factories);
        this.sections = Map.copyOf(sections);
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.httpClients = Objects.requireNonNull(httpClients, "httpClients is null");
    }

    @Override
    public HttpClientFactory httpClients() {
        return httpClients;
    }

    @Override
    public Set<String> sectionKeys() {
        return sections.keySet();
    }

    @Override
    public void validateSection(String key, List<PluginConfig> entries, SectionContext context) throws ConfigException {
        try {
            sections.get(key).validate(entries, context);
        } catch (RuntimeException e) {
            // As for discoverers: a plugin's bug is a config error naming the key, not a crashed loader.
            String at = entries.isEmpty() ? "" : entries.get(0).location();
            throw new ConfigException((at.isEmpty() ? "" : at + ": ") + key + ": the plugin owning " + key
                    + " failed validating its entries: " + e, at, key, e);
        }
    }

    @Override
    public Set<String> waitingSectionKeys() {
        return waitingSectionKeys;
    }

    @Override
    public boolean waitForMissingPlugins() {
        return waitForMissingPlugins;
    }

    @Override
    public Set<String> discoveryTypes() {
        return factories.keySet();
    }

    @Override
    public void validateDiscovery(String type, PluginConfig config) throws ConfigException {
        DiscovererFactory factory = factories.get(type);
        try {
            factory.validate(config, KernelPluginContext.of(type, "validation", Path.of("").toAbsolutePath(), metrics, httpClients));
        } catch (RuntimeException e) {
            // A plugin's bug must not take the config loader down; name the plugin and the block.
            throw new ConfigException(config.location() + ": " + config.key() + ": the " + type
                    + " discovery plugin failed validating the block: " + e, config.location(), config.key(), e);
        }
    }

    @Override
    public Set<String> discoverySecrets(String type) {
        DiscovererFactory factory = factories.get(type);
        try {
            return factory == null ? Set.of() : factory.secretFields();
        } catch (RuntimeException e) {
            return Set.of();
        }
    }
}
