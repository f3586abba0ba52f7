package io.promethium.config.plugin;

import io.promethium.api.discovery.DiscoveryContext;
import io.promethium.api.http.HttpClientFactory;
import io.promethium.api.plugin.MetricsRegistrar;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.logging.Logger;

/**
 * The context a plugin instance gets: also a {@link DiscoveryContext}, so one type serves
 * discoverers, notifiers and other plugins.
 *
 * @param loggerName the logger's name, e.g. {@code io.promethium.plugin.dns.node}: plugin type, then owner
 */
public record KernelPluginContext(Path configDirectory, String owner, String loggerName, MetricsRegistrar metrics,
                                  HttpClientFactory httpClients) implements DiscoveryContext {

    public KernelPluginContext {
        Objects.requireNonNull(configDirectory, "configDirectory is null");
        Objects.requireNonNull(owner, "owner is null");
        Objects.requireNonNull(loggerName, "loggerName is null");
        Objects.requireNonNull(metrics, "metrics is null");
        Objects.requireNonNull(httpClients, "httpClients is null");
    }

    /** A context for plugin {@code type} serving {@code owner}. */
    public static KernelPluginContext of(String type, String owner, Path configDirectory, MetricsRegistrar metrics,
                                         HttpClientFactory httpClients) {
        return new KernelPluginContext(configDirectory, owner, "io.promethium.plugin." + type + "." + owner, metrics, httpClients);
    }

    @Override
    public ThreadFactory threads() {
        return Thread.ofVirtual().name(loggerName.substring("io.promethium.plugin.".length()) + "-", 0).factory();
    }

    @Override
    public Logger logger() {
        return Logger.getLogger(loggerName);
    }
}
