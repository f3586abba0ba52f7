package io.promethium.notifiers.discord;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
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
 * {@code discord_configs}: Alertmanager's Discord webhook integration: exactly one of
 * {@code webhook_url} (a secret) and {@code webhook_url_file}; {@code title} and {@code message}
 * default to the {@code discord.default.*} templates, {@code content} to empty;
 * {@code username} and {@code avatar_url} as given; {@code send_resolved} defaults to true.
 */
@Component(service = NotifierFactory.class)
public final class DiscordNotifierFactory implements NotifierFactory {

    static final Set<String> FIELDS = Set.of("webhook_url", "webhook_url_file", "content", "title", "message", "username",
            "avatar_url", "http_config");

    /** One validated block. */
    record Settings(URI webhookUrl, Path webhookUrlFile, String content, String title, String message, String username,
                    String avatarUrl) {

        Map<String, String> templates() {
            Map<String, String> t = new LinkedHashMap<>();
            t.put("content", content);
            t.put("title", title);
            t.put("message", message);
            return t;
        }
    }

    @Override
    public String type() {
        return "discord";
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
                c.string("content", ""),
                c.string("title", "{{ template \"discord.default.title\" . }}"),
                c.string("message", "{{ template \"discord.default.message\" . }}"),
                c.string("username", ""), c.string("avatar_url", ""));
    }

    @Override
    public void validate(PluginConfig config, NotifierContext context) throws ConfigException {
        Settings settings = settings(config, context);
        context.validateHttpConfig(config);
        TemplateFields.check(config, context, settings.templates());
    }

    @Override
    public Notifier create(PluginConfig config, NotifierContext context) throws ConfigException {
        return new DiscordNotifier(settings(config, context), context,
                context.httpClients().create(context.httpConfig(config), context.configDirectory()));
    }
}
