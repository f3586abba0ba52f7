package io.promethium.notifiers.msteamsv2;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.HttpClientFactory;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.notify.NotifierUrls;
import io.promethium.api.notify.TemplateFields;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * {@code msteamsv2_configs}: Alertmanager's Microsoft Teams integration through a Workflows
 * webhook (Power Automate): exactly one of {@code webhook_url} (a secret) and {@code webhook_url_file};
 * {@code title} and {@code text} default to the {@code msteamsv2.default.*}
 * templates; {@code send_resolved} defaults to true.
 */
@Component(service = NotifierFactory.class)
public final class MSTeamsV2NotifierFactory implements NotifierFactory {

    static final Set<String> FIELDS = Set.of("webhook_url", "webhook_url_file", "title", "text", "http_config");

    /** One validated block. */
    record Settings(URI webhookUrl, Path webhookUrlFile, String title, String text) {

        Map<String, String> templates() {
            Map<String, String> t = new LinkedHashMap<>();
            t.put("title", title);
            t.put("text", text);
            return t;
        }
    }

    @Override
    public String type() {
        return "msteamsv2";
    }

    @Override
    public boolean sendResolvedByDefault() {
        return true;
    }

    @Override
    public Set<String> secretFields() {
        return Set.of("webhook_url");
    }

    static Settings settings(PluginConfig c, NotifierContext context) throws ConfigException {
        c.requireOnly(FIELDS);
        String url = c.string("webhook_url", null);
        String file = c.string("webhook_url_file", null);
        if (url == null && file == null) {
            throw c.error("one of webhook_url or webhook_url_file must be configured");
        }
        if (url != null && file != null) {
            throw c.error("at most one of webhook_url & webhook_url_file must be configured");
        }
        return new Settings(url == null ? null : NotifierUrls.parse(c, "webhook_url", url, true),
                file == null ? null : context.configDirectory().resolve(file),
                c.string("title", "{{ template \"msteamsv2.default.title\" . }}"),
                c.string("text", "{{ template \"msteamsv2.default.text\" . }}"));
    }

    /**
     * The block's {@code http_config}, as Alertmanager picks it for this integration alone: the
     * global one when the block has none, and a block's own without {@code proxy_url} takes the
     * global {@code proxy_url} (Workflows webhooks are often reached through a corporate proxy).
     */
    static PluginConfig httpConfig(PluginConfig config, NotifierContext context) throws ConfigException {
        PluginConfig http = context.httpConfig(config);
        if (config.block("http_config") == null || http.has("proxy_url")) {
            return http;
        }
        if (context.globals().get("http_config") instanceof Map<?, ?> global && global.get("proxy_url") != null) {
            Map<String, Object> merged = new LinkedHashMap<>(http.values());
            merged.put("proxy_url", global.get("proxy_url"));
            return new PluginConfig(http.key(), merged, http.location(), http.locations());
        }
        return http;
    }

    @Override
    public void validate(PluginConfig config, NotifierContext context) throws ConfigException {
        Settings settings = settings(config, context);
        PluginConfig http = httpConfig(config, context);
        http.requireOnly(HttpClientFactory.FIELDS);
        context.httpClients().validate(http);
        TemplateFields.check(config, context, settings.templates());
    }

    @Override
    public Notifier create(PluginConfig config, NotifierContext context) throws ConfigException {
        return new MSTeamsV2Notifier(settings(config, context), context,
                context.httpClients().create(httpConfig(config, context), context.configDirectory()));
    }
}
