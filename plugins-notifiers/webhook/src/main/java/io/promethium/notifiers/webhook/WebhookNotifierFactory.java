package io.promethium.notifiers.webhook;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * {@code webhook_configs}: Alertmanager's webhook. Fields: {@code url} or {@code url_file},
 * {@code max_alerts}, {@code timeout} (Alertmanager 0.34: the longest one request may take, 0 or
 * unset for none beyond the dispatcher's deadline), {@code http_config} (the kernel's HTTP client: auth, OAuth 2, TLS, proxy;
 * the global {@code http_config} when the block has none); {@code send_resolved} defaults to
 * true (read by the kernel).
 */
@Component(service = NotifierFactory.class)
public final class WebhookNotifierFactory implements NotifierFactory {

    static final Set<String> FIELDS = Set.of("url", "url_file", "max_alerts", "timeout", "http_config");

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
        settings(config, context);
        context.validateHttpConfig(config);
    }

    @Override
    public Notifier create(PluginConfig config, NotifierContext context) throws ConfigException {
        Settings settings = settings(config, context);
        return new WebhookNotifier(settings, context.httpClients().create(context.httpConfig(config), context.configDirectory()));
    }

    /** The validated settings of one block. */
    record Settings(URI url, Path urlFile, long maxAlerts, Duration timeout) {
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
            throw config.error("max_alerts: must not be negative, got " + maxAlerts);
        }
        return new Settings(uri, file, maxAlerts, config.duration("timeout", Duration.ZERO));
    }

    static URI parseUrl(String url, PluginConfig config) throws ConfigException {
        try {
            URI uri = new URI(url.strip());
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
                throw config.error("url: unsupported scheme or missing host (want http:// or https://)");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw config.error("url: invalid URL"); // the URL is a secret: not echoed
        }
    }
}
