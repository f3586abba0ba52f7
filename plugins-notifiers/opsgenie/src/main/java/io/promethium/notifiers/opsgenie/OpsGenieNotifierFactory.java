package io.promethium.notifiers.opsgenie;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.notify.TemplateFields;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * {@code opsgenie_configs}: Alertmanager's Opsgenie integration (see {@link OpsGenieSettings});
 * {@code api_key[_file]} and {@code api_url} fall back to the global {@code opsgenie_api_key[_file]}
 * and {@code opsgenie_api_url}; {@code send_resolved} defaults to true.
 */
@Component(service = NotifierFactory.class)
public final class OpsGenieNotifierFactory implements NotifierFactory {

    @Override
    public String type() {
        return "opsgenie";
    }

    @Override
    public boolean sendResolvedByDefault() {
        return true;
    }

    @Override
    public Set<String> secretFields() {
        return Set.of("api_key");
    }

    @Override
    public void validate(PluginConfig config, NotifierContext context) throws ConfigException {
        OpsGenieSettings settings = OpsGenieSettings.parse(config, context);
        context.validateHttpConfig(config);
        TemplateFields.check(config, context, settings.templates());
    }

    @Override
    public Notifier create(PluginConfig config, NotifierContext context) throws ConfigException {
        OpsGenieSettings settings = OpsGenieSettings.parse(config, context);
        return new OpsGenieNotifier(settings, context, context.httpClients().create(context.httpConfig(config), context.configDirectory()));
    }
}
