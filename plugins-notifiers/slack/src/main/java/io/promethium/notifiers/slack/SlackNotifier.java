package io.promethium.notifiers.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.NotificationState;
import io.promethium.api.notify.HttpDelivery;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierUrls;
import io.promethium.api.notify.NotifyException;
import io.promethium.api.notify.Runes;
import io.promethium.api.notify.SecretField;
import io.promethium.api.notify.TemplateRenderer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Posts Alertmanager's Slack message: channel, username, icon_emoji, icon_url, link_names and one
 * attachment (title cut to 1024 characters, title_link, pretext, text, fallback, callback_id,
 * fields, actions, image_url, thumb_url, footer, color, mrkdwn_in), to an incoming webhook or to
 * {@code chat.postMessage} with a bot token, through the kernel's client for {@code http_config}
 * (credentials, TLS, proxy). An incoming webhook answers {@code ok}; the Web API
 * answers JSON whose {@code ok: false} is a failure even with status 200. 429 and 5xx are retried
 * (after {@code Retry-After} when given), other answers are not.
 */
final class SlackNotifier implements Notifier {

    static final int MAX_TITLE_RUNES = 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpDelivery DELIVERY = HttpDelivery.to("Slack").retrying(429);

    private final SlackSettings settings;
    private final NotifierContext context;
    private final ConfiguredHttpClient client;

    SlackNotifier(SlackSettings settings, NotifierContext context, ConfiguredHttpClient client) {
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
        send(n, deadline, null);
    }

    /**
     * With {@code update_message}, a group's first message is posted and its {@code ts} and
     * channel kept in {@code state}; later ones edit it through {@code chat.update}, as the newest
     * Alertmanager does. Without a state (no notification log) every message is posted.
     */
    @Override
    public void send(Notification n, Instant deadline, NotificationState state) throws NotifyException {
        if (!settings.timeout().isZero() && Instant.now().plus(settings.timeout()).isBefore(deadline)) {
            deadline = Instant.now().plus(settings.timeout());
        }
        Duration timeout = HttpDelivery.timeLeft(deadline);
        URI url = url();
        String ts = null;
        String channel = null;
        if (settings.updateMessage() && state != null) {
            ts = state.get("threadTs");
            channel = state.get("channelId");
            if (ts != null && !ts.isEmpty() && channel != null && !channel.isEmpty()) {
                url = URI.create(SlackSettings.UPDATE);
            } else {
                ts = null;
                channel = null;
            }
        }
        byte[] body = payload(n, ts, channel);
        java.net.http.HttpRequest.Builder request = HttpDelivery.jsonPost(url, body, timeout);
        String token = appToken();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        JsonNode answer = check(DELIVERY.send(client, request.build()));
        if (settings.updateMessage() && state != null && answer != null) {
            String sentTs = answer.path("ts").asText("");
            String sentChannel = answer.path("channel").asText("");
            if (!sentTs.isEmpty() && !sentChannel.isEmpty()) {
                state.put("threadTs", sentTs);
                state.put("channelId", sentChannel);
            }
        }
    }

    /**
     * A 2xx answer: an incoming webhook says {@code ok}, the Web API says JSON with
     * {@code ok: true} (returned, for its {@code ts} and {@code channel}; null for text). As
     * Alertmanager 0.34: a JSON answer that does not parse is retried; {@code ok: false} or a
     * text other than {@code ok} (an HTML page) is an error not retried.
     */
    private static JsonNode check(HttpResponse<String> resp) throws NotifyException {
        String text = resp.body() == null ? "" : resp.body();
        String shortText = HttpDelivery.cut(text);
        boolean json = resp.headers().firstValue("Content-Type").map(t -> t.startsWith("application/json")).orElse(false);
        if (json) {
            try {
                if (text.isBlank()) {
                    throw new IOException("no JSON in the answer");
                }
                JsonNode answer = JSON.readTree(text);
                if (!answer.path("ok").asBoolean(false)) {
                    throw NotifyException.doNotRetry("error response from Slack: " + answer.path("error").asText(shortText), null);
                }
                return answer;
            } catch (IOException e) {
                // Retried, as Alertmanager retries a JSON answer it cannot unmarshal.
                throw NotifyException.retryLater("could not read Slack's answer: " + shortText, e);
            }
        } else if (!text.equals("ok")) {
            throw NotifyException.doNotRetry("error response from Slack: " + shortText, null);
        }
        return null;
    }

    /** The app token (sent as a bearer token to {@code app_url}), read from its file at each send; null without one. */
    private String appToken() throws NotifyException {
        if (settings.appToken() != null) {
            return settings.appToken();
        }
        return settings.appTokenFile() == null ? null : new SecretField("app_token", null, settings.appTokenFile()).read();
    }

    private URI url() throws NotifyException {
        if (settings.apiUrl() != null) {
            return settings.apiUrl();
        }
        return NotifierUrls.fromFile("api_url_file", settings.apiUrlFile());
    }

    byte[] payload(Notification n) throws NotifyException {
        return payload(n, null, null);
    }

    /** Alertmanager's Slack request: top-level fields and one attachment; {@code ts} and {@code channel} of the message to edit, or null. */
    byte[] payload(Notification n, String ts, String editedChannel) throws NotifyException {
        TemplateRenderer t = context.templates();
        String title = t.render(settings.title(), n);
        if (Runes.longerThan(title, MAX_TITLE_RUNES)) {
            title = Runes.truncate(title, MAX_TITLE_RUNES);
            context.logger().warning("Slack title truncated to " + MAX_TITLE_RUNES + " characters");
        }
        ObjectNode att = JSON.createObjectNode();
        putIfNotEmpty(att, "title", title);
        putIfNotEmpty(att, "title_link", t.render(settings.titleLink(), n));
        putIfNotEmpty(att, "pretext", t.render(settings.pretext(), n));
        att.put("text", t.render(settings.text(), n));
        att.put("fallback", t.render(settings.fallback(), n));
        att.put("callback_id", t.render(settings.callbackId(), n));
        if (!settings.fields().isEmpty()) {
            ArrayNode fields = att.putArray("fields");
            for (SlackSettings.Field f : settings.fields()) {
                ObjectNode o = fields.addObject();
                o.put("title", t.render(f.title(), n));
                o.put("value", t.render(f.value(), n));
                o.put("short", f.shortField() != null ? f.shortField() : settings.shortFields());
            }
        }
        if (!settings.actions().isEmpty()) {
            ArrayNode actions = att.putArray("actions");
            for (SlackSettings.Action a : settings.actions()) {
                ObjectNode o = actions.addObject();
                o.put("type", t.render(a.type(), n));
                o.put("text", t.render(a.text(), n));
                putIfNotEmpty(o, "url", t.render(a.url(), n));
                putIfNotEmpty(o, "style", t.render(a.style(), n));
                putIfNotEmpty(o, "name", t.render(a.name(), n));
                putIfNotEmpty(o, "value", t.render(a.value(), n));
                if (a.confirm() != null) {
                    ObjectNode c = o.putObject("confirm");
                    putIfNotEmpty(c, "title", t.render(a.confirm().title(), n));
                    c.put("text", t.render(a.confirm().text(), n));
                    putIfNotEmpty(c, "ok_text", t.render(a.confirm().okText(), n));
                    putIfNotEmpty(c, "dismiss_text", t.render(a.confirm().dismissText(), n));
                }
            }
        }
        putIfNotEmpty(att, "image_url", t.render(settings.imageUrl(), n));
        putIfNotEmpty(att, "thumb_url", t.render(settings.thumbUrl(), n));
        att.put("footer", t.render(settings.footer(), n));
        putIfNotEmpty(att, "color", t.render(settings.color(), n));
        List<String> mrkdwn = settings.mrkdwnIn().isEmpty() ? List.of("fallback", "pretext", "text") : settings.mrkdwnIn();
        ArrayNode md = att.putArray("mrkdwn_in");
        mrkdwn.forEach(md::add);

        ObjectNode root = JSON.createObjectNode();
        putIfNotEmpty(root, "channel", editedChannel != null ? editedChannel : t.render(settings.channel(), n));
        putIfNotEmpty(root, "username", t.render(settings.username(), n));
        putIfNotEmpty(root, "icon_emoji", t.render(settings.iconEmoji(), n));
        putIfNotEmpty(root, "icon_url", t.render(settings.iconUrl(), n));
        if (settings.linkNames()) {
            root.put("link_names", true);
        }
        putIfNotEmpty(root, "text", t.render(settings.messageText(), n));
        root.putArray("attachments").add(att);
        putIfNotEmpty(root, "ts", ts);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw NotifyException.doNotRetry("encoding the Slack message: " + e.getMessage(), e);
        }
    }

    /** Go's {@code omitempty} on a string. */
    private static void putIfNotEmpty(ObjectNode o, String name, String value) {
        if (value != null && !value.isEmpty()) {
            o.put(name, value);
        }
    }
}
