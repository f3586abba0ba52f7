package io.promethium.notifiers.rocketchat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.notify.HttpDelivery;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifyException;
import io.promethium.api.notify.Runes;
import io.promethium.api.notify.TemplateFields;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Instant;

/**
 * Posts Alertmanager's Rocket.Chat message to {@code <api_url>/api/v1/chat.postMessage} with the
 * personal access token in {@code X-Auth-Token} and its user id in {@code X-User-Id}:
 * {@code channel}, {@code emoji}, {@code avatar} (the icon URL) and one attachment (title cut to
 * 1024 characters, title_link, text, image_url, thumb_url, color, fields, button actions). Empty
 * values are left out. A 2xx answer whose JSON says {@code success: false} is a failure, not
 * retried; 5xx and 429 are retried.
 */
final class RocketchatNotifier implements Notifier {

    static final int MAX_TITLE_RUNES = 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpDelivery DELIVERY = HttpDelivery.to("Rocket.Chat").retrying(429);

    private final RocketchatNotifierFactory.Settings settings;
    private final NotifierContext context;
    private final ConfiguredHttpClient client;

    RocketchatNotifier(RocketchatNotifierFactory.Settings settings, NotifierContext context, ConfiguredHttpClient client) {
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
        String base = settings.apiUrl().toString();
        URI url = URI.create((base.endsWith("/") ? base : base + "/") + "api/v1/chat.postMessage");
        HttpResponse<String> answer = DELIVERY.send(client, HttpDelivery.jsonPost(url, body, HttpDelivery.timeLeft(deadline))
                .header("X-Auth-Token", settings.token().read())
                .header("X-User-Id", settings.tokenId().read())
                .build());
        try {
            JsonNode ok = JSON.readTree(answer.body() == null ? "" : answer.body());
            if (ok == null || !ok.path("success").asBoolean(false)) {
                throw NotifyException.doNotRetry("error response from Rocket.Chat: "
                        + (ok == null ? "" : ok.path("error").asText(HttpDelivery.cut(answer.body()))), null);
            }
        } catch (IOException e) {
            // Alertmanager retries an answer it cannot read: the server may be mid-restart behind a proxy.
            throw NotifyException.retryLater("could not read Rocket.Chat's answer: " + HttpDelivery.cut(answer.body()), e);
        }
    }

    private String render(String field, String text, Notification n) throws NotifyException {
        return TemplateFields.render(context, field, text, n);
    }

    byte[] payload(Notification n) throws NotifyException {
        String title = render("title", settings.title(), n);
        if (Runes.longerThan(title, MAX_TITLE_RUNES)) {
            title = Runes.truncate(title, MAX_TITLE_RUNES);
            context.logger().warning("Rocket.Chat title truncated to " + MAX_TITLE_RUNES + " characters");
        }
        ObjectNode att = JSON.createObjectNode();
        put(att, "title", title);
        put(att, "title_link", render("title_link", settings.titleLink(), n));
        put(att, "text", render("text", settings.text(), n));
        put(att, "image_url", render("image_url", settings.imageUrl(), n));
        put(att, "thumb_url", render("thumb_url", settings.thumbUrl(), n));
        put(att, "color", render("color", settings.color(), n));
        if (!settings.fields().isEmpty()) {
            ArrayNode fields = att.putArray("fields");
            for (int i = 0; i < settings.fields().size(); i++) {
                RocketchatNotifierFactory.Field f = settings.fields().get(i);
                ObjectNode o = fields.addObject();
                o.put("short", f.shortField() != null ? f.shortField() : settings.shortFields());
                put(o, "title", render("fields[" + i + "].title", f.title(), n));
                put(o, "value", render("fields[" + i + "].value", f.value(), n));
            }
        }
        if (!settings.actions().isEmpty()) {
            ArrayNode actions = att.putArray("actions");
            for (int i = 0; i < settings.actions().size(); i++) {
                RocketchatNotifierFactory.Action a = settings.actions().get(i);
                ObjectNode o = actions.addObject();
                o.put("type", "button");
                put(o, "text", render("actions[" + i + "].text", a.text(), n));
                put(o, "url", render("actions[" + i + "].url", a.url(), n));
                o.put("is_webview", false);
                put(o, "msg", render("actions[" + i + "].msg", a.msg(), n));
                o.put("msg_in_chat_window", false);
            }
        }
        ObjectNode m = JSON.createObjectNode();
        put(m, "channel", render("channel", settings.channel(), n));
        put(m, "emoji", render("emoji", settings.emoji(), n));
        put(m, "avatar", render("icon_url", settings.iconUrl(), n));
        m.putArray("attachments").add(att);
        try {
            return JSON.writeValueAsBytes(m);
        } catch (IOException e) {
            throw NotifyException.doNotRetry("encoding the Rocket.Chat message: " + e.getMessage(), e);
        }
    }

    private static void put(ObjectNode o, String name, String value) {
        if (value != null && !value.isEmpty()) {
            o.put(name, value);
        }
    }
}
