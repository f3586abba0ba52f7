package io.promethium.notifiers.webex;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.notify.HttpDelivery;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifyException;
import io.promethium.api.notify.TemplateFields;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Posts Alertmanager's Webex message: {@code markdown} (cut to 7439 bytes, Webex's limit, on a
 * character boundary) and {@code roomId}, with the {@code http_config} authorization (the bot
 * token). 5xx and 429 are retried, other answers are not.
 */
final class WebexNotifier implements Notifier {

    static final int MAX_MESSAGE_BYTES = 7439;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpDelivery DELIVERY = HttpDelivery.to("Webex").retrying(429);

    private final WebexNotifierFactory.Settings settings;
    private final NotifierContext context;
    private final ConfiguredHttpClient client;

    WebexNotifier(WebexNotifierFactory.Settings settings, NotifierContext context, ConfiguredHttpClient client) {
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
        DELIVERY.send(client, HttpDelivery.jsonPost(settings.apiUrl(), body, HttpDelivery.timeLeft(deadline)).build());
    }

    /** Alertmanager's TruncateInBytes: at most {@code max} UTF-8 bytes, whole characters, an ellipsis last when cut. */
    static String truncateBytes(String s, int max) {
        if (s.getBytes(StandardCharsets.UTF_8).length <= max) {
            return s;
        }
        if (max <= 3) {
            return max == 3 ? "…" : ".".repeat(max);
        }
        int budget = max - 3;
        StringBuilder out = new StringBuilder();
        int used = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (used + len > budget) {
                break;
            }
            out.appendCodePoint(cp);
            used += len;
            i += Character.charCount(cp);
        }
        return out.append('…').toString();
    }

    byte[] payload(Notification n) throws NotifyException {
        String message = TemplateFields.render(context, "message", settings.message(), n);
        String cut = truncateBytes(message, MAX_MESSAGE_BYTES);
        if (!cut.equals(message)) {
            context.logger().fine("Webex message truncated to " + MAX_MESSAGE_BYTES + " bytes");
        }
        ObjectNode m = JSON.createObjectNode();
        m.put("markdown", cut);
        String room = TemplateFields.render(context, "room_id", settings.roomId(), n);
        if (!room.isEmpty()) {
            m.put("roomId", room);
        }
        try {
            return JSON.writeValueAsBytes(m);
        } catch (IOException e) {
            throw NotifyException.doNotRetry("encoding the Webex message: " + e.getMessage(), e);
        }
    }
}
