package io.promethium.api.discovery;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Builds discoverers of one type. Registered as an OSGi service (and listed for ServiceLoader);
 * the kernel routes each block under {@code <type>_sd_configs} to the factory of that type.
 */
@ConsumerType
public interface DiscovererFactory {

    /** The mechanism's name, e.g. {@code file}; lower case, letters, digits and underscores. */
    String type();

    /** Checks a config block without starting anything; throws naming the bad key. */
    void validate(PluginConfig config) throws ConfigException;

    /** A discoverer for a validated config block; not started. */
    Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException;
}
