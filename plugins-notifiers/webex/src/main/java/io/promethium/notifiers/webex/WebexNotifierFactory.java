package io.promethium.notifiers.webex;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.notify.NotifierUrls;
import io.promethium.api.notify.TemplateFields;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * {@code webex_configs}: Alertmanager's Webex integration. {@code api_url} falls back to the
 * global {@code webex_api_url}; {@code room_id} is required; the bot token goes in the block's
 * own {@code http_config.authorization} (required, as Alertmanager: the global
 * {@code http_config} does not count); {@code message} defaults to the
 * {@code webex.default.message} template; {@code send_resolved} defaults to true.
 */
@Component(service = NotifierFactory.class)
public final class WebexNotifierFactory implements NotifierFactory {

    static final Set<String> FIELDS = Set.of("api_url", "message", "room_id", "http_config");

    /** One validated block. */
    record Settings(URI apiUrl, String message, String roomId) {

        Map<String, String> templates() {
            Map<String, String> t = new LinkedHashMap<>();
            t.put("message", message);
            t.put("room_id", roomId);
            return t;
        }
    }

    @Override
    public String type() {
        return "webex";
    }

    @Override
    public boolean sendResolvedByDefault() {
        return true;
    }

    static Settings settings(PluginConfig c, NotifierContext context) throws ConfigException {
        c.requireOnly(FIELDS);
        String roomId = c.string("room_id", "");
        if (roomId.isEmpty()) {
            throw c.error("missing room_id on webex_config");
        }
        PluginConfig http = c.block("http_config");
        if (http == null || !http.has("authorization")) {
            throw c.error("missing webex_configs.http_config.authorization");
        }
        String url = c.string("api_url", context.globalString("webex_api_url"));
        if (url == null) {
            throw c.error("no global Webex URL set");
        }
        return new Settings(NotifierUrls.parse(c, "api_url", url, false),
                c.string("message", "{{ template \"webex.default.message\" . }}"), roomId);
    }

    @Override
    public void validate(PluginConfig config, NotifierContext context) throws ConfigException {
        Settings settings = settings(config, context);
        context.validateHttpConfig(config);
        TemplateFields.check(config, context, settings.templates());
    }

    @Override
    public Notifier create(PluginConfig config, NotifierContext context) throws ConfigException {
        return new WebexNotifier(settings(config, context), context,
                context.httpClients().create(context.httpConfig(config), context.configDirectory()));
    }
}
