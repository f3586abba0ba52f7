package io.promethium.notifiers.incidentio;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.notify.NotifierUrls;
import io.promethium.api.notify.SecretField;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * {@code incidentio_configs}: Alertmanager's incident.io integration. Exactly one of {@code url}
 * and {@code url_file} (the alert source's HTTP endpoint); the token as
 * {@code alert_source_token[_file]} or, instead, {@code http_config.authorization};
 * {@code max_alerts} (0: all), {@code timeout} (0: the dispatcher's deadline only).
 * {@code send_resolved} defaults to true.
 */
@Component(service = NotifierFactory.class)
public final class IncidentioNotifierFactory implements NotifierFactory {

    static final Set<String> FIELDS = Set.of("url", "url_file", "alert_source_token", "alert_source_token_file", "max_alerts",
            "timeout", "http_config");

    /** One validated block; {@code token} null when {@code http_config.authorization} carries it. */
    record Settings(URI url, Path urlFile, SecretField token, long maxAlerts, Duration timeout) {
    }

    @Override
    public String type() {
        return "incidentio";
    }

    @Override
    public boolean sendResolvedByDefault() {
        return true;
    }

    @Override
    public Set<String> secretFields() {
        return Set.of("alert_source_token");
    }

    static Settings settings(PluginConfig c, NotifierContext context) throws ConfigException {
        c.requireOnly(FIELDS);
        String url = c.string("url", null);
        String file = c.string("url_file", null);
        if (url == null && file == null) {
            throw c.error("one of url or url_file must be configured");
        }
        if (url != null && file != null) {
            throw c.error("at most one of url & url_file must be configured");
        }
        SecretField token = SecretField.of(c, context, "alert_source_token", null);
        PluginConfig http = c.block("http_config");
        boolean authorization = http != null && http.has("authorization");
        if (authorization && token != null) {
            throw c.error("cannot specify alert_source_token or alert_source_token_file when using http_config.authorization");
        }
        if (http != null && !authorization && token == null) {
            throw c.error("at least one of alert_source_token, alert_source_token_file or http_config.authorization must be configured");
        }
        long maxAlerts = c.integer("max_alerts", 0);
        if (maxAlerts < 0) {
            throw c.error("max_alerts", "max_alerts: must not be negative, got " + maxAlerts);
        }
        return new Settings(url == null ? null : NotifierUrls.parse(c, "url", url, false),
                file == null ? null : context.configDirectory().resolve(file), token, maxAlerts,
                c.duration("timeout", Duration.ZERO));
    }

    @Override
    public void validate(PluginConfig config, NotifierContext context) throws ConfigException {
        settings(config, context);
        context.validateHttpConfig(config);
    }

    @Override
    public Notifier create(PluginConfig config, NotifierContext context) throws ConfigException {
        return new IncidentioNotifier(settings(config, context), context,
                context.httpClients().create(context.httpConfig(config), context.configDirectory()));
    }
}
