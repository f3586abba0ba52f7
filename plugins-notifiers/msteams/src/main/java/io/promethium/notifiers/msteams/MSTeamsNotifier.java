package io.promethium.notifiers.msteams;

import com.fasterxml.jackson.databind.ObjectMapper;
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
 * Posts Alertmanager's Teams {@code MessageCard}: {@code @context}, {@code type}, {@code title},
 * {@code summary}, {@code text} and {@code themeColor} (red firing, green resolved). 5xx and 429
 * are retried (Teams answers a throttled connector with 429), other answers are not.
 */
final class MSTeamsNotifier implements Notifier {

    static final String RED = "8C1A1A";
    static final String GREEN = "2DC72D";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpDelivery DELIVERY = HttpDelivery.to("Microsoft Teams").retrying(429);

    private final MSTeamsNotifierFactory.Settings settings;
    private final NotifierContext context;
    private final ConfiguredHttpClient client;

    MSTeamsNotifier(MSTeamsNotifierFactory.Settings settings, NotifierContext context, ConfiguredHttpClient client) {
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
        m.put("@context", "http://schema.org/extensions");
        m.put("type", "MessageCard");
        m.put("title", TemplateFields.render(context, "title", settings.title(), n));
        m.put("summary", TemplateFields.render(context, "summary", settings.summary(), n));
        m.put("text", TemplateFields.render(context, "text", settings.text(), n));
        m.put("themeColor", n.firing() ? RED : GREEN);
        try {
            return JSON.writeValueAsBytes(m);
        } catch (IOException e) {
            throw NotifyException.doNotRetry("encoding the Teams message: " + e.getMessage(), e);
        }
    }
}
