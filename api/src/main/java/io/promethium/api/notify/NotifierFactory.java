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
     * Checks one config block without side effects: the one validation method the kernel calls for
     * a notifier, at load, reload and in {@code check alertmanager-config}, as
     * {@link io.promethium.api.discovery.DiscovererFactory#validate(PluginConfig, io.promethium.api.plugin.PluginContext)}
     * is for a discoverer. Unknown fields are errors naming them; throw errors made by
     * {@link PluginConfig#error(String, String)}, which carry the field and its file:line:col.
     */
    void validate(PluginConfig config, NotifierContext context) throws ConfigException;

    /** Builds the notifier of one validated block. */
    Notifier create(PluginConfig config, NotifierContext context) throws ConfigException;

    /**
     * Alertmanager's default of {@code send_resolved} for this integration (true for webhook and
     * PagerDuty). Every notifier delivers a resolved notification it is given (the contract base
     * checks it): the kernel, not the notifier, decides from {@code send_resolved} whether to pass
     * it, so there is nothing a notifier may silently drop and no capability to declare.
     */
    default boolean sendResolvedByDefault() {
        return false;
    }

    /**
     * Fields of a block whose values are secrets, as dotted paths ({@code api_key},
     * {@code auth.password}), shown as {@code <secret>} wherever config is shown. The secrets of
     * {@code http_config} are masked without being listed.
     */
    default java.util.Set<String> secretFields() {
        return java.util.Set.of();
    }
}
