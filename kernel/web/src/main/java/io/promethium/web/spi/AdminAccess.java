package io.promethium.web.spi;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Who may use the admin API, as the web bundle decided it from its flags and web config file
 * (it owns the listeners and the authentication). Registered by the web bundle once it listens.
 */
@ProviderType
public interface AdminAccess {

    /** Whether {@code --web.enable-admin-api} is set: without it the admin API answers {@code unavailable}. */
    boolean enabled();

    /**
     * Why installing, updating, starting, stopping or uninstalling plugins is refused, naming
     * each missing condition (the flag; authentication or loopback-only listeners); {@code ""}
     * when allowed.
     */
    String writesRefusal();
}
