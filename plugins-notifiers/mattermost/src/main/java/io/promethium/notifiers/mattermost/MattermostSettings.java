package io.promethium.notifiers.mattermost;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierUrls;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One validated {@code mattermost_configs} block with Alertmanager's defaults (the
 * {@code mattermost.default.*} templates for username, color, text, title, title_link and
 * fallback). The message is one attachment built from the block's own fields, or, when
 * {@code attachments} is given, those attachments with {@code text} at the top level.
 */
record MattermostSettings(URI webhookUrl, Path webhookUrlFile, String channel, String username, String iconUrl,
                          String iconEmoji, String type, String text, Attachment attachment, List<Attachment> attachments,
                          String card, Priority priority) {

    static final List<String> ATTACHMENT_FIELDS = List.of("fallback", "color", "pretext", "text", "author_name",
            "author_link", "author_icon", "title", "title_link", "thumb_url", "footer", "footer_icon", "image_url");
    static final Set<String> FIELDS;

    static {
        Set<String> f = new java.util.HashSet<>(ATTACHMENT_FIELDS);
        f.addAll(Set.of("webhook_url", "webhook_url_file", "channel", "username", "fields", "icon_url", "icon_emoji",
                "attachments", "type", "props", "priority", "http_config"));
        FIELDS = Set.copyOf(f);
    }

    /** A field of an attachment; {@code shortField} null when not given (then left out). */
    record Field(String title, String value, Boolean shortField) {
    }

    /** An attachment's templates by Mattermost field name, in {@link #ATTACHMENT_FIELDS} order, and its fields. */
    record Attachment(Map<String, String> values, List<Field> fields) {
    }

    record Priority(String priority, boolean requestedAck, boolean persistentNotifications) {
    }

    Map<String, String> templates() {
        Map<String, String> t = new LinkedHashMap<>();
        t.put("channel", channel);
        t.put("username", username);
        t.put("icon_url", iconUrl);
        t.put("icon_emoji", iconEmoji);
        t.put("type", type);
        t.put("text", text);
        attachment.values().forEach((k, v) -> t.put(k, v));
        for (int i = 0; i < attachment.fields().size(); i++) {
            t.put("fields[" + i + "].title", attachment.fields().get(i).title());
            t.put("fields[" + i + "].value", attachment.fields().get(i).value());
        }
        for (int a = 0; a < attachments.size(); a++) {
            String at = "attachments[" + a + "].";
            attachments.get(a).values().forEach((k, v) -> t.put(at + k, v));
            for (int i = 0; i < attachments.get(a).fields().size(); i++) {
                t.put(at + "fields[" + i + "].title", attachments.get(a).fields().get(i).title());
                t.put(at + "fields[" + i + "].value", attachments.get(a).fields().get(i).value());
            }
        }
        t.put("props.card", card);
        if (priority != null) {
            t.put("priority.priority", priority.priority());
        }
        return t;
    }

    private static Attachment attachment(PluginConfig c, Map<String, String> defaults) throws ConfigException {
        Map<String, String> values = new LinkedHashMap<>();
        for (String f : ATTACHMENT_FIELDS) {
            values.put(f, c.string(f, defaults.getOrDefault(f, "")));
        }
        List<Field> fields = new ArrayList<>();
        for (PluginConfig f : c.blocks("fields")) {
            f.requireOnly(Set.of("title", "value", "short"));
            String title = f.string("title", "");
            String value = f.string("value", "");
            if (title.isEmpty()) {
                throw f.error("missing title in Mattermost field configuration");
            }
            if (value.isEmpty()) {
                throw f.error("missing value in Mattermost field configuration");
            }
            fields.add(new Field(title, value, f.has("short") ? f.bool("short", false) : null));
        }
        return new Attachment(values, List.copyOf(fields));
    }

    static MattermostSettings parse(PluginConfig c, NotifierContext context) throws ConfigException {
        c.requireOnly(FIELDS);
        String url = c.string("webhook_url", null);
        String file = c.string("webhook_url_file", null);
        if (url != null && file != null) {
            throw c.error("at most one of webhook_url & webhook_url_file must be configured");
        }
        if (url == null && file == null) {
            url = context.globalString("mattermost_webhook_url");
            file = context.globalString("mattermost_webhook_url_file");
        }
        if (url == null && file == null) {
            throw c.error("missing webhook_url or webhook_url_file on mattermost_config");
        }
        Map<String, String> defaults = Map.of(
                "color", "{{ template \"mattermost.default.color\" . }}",
                "title", "{{ template \"mattermost.default.title\" . }}",
                "title_link", "{{ template \"mattermost.default.titlelink\" . }}",
                "fallback", "{{ template \"mattermost.default.fallback\" . }}");
        Map<String, String> own = new LinkedHashMap<>(defaults);
        own.remove("text");
        Attachment attachment = attachment(c, own);
        List<Attachment> attachments = new ArrayList<>();
        for (PluginConfig a : c.blocks("attachments")) {
            Set<String> known = new java.util.HashSet<>(ATTACHMENT_FIELDS);
            known.add("fields");
            a.requireOnly(known);
            attachments.add(attachment(a, Map.of()));
        }
        String card = "";
        PluginConfig props = c.block("props");
        if (props != null) {
            props.requireOnly(Set.of("card"));
            card = props.string("card", "");
        }
        Priority priority = null;
        PluginConfig p = c.block("priority");
        if (p != null) {
            p.requireOnly(Set.of("priority", "requested_ack", "persistent_notifications"));
            priority = new Priority(p.string("priority", ""), p.bool("requested_ack", false), p.bool("persistent_notifications", false));
        }
        return new MattermostSettings(url == null ? null : NotifierUrls.parse(c, "webhook_url", url, true),
                file == null ? null : context.configDirectory().resolve(file),
                c.string("channel", ""), c.string("username", "{{ template \"mattermost.default.username\" . }}"),
                c.string("icon_url", ""), c.string("icon_emoji", ""), c.string("type", ""),
                c.string("text", "{{ template \"mattermost.default.text\" . }}"), attachment, List.copyOf(attachments), card,
                priority);
    }
}
