package io.promethium.notifiers.opsgenie;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierUrls;
import io.promethium.api.notify.SecretField;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One validated {@code opsgenie_configs} block with Alertmanager's defaults: the
 * {@code opsgenie.default.*} templates for message, description and source; {@code api_url}
 * ending in {@code /}; responders each with an id, name or username and a type among
 * {@code team}, {@code teams}, {@code user}, {@code escalation}, {@code schedule} (unless the
 * type is a template).
 */
record OpsGenieSettings(SecretField apiKey, URI apiUrl, String message, String description, String source,
                        Map<String, String> details, String entity, List<Responder> responders, String actions,
                        String tags, String note, String priority, boolean updateAlerts) {

    static final Set<String> FIELDS = Set.of("api_key", "api_key_file", "api_url", "message", "description", "source",
            "details", "entity", "responders", "actions", "tags", "note", "priority", "update_alerts", "http_config");
    private static final Pattern TYPES = Pattern.compile("^(team|teams|user|escalation|schedule)$");

    record Responder(String id, String name, String username, String type) {
    }

    /** Every template of the block by field, for validation. */
    Map<String, String> templates() {
        Map<String, String> t = new LinkedHashMap<>();
        if (apiKey.value() != null) {
            t.put("api_key", apiKey.value());
        }
        t.put("message", message);
        t.put("description", description);
        t.put("source", source);
        details.forEach((k, v) -> t.put("details." + k, v));
        t.put("entity", entity);
        for (int i = 0; i < responders.size(); i++) {
            Responder r = responders.get(i);
            t.put("responders[" + i + "].id", r.id());
            t.put("responders[" + i + "].name", r.name());
            t.put("responders[" + i + "].username", r.username());
            t.put("responders[" + i + "].type", r.type());
        }
        t.put("actions", actions);
        t.put("tags", tags);
        t.put("note", note);
        t.put("priority", priority);
        return t;
    }

    static OpsGenieSettings parse(PluginConfig c, NotifierContext context) throws ConfigException {
        c.requireOnly(FIELDS);
        SecretField key = SecretField.of(c, context, "api_key", "opsgenie_api_key");
        if (key == null) {
            throw c.error("no global OpsGenie API Key set either inline or in a file (api_key, api_key_file or global opsgenie_api_key)");
        }
        String url = c.string("api_url", context.globalString("opsgenie_api_url"));
        if (url == null) {
            throw c.error("no global OpsGenie URL set");
        }
        URI apiUrl = NotifierUrls.parse(c, "api_url", url, false);
        if (!apiUrl.getPath().endsWith("/")) {
            apiUrl = apiUrl.resolve(apiUrl.getRawPath() + "/");
        }
        List<Responder> responders = new ArrayList<>();
        for (PluginConfig r : c.blocks("responders")) {
            r.requireOnly(Set.of("id", "name", "username", "type"));
            Responder responder = new Responder(r.string("id", ""), r.string("name", ""), r.string("username", ""),
                    r.string("type", ""));
            if (responder.id().isEmpty() && responder.username().isEmpty() && responder.name().isEmpty()) {
                throw r.error("opsGenieConfig responder has to have at least one of id, username or name specified");
            }
            String type = responder.type();
            if (!type.contains("{{")) {
                type = type.toLowerCase(Locale.ROOT);
                if (!TYPES.matcher(type).matches()) {
                    throw r.error("type", "opsGenieConfig responder type " + responder.type()
                            + " does not match valid options " + TYPES.pattern());
                }
                responder = new Responder(responder.id(), responder.name(), responder.username(), type);
            }
            responders.add(responder);
        }
        return new OpsGenieSettings(key, apiUrl,
                c.string("message", "{{ template \"opsgenie.default.message\" . }}"),
                c.string("description", "{{ template \"opsgenie.default.description\" . }}"),
                c.string("source", "{{ template \"opsgenie.default.source\" . }}"),
                new TreeMap<>(c.stringMap("details")), c.string("entity", ""), List.copyOf(responders),
                c.string("actions", ""), c.string("tags", ""), c.string("note", ""), c.string("priority", ""),
                c.bool("update_alerts", false));
    }
}
