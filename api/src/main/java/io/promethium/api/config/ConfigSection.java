package io.promethium.api.config;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A plugin that owns a top-level list of {@code prometheus.yml}, such as {@code remote_write:} or
 * {@code remote_read:}. Registered as a service; the config loader routes each entry of the list
 * to the owner as a {@link PluginConfig}, and a top-level key no installed plugin owns is a config
 * error naming the key. Calls come from one config thread at a time.
 */
@ConsumerType
public interface ConfigSection {

    /** The owned top-level key, e.g. {@code remote_write}. */
    String key();

    /**
     * Checks the entries without starting anything; throws naming the bad field and its location
     * ({@link PluginConfig#error(String, String)} fills {@link ConfigException#field()} and
     * {@link ConfigException#location()}). The kernel calls it at load, reload and in
     * {@code promethium check config}, before {@link #apply}.
     */
    void validate(List<PluginConfig> entries, SectionContext context) throws ConfigException;

    /**
     * Applies validated entries: called at load and at every successful reload, with an empty list
     * when the key is absent (the owner then stops what it runs for it).
     */
    void apply(List<PluginConfig> entries, SectionContext context) throws ConfigException;
}
