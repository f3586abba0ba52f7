package io.promethium.notifiers.rocketchat;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.notify.NotifierUrls;
import io.promethium.api.notify.SecretField;
import io.promethium.api.notify.TemplateFields;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * {@code rocketchat_configs}: Alertmanager's Rocket.Chat integration. {@code api_url},
 * {@code token[_file]} and {@code token_id[_file]} fall back to the globals
 * {@code rocketchat_api_url}, {@code rocketchat_token[_file]} and
 * {@code rocketchat_token_id[_file]}; {@code channel}, {@code color}, {@code title},
 * {@code title_link}, {@code text}, {@code fields}, {@code short_fields}, {@code emoji},
 * {@code icon_url}, {@code image_url}, {@code thumb_url}, {@code link_names}, {@code actions}.
 * {@code send_resolved} defaults to false.
 */
@Component(service = NotifierFactory.class)
public final class RocketchatNotifierFactory implements NotifierFactory {

    static final Set<String> FIELDS = Set.of("api_url", "token", "token_file", "token_id", "token_id_file", "channel",
            "color", "title", "title_link", "text", "fields", "short_fields", "emoji", "icon_url", "image_url", "thumb_url",
            "link_names", "actions", "http_config");

    record Field(String title, String value, Boolean shortField) {
    }

    record Action(String text, String url, String msg) {
    }

    /** One validated block. */
    record Settings(URI apiUrl, SecretField token, SecretField tokenId, String channel, String color, String title,
                    String titleLink, String text, List<Field> fields, boolean shortFields, String emoji, String iconUrl,
                    String imageUrl, String thumbUrl, List<Action> actions) {

        Map<String, String> templates() {
            Map<String, String> t = new LinkedHashMap<>();
            for (String[] e : new String[][] {{"channel", channel}, {"color", color}, {"title", title}, {"title_link", titleLink},
                    {"text", text}, {"emoji", emoji}, {"icon_url", iconUrl}, {"image_url", imageUrl}, {"thumb_url", thumbUrl}}) {
                t.put(e[0], e[1]);
            }
            for (int i = 0; i < fields.size(); i++) {
                t.put("fields[" + i + "].title", fields.get(i).title());
                t.put("fields[" + i + "].value", fields.get(i).value());
            }
            for (int i = 0; i < actions.size(); i++) {
                t.put("actions[" + i + "].text", actions.get(i).text());
                t.put("actions[" + i + "].url", actions.get(i).url());
                t.put("actions[" + i + "].msg", actions.get(i).msg());
            }
            return t;
        }
    }

    @Override
    public String type() {
        return "rocketchat";
    }

    @Override
    public Set<String> secretFields() {
        return Set.of("token", "token_id");
    }

    static Settings settings(PluginConfig c, NotifierContext context) throws ConfigException {
        c.requireOnly(FIELDS);
        SecretField token = SecretField.of(c, context, "token", "rocketchat_token");
        SecretField tokenId = SecretField.of(c, context, "token_id", "rocketchat_token_id");
        if (tokenId == null) {
            throw c.error("no global Rocketchat TokenID set either inline or in a file");
        }
        if (token == null) {
            throw c.error("no global Rocketchat Token set either inline or in a file");
        }
        String url = c.string("api_url", context.globalString("rocketchat_api_url"));
        if (url == null) {
            url = "https://open.rocket.chat/";
        }
        List<Field> fields = new ArrayList<>();
        for (PluginConfig f : c.blocks("fields")) {
            f.requireOnly(Set.of("title", "value", "short"));
            fields.add(new Field(f.string("title", ""), f.string("value", ""), f.has("short") ? f.bool("short", false) : null));
        }
        List<Action> actions = new ArrayList<>();
        for (PluginConfig a : c.blocks("actions")) {
            a.requireOnly(Set.of("type", "text", "url", "msg"));
            String type = a.string("type", "button");
            if (!type.equals("button")) {
                throw a.error("type", "type: only button actions are supported, got " + type);
            }
            actions.add(new Action(a.string("text", ""), a.string("url", ""), a.string("msg", "")));
        }
        return new Settings(NotifierUrls.parse(c, "api_url", url, false), token, tokenId, c.string("channel", ""),
                c.string("color", "{{ if eq .Status \"firing\" }}red{{ else }}green{{ end }}"),
                c.string("title", "{{ template \"rocketchat.default.title\" . }}"),
                c.string("title_link", "{{ template \"rocketchat.default.titlelink\" . }}"),
                c.string("text", "{{ template \"rocketchat.default.text\" . }}"), List.copyOf(fields),
                c.bool("short_fields", false),
                c.string("emoji", "{{ template \"rocketchat.default.emoji\" . }}"),
                c.string("icon_url", "{{ template \"rocketchat.default.iconurl\" . }}"),
                c.string("image_url", ""), c.string("thumb_url", ""), List.copyOf(actions));
    }

    @Override
    public void validate(PluginConfig config, NotifierContext context) throws ConfigException {
        Settings settings = settings(config, context);
        config.bool("link_names", false);
        context.validateHttpConfig(config);
        TemplateFields.check(config, context, settings.templates());
    }

    @Override
    public Notifier create(PluginConfig config, NotifierContext context) throws ConfigException {
        return new RocketchatNotifier(settings(config, context), context,
                context.httpClients().create(context.httpConfig(config), context.configDirectory()));
    }
}
