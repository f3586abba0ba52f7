package io.promethium.api.discovery;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.plugin.PluginContext;
import java.util.Set;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Builds discoverers of one type. Registered as an OSGi service (and listed for ServiceLoader);
 * the kernel routes each block under {@code <type>_sd_configs} to the factory of that type.
 * Needs a public no-argument constructor; what an instance needs arrives in the context.
 */
@ConsumerType
public interface DiscovererFactory {

    /** The mechanism's name, e.g. {@code file}; lower case, letters, digits and underscores. */
    String type();

    /** Checks a config block without starting anything; throws naming the bad key. */
    void validate(PluginConfig config) throws ConfigException;

    /**
     * Checks a config block with the kernel's help: a block that embeds
     * {@code http_client_config} calls {@code context.httpClients().validate(config)}. The
     * kernel (and {@code promethium check config}) calls this one, and only this one, as it calls
     * {@code NotifierFactory.validate(config, NotifierContext)} for a notifier; the default calls
     * {@link #validate(PluginConfig)}, its error passed on as it is (with its
     * {@link ConfigException#field()} and {@link ConfigException#location()}).
     */
    default void validate(PluginConfig config, PluginContext context) throws ConfigException {
        validate(config);
    }

    /** A discoverer for a validated config block; not started. */
    Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException;

    /**
     * Fields of a block whose values are secrets, as dotted paths ({@code token},
     * {@code auth.secret_key}; a list in the path applies to each of its items). Shown as
     * {@code <secret>} wherever config is shown. The secrets of {@code http_client_config}
     * ({@code basic_auth.password}, {@code authorization.credentials},
     * {@code oauth2.client_secret}, {@code bearer_token}) are masked without being listed.
     */
    default Set<String> secretFields() {
        return Set.of();
    }
}
