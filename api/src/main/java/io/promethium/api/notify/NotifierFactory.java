package io.promethium.api.notify;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.plugin.PluginContext;
import java.util.Set;
import org.osgi.annotation.versioning.ConsumerType;

/** Builds notifiers of one type; owns the receiver key {@code <type>_configs}. */
@ConsumerType
public interface NotifierFactory {

    /** e.g. {@code email}, {@code slack}, {@code webhook}. */
    String type();

    void validate(PluginConfig config) throws ConfigException;

    /**
     * Checks a block with the kernel's help (e.g. {@code context.httpClients().validate(config)}
     * for an HTTP notifier). The default calls {@link #validate(PluginConfig)}.
     */
    default void validate(PluginConfig config, PluginContext context) throws ConfigException {
        validate(config);
    }

    Notifier create(PluginConfig config) throws ConfigException;

    /**
     * A notifier with the kernel's context: logger, metrics, and HTTP clients that apply the
     * block's {@code http_config}. The kernel calls this one; the default ignores the context.
     */
    default Notifier create(PluginConfig config, PluginContext context) throws ConfigException {
        return create(config);
    }

    /** Secret fields as dotted paths, masked as {@code <secret>} wherever config is shown. */
    default Set<String> secretFields() {
        return Set.of();
    }
}
