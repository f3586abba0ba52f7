package io.promethium.notifiers.victorops;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.notify.GroupKeys;
import io.promethium.api.notify.HttpDelivery;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifyException;
import io.promethium.api.notify.Runes;
import io.promethium.api.notify.TemplateFields;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Posts Alertmanager's VictorOps event to {@code <api_url><api_key>/<routing_key>}: a flat
 * object of strings, {@code message_type} ({@code CRITICAL} unless the template gives
 * {@code INFO}, {@code WARNING} or {@code CRITICAL}; {@code RECOVERY} once resolved),
 * {@code entity_id} (the group key's hash, so VictorOps links trigger and recovery),
 * {@code entity_display_name}, {@code state_message} (cut to 20480 characters),
 * {@code monitoring_tool} and the custom fields. 5xx and 429 are retried.
 */
final class VictorOpsNotifier implements Notifier {

    static final int MAX_MESSAGE_RUNES = 20480;
    private static final Set<String> EVENTS = Set.of("INFO", "WARNING", "CRITICAL");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpDelivery DELIVERY = HttpDelivery.to("VictorOps").retrying(429);

    private final VictorOpsNotifierFactory.Settings settings;
    private final NotifierContext context;
    private final ConfiguredHttpClient client;

    VictorOpsNotifier(VictorOpsNotifierFactory.Settings settings, NotifierContext context, ConfiguredHttpClient client) {
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
        String routingKey = TemplateFields.render(context, "routing_key", settings.routingKey(), n);
        byte[] body = payload(n);
        URI url = settings.apiUrl().resolve(segment(settings.apiKey().read()) + "/" + segment(routingKey));
        DELIVERY.send(client, HttpDelivery.jsonPost(url, body, HttpDelivery.timeLeft(deadline)).build());
    }

    /** A path segment as Go's URL.String() escapes it (spaces as %20). */
    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    byte[] payload(Notification n) throws NotifyException {
        String messageType = TemplateFields.render(context, "message_type", settings.messageType(), n);
        if (n.firing() && !EVENTS.contains(messageType)) {
            messageType = "CRITICAL";
        }
        if (!n.firing()) {
            messageType = "RECOVERY";
        }
        String state = TemplateFields.render(context, "state_message", settings.stateMessage(), n);
        if (Runes.longerThan(state, MAX_MESSAGE_RUNES)) {
            state = Runes.truncate(state, MAX_MESSAGE_RUNES);
            context.logger().warning("VictorOps state_message truncated to " + MAX_MESSAGE_RUNES + " characters");
        }
        Map<String, String> m = new TreeMap<>();
        m.put("message_type", messageType);
        m.put("entity_id", GroupKeys.hash(n.groupKey()));
        m.put("entity_display_name", TemplateFields.render(context, "entity_display_name", settings.entityDisplayName(), n));
        m.put("state_message", state);
        m.put("monitoring_tool", TemplateFields.render(context, "monitoring_tool", settings.monitoringTool(), n));
        for (Map.Entry<String, String> e : settings.customFields().entrySet()) {
            m.put(e.getKey(), TemplateFields.render(context, "custom_fields." + e.getKey(), e.getValue(), n));
        }
        try {
            return JSON.writeValueAsBytes(m);
        } catch (IOException e) {
            throw NotifyException.doNotRetry("encoding the VictorOps event: " + e.getMessage(), e);
        }
    }
}
