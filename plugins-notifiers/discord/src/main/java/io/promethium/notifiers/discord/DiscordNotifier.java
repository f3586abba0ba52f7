package io.promethium.notifiers.discord;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.net.URISyntaxException;
import java.time.Instant;

/**
 * Posts Alertmanager's Discord webhook message: {@code content} (cut to 2000 characters), one
 * embed with {@code title} (256), {@code description} (4096) and {@code color} (red firing,
 * green resolved), {@code username} and {@code avatar_url} when set (a bad avatar URL is
 * logged and left out, as Alertmanager does). Discord rate-limits with 429 and
 * {@code Retry-After}: retried like 5xx.
 */
final class DiscordNotifier implements Notifier {

    static final int MAX_TITLE = 256;
    static final int MAX_DESCRIPTION = 4096;
    static final int MAX_CONTENT = 2000;
    static final int RED = 0x992D22;
    static final int GREEN = 0x2ECC71;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpDelivery DELIVERY = HttpDelivery.to("Discord").retrying(429);

    private final DiscordNotifierFactory.Settings settings;
    private final NotifierContext context;
    private final ConfiguredHttpClient client;

    DiscordNotifier(DiscordNotifierFactory.Settings settings, NotifierContext context, ConfiguredHttpClient client) {
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

    private String cut(String field, String text, int max) {
        if (Runes.longerThan(text, max)) {
            context.logger().warning("Discord " + field + " truncated to " + max + " characters");
            return Runes.truncate(text, max);
        }
        return text;
    }

    byte[] payload(Notification n) throws NotifyException {
        String title = cut("title", TemplateFields.render(context, "title", settings.title(), n), MAX_TITLE);
        String description = cut("message", TemplateFields.render(context, "message", settings.message(), n), MAX_DESCRIPTION);
        String content = cut("content", TemplateFields.render(context, "content", settings.content(), n), MAX_CONTENT);
        ObjectNode m = JSON.createObjectNode();
        m.put("content", content);
        ObjectNode embed = m.putArray("embeds").addObject();
        embed.put("title", title);
        embed.put("description", description);
        embed.put("color", n.firing() ? RED : GREEN);
        if (!settings.username().isEmpty()) {
            m.put("username", settings.username());
        }
        if (!settings.avatarUrl().isEmpty()) {
            try {
                new URI(settings.avatarUrl());
                m.put("avatar_url", settings.avatarUrl());
            } catch (URISyntaxException e) {
                context.logger().warning("Discord avatar_url is not a URL: left out");
            }
        }
        try {
            return JSON.writeValueAsBytes(m);
        } catch (IOException e) {
            throw NotifyException.doNotRetry("encoding the Discord message: " + e.getMessage(), e);
        }
    }
}
