package io.promethium.api.notify;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.HttpClientFactory;
import io.promethium.api.plugin.PluginContext;
import io.promethium.api.trace.Tracer;
import java.nio.file.Path;
import java.util.Map;
import java.util.logging.Logger;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What the kernel gives a notifier with its config: the plugin context every plugin gets
 * (logger, metrics registrar, HTTP clients applying the block's {@code http_config}, threads),
 * the receiver it serves, the {@code global} defaults of {@code alertmanager.yml}, the template
 * renderer, and whether resolved notifications are wanted. Thread-safe; valid until the
 * notifier is closed. {@link #owner()} is the receiver's name.
 */
@ProviderType
public interface NotifierContext extends PluginContext {

    /** The receiver's name, for logs and metric labels. */
    String receiver();

    /** The folder of {@code alertmanager.yml}; relative file names ({@code url_file}) resolve against it. */
    Path configDirectory();

    /**
     * The {@code global} block as YAML gave it (strings, numbers, booleans, lists, maps), with
     * Alertmanager's defaults filled in ({@code resolve_timeout}, {@code smtp_require_tls}, the
     * API URLs of Slack, PagerDuty, ...). A notifier takes its own defaults from here.
     */
    Map<String, Object> globals();

    /**
     * Checks the {@code http_config} a notifier of {@code block} uses ({@link #httpConfig}): only
     * the fields of {@code http_config}, each valid, errors at their file:line:col. Call it from
     * {@code validate}; {@code create} then builds the client from {@code httpConfig(block)}.
     *
     * @return that {@code http_config}
     * @throws ConfigException naming the field
     * @since 1.4
     */
    default PluginConfig validateHttpConfig(PluginConfig block) throws ConfigException {
        PluginConfig http = httpConfig(block);
        http.requireOnly(HttpClientFactory.FIELDS);
        httpClients().validate(http);
        return http;
    }

    /**
     * The {@code global} entry {@code key} as a string ({@code opsgenie_api_url}), or null when
     * it is absent or empty: the default a receiver block falls back to.
     *
     * @since 1.4
     */
    default String globalString(String key) {
        Object v = globals().get(key);
        return v == null || v.toString().isEmpty() ? null : v.toString();
    }

    /**
     * The Alertmanager's tracer ({@code alertmanager.yml}'s {@code tracing:}), whose spans are
     * children of the dispatcher's {@code notify.Integration.Notify} attempt on the sending
     * thread. The server's contexts already trace the sends of the clients {@link #httpClients()}
     * makes with it (see {@link HttpDelivery#traced}); a notifier uses it only for spans of its
     * own. {@link Tracer#NONE} unless the context has one.
     *
     * @since 1.10
     */
    default Tracer tracer() {
        return Tracer.NONE;
    }

    /** Renders notification text with the config's templates and the built-in defaults. */
    TemplateRenderer templates();

    /** The effective {@code send_resolved} of this block. */
    boolean sendResolved();

    /** A logger named for the notifier type and receiver. */
    Logger logger();

    /**
     * The {@code http_config} a notifier of {@code block} uses, as Alertmanager chooses it: the
     * block's own when it has one, else the {@code global} {@code http_config} (a default taken
     * whole, not merged field by field), else an empty block. Validate it with
     * {@code httpClients().validate(...)} and build the client with
     * {@code httpClients().create(httpConfig(block), configDirectory())}.
     *
     * @throws ConfigException when {@code http_config} is not a mapping
     * @since 1.2
     */
    default PluginConfig httpConfig(PluginConfig block) throws ConfigException {
        PluginConfig own = block.block("http_config");
        if (own != null) {
            return own;
        }
        if (globals().get("http_config") instanceof Map<?, ?> global) {
            @SuppressWarnings("unchecked")
            Map<String, Object> values = (Map<String, Object>) global;
            return new PluginConfig("global.http_config", values, "global.http_config");
        }
        return new PluginConfig(block.key() + ".http_config", Map.of(), block.location());
    }
}
