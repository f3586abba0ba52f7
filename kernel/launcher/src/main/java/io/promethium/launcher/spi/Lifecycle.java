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

    /**
     * Whether startup has finished (config loaded, storage ready, the web listening) and the log
     * has said so: {@code /-/ready}.
     */
    boolean ready();

    /**
     * The web bundle reports that its listener accepts connections. The server says it is ready
     * to receive web requests only once this and the first config load both happened.
     *
     * @param address the address listened on, as the log names it
     * @since 1.1
     */
    void listening(String address);
}
