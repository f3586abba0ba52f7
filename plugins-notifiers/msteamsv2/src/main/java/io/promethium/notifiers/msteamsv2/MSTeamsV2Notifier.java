package io.promethium.notifiers.msteamsv2;

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
import io.promethium.api.notify.TemplateFields;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;

/**
 * Posts Alertmanager's Teams Workflows message: one attachment of type
 * {@code application/vnd.microsoft.card.adaptive}, an Adaptive Card 1.2 with a heading text
 * block (the title; colour {@code Attention} firing, {@code Good} resolved) and a wrapped text
 * block, full width. 5xx and 429 are retried, other answers are not.
 */
final class MSTeamsV2Notifier implements Notifier {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpDelivery DELIVERY = HttpDelivery.to("Microsoft Teams").retrying(429);

    private final MSTeamsV2NotifierFactory.Settings settings;
    private final NotifierContext context;
    private final ConfiguredHttpClient client;

    MSTeamsV2Notifier(MSTeamsV2NotifierFactory.Settings settings, NotifierContext context, ConfiguredHttpClient client) {
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

    byte[] payload(Notification n) throws NotifyException {
        ObjectNode m = JSON.createObjectNode();
        m.put("type", "message");
        ObjectNode att = m.putArray("attachments").addObject();
        att.put("contentType", "application/vnd.microsoft.card.adaptive");
        att.putNull("contentUrl");
        ObjectNode card = att.putObject("content");
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("type", "AdaptiveCard");
        card.put("version", "1.2");
        ArrayNode body = card.putArray("body");
        body.addObject().put("type", "TextBlock").put("text", TemplateFields.render(context, "title", settings.title(), n))
                .put("weight", "Bolder").put("size", "Medium").put("wrap", true).put("style", "heading")
                .put("color", n.firing() ? "Attention" : "Good");
        body.addObject().put("type", "TextBlock").put("text", TemplateFields.render(context, "text", settings.text(), n)).put("wrap", true);
        card.putObject("msteams").put("width", "full");
        try {
            return JSON.writeValueAsBytes(m);
        } catch (IOException e) {
            throw NotifyException.doNotRetry("encoding the Teams message: " + e.getMessage(), e);
        }
    }
}
