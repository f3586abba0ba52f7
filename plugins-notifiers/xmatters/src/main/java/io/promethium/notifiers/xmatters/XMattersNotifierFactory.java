package io.promethium.notifiers.xmatters;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierFactory;
import org.osgi.service.component.annotations.Component;

/**
 * {@code xmatters_configs}: alert groups to xMatters (see {@link XMattersSettings#FIELDS});
 * {@code send_resolved} defaults to true so that a resolved group closes the event it opened.
 */
@Component(service = NotifierFactory.class)
public final class XMattersNotifierFactory implements NotifierFactory {

    @Override
    public String type() {
        return "xmatters";
    }

    @Override
    public java.util.Set<String> secretFields() {
        return java.util.Set.of("api_key", "basic_auth.password");
    }

    @Override
    public boolean sendResolvedByDefault() {
        return true;
    }

    @Override
    public void validate(PluginConfig config, NotifierContext context) throws ConfigException {
        XMattersSettings settings = XMattersSettings.parse(config, context);
        context.validateHttpConfig(config);
        if (context.templates() != null) {
            for (String template : settings.properties().values()) {
                context.templates().check(template);
            }
            for (String template : settings.recipients()) {
                context.templates().check(template);
            }
        }
    }

    @Override
    public Notifier create(PluginConfig config, NotifierContext context) throws ConfigException {
        XMattersSettings settings = XMattersSettings.parse(config, context);
        return new XMattersNotifier(settings, context, context.httpClients().create(context.httpConfig(config), context.configDirectory()));
    }
}
