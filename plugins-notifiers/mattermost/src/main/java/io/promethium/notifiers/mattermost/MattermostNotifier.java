package io.promethium.notifiers.mattermost;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.notify.HttpDelivery;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierUrls;
import io.promethium.api.notify.NotifyException;
import io.promethium.api.notify.Runes;
import io.promethium.api.notify.TemplateFields;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * Posts Alertmanager's Mattermost webhook message: {@code channel}, {@code username},
 * {@code icon_url}, {@code icon_emoji}, {@code type}, and one attachment of the block's fields
 * (text inside it) or the configured attachments (text at the top level, cut to 16383
 * characters); {@code props.card}; {@code priority} ({@code urgent}, {@code important} or
 * {@code standard}, anything else standard; {@code requested_ack} only above standard,
 * {@code persistent_notifications} only when urgent). Empty values are left out. 5xx and 429 are
 * retried.
 */
final class MattermostNotifier implements Notifier {

    static final int MAX_TEXT_RUNES = 16383;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpDelivery DELIVERY = HttpDelivery.to("Mattermost").retrying(429);

    private final MattermostSettings settings;
    private final NotifierContext context;
    private final ConfiguredHttpClient client;

    MattermostNotifier(MattermostSettings settings, NotifierContext context, ConfiguredHttpClient client) {
        this.settings = settings;
        this.context = context;
        this.client = client;
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public void send(Notification n, Instant deadline) throws NotifyException {
        HttpDelivery.timeLeft(deadline);
        byte[] body = payload(n);
        URI url = settings.webhookUrl() != null ? settings.webhookUrl() : NotifierUrls.fromFile("webhook_url_file", settings.webhookUrlFile());
        DELIVERY.send(client, HttpDelivery.jsonPost(url, body, HttpDelivery.timeLeft(deadline)).build());
    }

    private String render(String field, String text, Notification n) throws NotifyException {
        return TemplateFields.render(context, field, text, n);
    }

    private ObjectNode attachment(String at, MattermostSettings.Attachment a, String text, Notification n) throws NotifyException {
        ObjectNode o = JSON.createObjectNode();
        for (Map.Entry<String, String> e : a.values().entrySet()) {
            String value = e.getKey().equals("text") && text != null ? text : render(at + e.getKey(), e.getValue(), n);
            put(o, e.getKey(), value);
        }
        if (!a.fields().isEmpty()) {
            ArrayNode fields = JSON.createArrayNode();
            for (int i = 0; i < a.fields().size(); i++) {
                MattermostSettings.Field f = a.fields().get(i);
                ObjectNode fo = fields.addObject();
                put(fo, "title", render(at + "fields[" + i + "].title", f.title(), n));
                put(fo, "value", render(at + "fields[" + i + "].value", f.value(), n));
                if (f.shortField() != null) {
                    fo.put("short", f.shortField());
                }
            }
            // Go's encoding puts fields after title_link, before thumb_url.
            ObjectNode ordered = JSON.createObjectNode();
            o.properties().forEach(e -> {
                if (e.getKey().equals("thumb_url") || e.getKey().equals("footer") || e.getKey().equals("footer_icon")
                        || e.getKey().equals("image_url")) {
                    if (!ordered.has("fields")) {
                        ordered.set("fields", fields);
                    }
                }
                ordered.set(e.getKey(), e.getValue());
            });
            if (!ordered.has("fields")) {
                ordered.set("fields", fields);
            }
            return ordered;
        }
        return o;
    }

    byte[] payload(Notification n) throws NotifyException {
        String text = render("text", settings.text(), n);
        ObjectNode m = JSON.createObjectNode();
        ArrayNode attachments = JSON.createArrayNode();
        if (settings.attachments().isEmpty()) {
            attachments.add(attachment("", settings.attachment(), text, n));
        } else {
            if (Runes.longerThan(text, MAX_TEXT_RUNES)) {
                text = Runes.truncate(text, MAX_TEXT_RUNES);
                context.logger().warning("Mattermost text truncated to " + MAX_TEXT_RUNES + " characters");
            }
            put(m, "text", text);
            for (int i = 0; i < settings.attachments().size(); i++) {
                attachments.add(attachment("attachments[" + i + "].", settings.attachments().get(i), null, n));
            }
        }
        put(m, "channel", render("channel", settings.channel(), n));
        put(m, "username", render("username", settings.username(), n));
        put(m, "icon_url", render("icon_url", settings.iconUrl(), n));
        put(m, "icon_emoji", render("icon_emoji", settings.iconEmoji(), n));
        m.set("attachments", attachments);
        put(m, "type", render("type", settings.type(), n));
        if (!settings.card().isEmpty()) {
            m.putObject("props").put("card", render("props.card", settings.card(), n));
        }
        MattermostSettings.Priority p = settings.priority();
        if (p != null && !p.priority().isEmpty()) {
            String level = render("priority.priority", p.priority(), n).toLowerCase(Locale.ROOT);
            if (!level.equals("urgent") && !level.equals("important") && !level.equals("standard")) {
                context.logger().warning("Mattermost priority set to standard: not urgent, important or standard");
                level = "standard";
            }
            ObjectNode po = m.putObject("priority");
            po.put("priority", level);
            if (p.requestedAck() && !level.equals("standard")) {
                po.put("requested_ack", true);
            }
            if (p.persistentNotifications() && level.equals("urgent")) {
                po.put("persistent_notifications", true);
            }
        }
        try {
            return JSON.writeValueAsBytes(m);
        } catch (IOException e) {
            throw NotifyException.doNotRetry("encoding the Mattermost message: " + e.getMessage(), e);
        }
    }

    /** Go's {@code omitempty} on a string. */
    private static void put(ObjectNode o, String name, String value) {
        if (value != null && !value.isEmpty()) {
            o.put(name, value);
        }
    }
}
