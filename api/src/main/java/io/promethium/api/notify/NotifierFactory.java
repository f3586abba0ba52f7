package io.promethium.api.notify;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import org.osgi.annotation.versioning.ConsumerType;

/** Builds notifiers of one type; owns the receiver key {@code <type>_configs}. */
@ConsumerType
public interface NotifierFactory {

    /** e.g. {@code email}, {@code slack}, {@code webhook}. */
    String type();

    void validate(PluginConfig config) throws ConfigException;

    Notifier create(PluginConfig config) throws ConfigException;
}
