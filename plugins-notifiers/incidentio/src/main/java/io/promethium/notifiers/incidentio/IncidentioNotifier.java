package io.promethium.notifiers.incidentio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.notify.Alert;
import io.promethium.api.notify.HttpDelivery;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierUrls;
import io.promethium.api.notify.NotifyException;
import io.promethium.api.notify.WebhookMessage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Posts Alertmanager's incident.io message: the webhook's body ({@link WebhookMessage}: receiver,
 * status, alerts with labels, annotations, times, generator URL and fingerprint,
 * {@code notification_reason}, group and common labels, common annotations, {@code routeLabels},
 * external URL) with {@code version: "1"}, {@code groupKey} and {@code truncatedAlerts}; over incident.io's 512 KiB limit only the first alert is kept. The
 * token goes as {@code Authorization: Bearer}. 429 and 5xx are retried; an error answer's
 * {@code message}, {@code error} and {@code errors} are shown.
 */
final class IncidentioNotifier implements Notifier {

    static final int MAX_PAYLOAD_BYTES = 512 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpDelivery DELIVERY = HttpDelivery.to("incident.io").retrying(429).describing(IncidentioNotifier::details);

    private final IncidentioNotifierFactory.Settings settings;
    private final NotifierContext context;
    private final ConfiguredHttpClient client;

    IncidentioNotifier(IncidentioNotifierFactory.Settings settings, NotifierContext context, ConfiguredHttpClient client) {
        this.settings = settings;
        this.context = context;
        this.client = client;
    }

    @Override
    public void close() {
        client.close();
    }

    /** incident.io's error answer: message, error and errors joined, as Alertmanager shows them. */
    static String details(String body) {
        try {
            JsonNode e = JSON.readTree(body);
            List<String> parts = new ArrayList<>();
            if (e != null) {
                if (!e.path("message").asText("").isEmpty()) {
                    parts.add(e.path("message").asText());
                }
                if (!e.path("error").asText("").isEmpty()) {
                    parts.add(e.path("error").asText());
                }
                if (e.path("errors").isArray() && !e.path("errors").isEmpty()) {
                    List<String> errors = new ArrayList<>();
                    e.path("errors").forEach(x -> errors.add(x.asText()));
                    parts.add(String.join(", ", errors));
                }
            }
            return parts.isEmpty() ? HttpDelivery.cut(body) : String.join(": ", parts);
        } catch (IOException ex) {
            return HttpDelivery.cut(body);
        }
    }

    @Override
    public void send(Notification n, Instant deadline) throws NotifyException {
        if (!settings.timeout().isZero() && Instant.now().plus(settings.timeout()).isBefore(deadline)) {
            deadline = Instant.now().plus(settings.timeout());
        }
        Duration timeout = HttpDelivery.timeLeft(deadline);
        byte[] body = payload(n);
        URI url = settings.url() != null ? settings.url() : NotifierUrls.fromFile("url_file", settings.urlFile());
        HttpRequest.Builder request = HttpDelivery.jsonPost(url, body, timeout);
        if (settings.token() != null) {
            request.header("Authorization", "Bearer " + settings.token().read());
        }
        DELIVERY.send(client, request.build());
    }

    byte[] payload(Notification n) throws NotifyException {
        List<Alert> alerts = n.alerts();
        long truncated = 0;
        if (settings.maxAlerts() > 0 && alerts.size() > settings.maxAlerts()) {
            truncated = alerts.size() - settings.maxAlerts();
            alerts = alerts.subList(0, (int) settings.maxAlerts());
        }
        byte[] out = encode(n, alerts, truncated);
        if (out.length > MAX_PAYLOAD_BYTES && alerts.size() > 1) {
            int original = out.length;
            out = encode(n, alerts.subList(0, 1), truncated);
            context.logger().warning("incident.io message cut to its first alert: " + original + " bytes over the "
                    + MAX_PAYLOAD_BYTES + " byte limit, now " + out.length);
        }
        return out;
    }

    private static byte[] encode(Notification n, List<Alert> alerts, long truncated) {
        return WebhookMessage.encode(n, alerts, "1", truncated);
    }
}
