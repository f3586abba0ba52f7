package io.promethium.notifiers.mattermost;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.notify.TemplateFields;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * {@code mattermost_configs}: Alertmanager's Mattermost incoming webhook integration (see
 * {@link MattermostSettings}); {@code webhook_url[_file]} falls back to the global
 * {@code mattermost_webhook_url[_file]}; {@code send_resolved} defaults to true.
 */
@Component(service = NotifierFactory.class)
public final class MattermostNotifierFactory implements NotifierFactory {

    @Override
    public String type() {
        return "mattermost";
    }

    @Override
    public boolean sendResolvedByDefault() {
        return true;
    }

    @Override
    public Set<String> secretFields() {
        return Set.of("webhook_url");
    }

    @Override
    public void validate(PluginConfig config, NotifierContext context) throws ConfigException {
        MattermostSettings settings = MattermostSettings.parse(config, context);
        context.validateHttpConfig(config);
        TemplateFields.check(config, context, settings.templates());
    }

    @Override
    public Notifier create(PluginConfig config, NotifierContext context) throws ConfigException {
        return new MattermostNotifier(MattermostSettings.parse(config, context), context,
                context.httpClients().create(context.httpConfig(config), context.configDirectory()));
    }
}
