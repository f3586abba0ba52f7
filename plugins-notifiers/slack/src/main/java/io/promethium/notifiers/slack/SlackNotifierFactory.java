package io.promethium.notifiers.slack;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.notify.TemplateFields;
import org.osgi.service.component.annotations.Component;

/**
 * {@code slack_configs}: Alertmanager's Slack integration (see {@link SlackSettings#FIELDS});
 * {@code api_url} falls back to the global {@code slack_api_url}, {@code http_config} to the
 * global {@code http_config}; {@code send_resolved}
 * defaults to false (read by the kernel).
 */
@Component(service = NotifierFactory.class)
public final class SlackNotifierFactory implements NotifierFactory {

    @Override
    public String type() {
        return "slack";
    }

    @Override
    public java.util.Set<String> secretFields() {
        return java.util.Set.of("api_url", "app_token");
    }

    @Override
    public void validate(PluginConfig config, NotifierContext context) throws ConfigException {
        SlackSettings settings = SlackSettings.parse(config, context);
        context.validateHttpConfig(config);
        // The block's own templates first, so an error names its field.
        java.util.Map<String, String> own = new java.util.LinkedHashMap<>();
        for (String field : java.util.List.of("channel", "username", "color", "title", "title_link", "pretext", "text", "footer", "fallback", "callback_id", "icon_emoji", "icon_url", "image_url", "thumb_url")) {
            if (config.values().get(field) instanceof String text) {
                own.put(field, text);
            }
        }
        TemplateFields.check(config, context, own);
        if (context.templates() != null) {
            for (String template : settings.templates()) {
                context.templates().check(template);
            }
        }
    }

    @Override
    public Notifier create(PluginConfig config, NotifierContext context) throws ConfigException {
        SlackSettings settings = SlackSettings.parse(config, context);
        return new SlackNotifier(settings, context, context.httpClients().create(context.httpConfig(config), context.configDirectory()));
    }
}
