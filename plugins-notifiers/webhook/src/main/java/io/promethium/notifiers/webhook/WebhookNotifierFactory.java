package io.promethium.notifiers.webhook;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.notify.NotifierUrls;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * {@code webhook_configs}: Alertmanager's webhook. Fields: {@code url} or {@code url_file},
 * {@code max_alerts}, {@code timeout} (Alertmanager 0.34: the longest one request may take, 0 or
 * unset for none beyond the dispatcher's deadline), {@code payload} (Alertmanager 0.34: a body of
 * the user's, its strings templates, see {@link CustomPayload}), {@code http_config} (the kernel's HTTP client: auth, OAuth 2, TLS, proxy;
 * the global {@code http_config} when the block has none); {@code send_resolved} defaults to
 * true (read by the kernel).
 */
@Component(service = NotifierFactory.class)
public final class WebhookNotifierFactory implements NotifierFactory {

    static final Set<String> FIELDS = Set.of("url", "url_file", "max_alerts", "timeout", "http_config", "payload");

    @Override
    public String type() {
        return "webhook";
    }

    @Override
    public boolean sendResolvedByDefault() {
        return true;
    }

    /** Alertmanager masks the webhook URL: it often carries a token. */
    @Override
    public Set<String> secretFields() {
        return Set.of("url");
    }

    @Override
    public void validate(PluginConfig config, NotifierContext context) throws ConfigException {
        Settings settings = settings(config, context);
        if (settings.payload() != null) {
            CustomPayload.check(config, context, config.values().get("payload"));
        }
        context.validateHttpConfig(config);
    }

    @Override
    public Notifier create(PluginConfig config, NotifierContext context) throws ConfigException {
        Settings settings = settings(config, context);
        return new WebhookNotifier(settings, context.httpClients().create(context.httpConfig(config), context.configDirectory()), context);
    }

    /**
     * The validated settings of one block.
     *
     * @param payload the custom body ({@code payload}), or null for Alertmanager's webhook message
     */
    record Settings(URI url, Path urlFile, long maxAlerts, Duration timeout, CustomPayload payload) {
    }

    static Settings settings(PluginConfig config, NotifierContext context) throws ConfigException {
        config.requireOnly(FIELDS);
        String url = config.string("url", null);
        String urlFile = config.string("url_file", null);
        if (url == null && urlFile == null) {
            throw config.error("one of url or url_file must be configured");
        }
        if (url != null && urlFile != null) {
            throw config.error("at most one of url & url_file must be configured");
        }
        URI uri = null;
        if (url != null) {
            uri = parseUrl(url, config);
        }
        Path file = urlFile == null ? null : context.configDirectory().resolve(urlFile);
        long maxAlerts = config.integer("max_alerts", 0);
        if (maxAlerts < 0) {
            throw config.error("max_alerts", "max_alerts: must not be negative, got " + maxAlerts);
        }
        Object payload = config.values().get("payload");
        return new Settings(uri, file, maxAlerts, config.duration("timeout", Duration.ZERO),
                payload == null ? null : new CustomPayload(payload));
    }

    static URI parseUrl(String url, PluginConfig config) throws ConfigException {
        return NotifierUrls.parse(config, "url", url, true); // the URL is a secret: not echoed
    }
}
