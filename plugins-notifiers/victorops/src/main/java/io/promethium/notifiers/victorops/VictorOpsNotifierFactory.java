package io.promethium.notifiers.victorops;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.notify.NotifierUrls;
import io.promethium.api.notify.SecretField;
import io.promethium.api.notify.TemplateFields;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.osgi.service.component.annotations.Component;

/**
 * {@code victorops_configs}: Alertmanager's VictorOps (Splunk On-Call) REST endpoint
 * integration. {@code api_key[_file]} and {@code api_url} fall back to the global
 * {@code victorops_api_key[_file]} and {@code victorops_api_url}; {@code routing_key} is
 * required; {@code message_type} defaults to {@code CRITICAL}; {@code state_message},
 * {@code entity_display_name} and {@code monitoring_tool} to the {@code victorops.default.*}
 * templates; {@code custom_fields} may not reuse a field of the message. {@code send_resolved}
 * defaults to true.
 */
@Component(service = NotifierFactory.class)
public final class VictorOpsNotifierFactory implements NotifierFactory {

    static final Set<String> FIELDS = Set.of("api_key", "api_key_file", "api_url", "routing_key", "message_type",
            "state_message", "entity_display_name", "monitoring_tool", "custom_fields", "http_config");
    static final List<String> RESERVED = List.of("routing_key", "message_type", "state_message", "entity_display_name",
            "monitoring_tool", "entity_id", "entity_state");

    /** One validated block. */
    record Settings(SecretField apiKey, URI apiUrl, String routingKey, String messageType, String stateMessage,
                    String entityDisplayName, String monitoringTool, Map<String, String> customFields) {

        Map<String, String> templates() {
            Map<String, String> t = new LinkedHashMap<>();
            t.put("routing_key", routingKey);
            t.put("message_type", messageType);
            t.put("state_message", stateMessage);
            t.put("entity_display_name", entityDisplayName);
            t.put("monitoring_tool", monitoringTool);
            customFields.forEach((k, v) -> t.put("custom_fields." + k, v));
            return t;
        }
    }

    @Override
    public String type() {
        return "victorops";
    }

    @Override
    public boolean sendResolvedByDefault() {
        return true;
    }

    @Override
    public Set<String> secretFields() {
        return Set.of("api_key");
    }

    static Settings settings(PluginConfig c, NotifierContext context) throws ConfigException {
        c.requireOnly(FIELDS);
        String routingKey = c.string("routing_key", "");
        if (routingKey.isEmpty()) {
            throw c.error("missing Routing key in VictorOps config");
        }
        SecretField key = SecretField.of(c, context, "api_key", "victorops_api_key");
        if (key == null) {
            throw c.error("no global VictorOps API Key set (api_key, api_key_file or global victorops_api_key)");
        }
        Map<String, String> custom = new TreeMap<>(c.stringMap("custom_fields"));
        for (String reserved : RESERVED) {
            if (custom.containsKey(reserved)) {
                throw c.error("custom_fields", "victorOps config contains custom field " + reserved
                        + " which cannot be used as it conflicts with the fixed/static fields");
            }
        }
        String url = c.string("api_url", context.globalString("victorops_api_url"));
        if (url == null) {
            throw c.error("no global VictorOps URL set");
        }
        URI apiUrl = NotifierUrls.parse(c, "api_url", url, false);
        if (!apiUrl.getPath().endsWith("/")) {
            apiUrl = apiUrl.resolve(apiUrl.getRawPath() + "/");
        }
        return new Settings(key, apiUrl, routingKey, c.string("message_type", "CRITICAL"),
                c.string("state_message", "{{ template \"victorops.default.state_message\" . }}"),
                c.string("entity_display_name", "{{ template \"victorops.default.entity_display_name\" . }}"),
                c.string("monitoring_tool", "{{ template \"victorops.default.monitoring_tool\" . }}"), custom);
    }

    @Override
    public void validate(PluginConfig config, NotifierContext context) throws ConfigException {
        Settings settings = settings(config, context);
        context.validateHttpConfig(config);
        TemplateFields.check(config, context, settings.templates());
    }

    @Override
    public Notifier create(PluginConfig config, NotifierContext context) throws ConfigException {
        return new VictorOpsNotifier(settings(config, context), context,
                context.httpClients().create(context.httpConfig(config), context.configDirectory()));
    }
}
