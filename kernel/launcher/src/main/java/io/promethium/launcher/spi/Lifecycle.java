package io.promethium.launcher.spi;

import org.osgi.annotation.versioning.ProviderType;

/** Server-wide actions, as Prometheus's {@code /-/reload} and {@code /-/quit}. */
@ProviderType
public interface Lifecycle {

    /**
     * Reloads the config file.
     *
     * @return {@code ""} on success, else the error
     */
    String reload();

    /** Starts a graceful shutdown and returns at once. */
    void shutdown();

    /** Whether startup has finished (config loaded, storage ready): {@code /-/ready}. */
    boolean ready();
}
