package io.promethium.api.config;

/**
 * A config block is invalid. The message names the key and, when known, the file and line. Every
 * kind of plugin throws this from its {@code validate} (discoverers, notifiers, config sections);
 * built by {@link PluginConfig#error(String, String)} it also carries the field at fault and its
 * {@code file:line:column} separately (1.4), so a tool can point at them without parsing the
 * message.
 */
public class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Where the bad value is written ({@code file:line:column}), or empty when not known. */
    private final String location;
    /** The dotted path of the bad field ({@code consul_sd_configs.tls_config.ca_file}), or empty. */
    private final String field;

    public ConfigException(String message) {
        this(message, "", "", null);
    }

    public ConfigException(String message, Throwable cause) {
        this(message, "", "", cause);
    }

    /**
     * An error whose field and location are known; {@code message} is the whole message (already
     * prefixed with the location, as {@link PluginConfig#error(String, String)} writes it). A
     * kernel that re-words a plugin's error passes on the plugin's {@code location()} and
     * {@code field()}.
     *
     * @param location {@code file:line:column}, or empty/null when not known
     * @param field the dotted path of the field at fault, or empty/null when not known
     * @since 1.4
     */
    public ConfigException(String message, String location, String field, Throwable cause) {
        super(message, cause);
        this.location = location == null ? "" : location;
        this.field = field == null ? "" : field;
    }

    /** Where the bad value is written ({@code file:line:column}); empty when not known. @since 1.4 */
    public String location() {
        return location;
    }

    /** The dotted path of the field at fault, from the owned key; empty when not known. @since 1.4 */
    public String field() {
        return field;
    }
}
