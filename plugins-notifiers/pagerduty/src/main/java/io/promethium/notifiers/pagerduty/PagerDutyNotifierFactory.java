package io.promethium.notifiers.pagerduty;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.notify.TemplateFields;
import org.osgi.service.component.annotations.Component;

/**
 * {@code pagerduty_configs}: Alertmanager's PagerDuty integration (see
 * {@link PagerDutySettings#FIELDS}); {@code send_resolved} defaults to true, so a resolved group
 * resolves the incident its trigger opened.
 */
@Component(service = NotifierFactory.class)
public final class PagerDutyNotifierFactory implements NotifierFactory {

    @Override
    public String type() {
        return "pagerduty";
    }

    @Override
    public java.util.Set<String> secretFields() {
        return java.util.Set.of("routing_key", "service_key");
    }

    @Override
    public boolean sendResolvedByDefault() {
        return true;
    }

    @Override
    public void validate(PluginConfig config, NotifierContext context) throws ConfigException {
        PagerDutySettings settings = PagerDutySettings.parse(config, context);
        context.validateHttpConfig(config);
        // The block's own templates first, so an error names its field.
        java.util.Map<String, String> own = new java.util.LinkedHashMap<>();
        for (String field : java.util.List.of("client", "client_url", "description", "source", "severity", "class", "component", "group")) {
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
        PagerDutySettings settings = PagerDutySettings.parse(config, context);
        return new PagerDutyNotifier(settings, context, context.httpClients().create(context.httpConfig(config), context.configDirectory()));
    }
}
