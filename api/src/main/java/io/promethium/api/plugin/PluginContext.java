package io.promethium.api.plugin;

import io.promethium.api.http.HttpClientFactory;
import java.nio.file.Path;
import java.util.concurrent.ThreadFactory;
import java.util.logging.Logger;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What the kernel hands a plugin instance with its config: a logger, a metrics registrar, the
 * HTTP client factory, and where relative paths resolve. One context per instance (a discoverer
 * of one scrape job, a notifier of one receiver, a remote-write queue); it stays valid until
 * the instance is closed. Thread-safe.
 */
@ProviderType
public interface PluginContext {

    /** The folder of the config file; relative file names in config resolve against it. */
    Path configDirectory();

    /**
     * What this instance serves, for logs and metric labels: the scrape job, the Alertmanager
     * set ({@code config-0}), the receiver, the remote-write queue.
     */
    String owner();

    /** A logger named for the plugin type and owner; log an error once per change, not per retry. */
    Logger logger();

    /** Where the instance's metrics go; they appear on the server's {@code /metrics}. */
    MetricsRegistrar metrics();

    /** Builds HTTP clients from the standard {@code http_client_config} fields of a block. */
    HttpClientFactory httpClients();

    /**
     * Virtual threads named for the plugin and owner. Start the instance's threads here so the
     * kernel can name them in thread dumps and the contract tests can check none outlives
     * {@code close()}.
     */
    ThreadFactory threads();
}
