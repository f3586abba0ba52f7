package io.promethium.config;

import io.promethium.api.config.ConfigSection;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.config.http.KernelHttpClientFactory;
import io.promethium.config.internal.DiscoveryKeys;
import io.promethium.config.plugin.PluginMetricsRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The plugins a command-line tool finds: tools run without the OSGi framework, on the launcher's
 * flat class path of bundles and plugins, so the discovery factories and config sections are those
 * {@link ServiceLoader} lists there. {@link #keys()} makes a {@link ConfigLoader} accept exactly
 * the keys these plugins own (a key no plugin owns is an error naming it, as {@code check config}
 * reports it); {@link #discovererFactories()} lets a tool start discoverers
 * ({@code check service-discovery}). The running server never uses this class: it follows the
 * plugins' OSGi services instead.
 *
 * @since 1.4
 */
public final class InstalledPlugins {

    private final Map<String, DiscovererFactory> discovererFactories;
    private final PluginKeys keys;

    private InstalledPlugins(Map<String, DiscovererFactory> discovererFactories, Map<String, ConfigSection> sections) {
        this.discovererFactories = Map.copyOf(discovererFactories);
        this.keys = new DiscoveryKeys(discovererFactories, sections, new PluginMetricsRegistry(), new KernelHttpClientFactory());
    }

    /**
     * The plugins on the current thread's context class loader (where the launcher puts the flat
     * class path of {@code bundles/} and {@code plugins/}), or on this class's loader when there
     * is none.
     */
    public static InstalledPlugins find() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return find(loader == null ? InstalledPlugins.class.getClassLoader() : loader);
    }

    /** The plugins {@link ServiceLoader} finds on {@code loader}; of two factories of one type, the last found wins. */
    public static InstalledPlugins find(ClassLoader loader) {
        Map<String, DiscovererFactory> factories = new HashMap<>();
        for (DiscovererFactory factory : ServiceLoader.load(DiscovererFactory.class, loader)) {
            factories.put(factory.type(), factory);
        }
        Map<String, ConfigSection> sections = new HashMap<>();
        for (ConfigSection section : ServiceLoader.load(ConfigSection.class, loader)) {
            sections.put(section.key(), section);
        }
        return new InstalledPlugins(factories, sections);
    }

    /** The discovery factories by type ({@code file} owns {@code file_sd_configs}). */
    public Map<String, DiscovererFactory> discovererFactories() {
        return discovererFactories;
    }

    /** The keys these plugins own, strictly: a {@code <type>_sd_configs} or section key without a plugin is an error. */
    public PluginKeys keys() {
        return keys;
    }
}
