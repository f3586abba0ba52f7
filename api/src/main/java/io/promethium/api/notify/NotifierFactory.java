package io.promethium.api.notify;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Builds notifiers of one type; owns the receiver key {@code <type>_configs} of
 * {@code alertmanager.yml}. The kernel reads {@code send_resolved} itself (see
 * {@link #sendResolvedByDefault()}) and removes it from the block before calling the factory.
 */
@ConsumerType
public interface NotifierFactory {

    /** e.g. {@code email}, {@code slack}, {@code webhook}. */
    String type();

    /**
     * Checks one config block without side effects (also used by {@code check alertmanager-config}).
     * Unknown fields are errors naming them.
     */
    void validate(PluginConfig config, NotifierContext context) throws ConfigException;

    /** Builds the notifier of one validated block. */
    Notifier create(PluginConfig config, NotifierContext context) throws ConfigException;

    /** Alertmanager's default of {@code send_resolved} for this integration (true for webhook and PagerDuty). */
    default boolean sendResolvedByDefault() {
        return false;
    }
}
