package io.promethium.notifiers.jira;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.notify.TemplateFields;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * {@code jira_configs}: Alertmanager's Jira integration (see {@link JiraSettings});
 * {@code api_url} falls back to the global {@code jira_api_url}; credentials go in
 * {@code http_config} (basic auth with an API token, or a bearer token); {@code send_resolved}
 * defaults to true.
 */
@Component(service = NotifierFactory.class)
public final class JiraNotifierFactory implements NotifierFactory {

    @Override
    public String type() {
        return "jira";
    }

    @Override
    public boolean sendResolvedByDefault() {
        return true;
    }

    @Override
    public void validate(PluginConfig config, NotifierContext context) throws ConfigException {
        JiraSettings settings = JiraSettings.parse(config, context);
        context.validateHttpConfig(config);
        TemplateFields.check(config, context, settings.templates());
    }

    @Override
    public Notifier create(PluginConfig config, NotifierContext context) throws ConfigException {
        return new JiraNotifier(JiraSettings.parse(config, context), context,
                context.httpClients().create(context.httpConfig(config), context.configDirectory()));
    }
}
