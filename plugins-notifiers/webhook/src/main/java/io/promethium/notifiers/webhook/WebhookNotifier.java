package io.promethium.notifiers.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promethium.api.model.Labels;
import io.promethium.api.notify.Alert;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.HttpDelivery;
import io.promethium.api.notify.Notifier;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.notify.NotifierUrls;
import io.promethium.api.notify.NotifyException;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Posts Alertmanager's webhook message (version 4), field for field: receiver, status, alerts
 * (status, labels, annotations, startsAt, endsAt, generatorURL, fingerprint), notification_reason,
 * groupLabels, commonLabels, commonAnnotations, routeLabels, externalURL, version, groupKey,
 * truncatedAlerts, in the order Go encodes the newest Alertmanager's {@code webhook.Message}
 * (its embedded {@code template.Data} first). None is ever omitted: {@code routeLabels} is
 * <code>{}</code> for a route without labels, {@code notification_reason} is {@code "unknown"}
 * when the dispatcher gave none. A 2xx answer
 * is success, a 5xx or an I/O error is retried by the dispatcher, other answers are not
 * ({@link HttpDelivery}). The
 * request goes through the kernel's client for the block's {@code http_config} (credentials,
 * TLS, proxy, redirects).
 */
final class WebhookNotifier implements Notifier {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ZERO_TIME = "0001-01-01T00:00:00Z";
    private static final HttpDelivery DELIVERY = HttpDelivery.to("webhook");

    private final WebhookNotifierFactory.Settings settings;
    private final ConfiguredHttpClient client;

    WebhookNotifier(WebhookNotifierFactory.Settings settings, ConfiguredHttpClient client) {
        this.settings = settings;
        this.client = client;
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public void send(Notification n, Instant deadline) throws NotifyException {
        URI url = url();
        byte[] body = payload(n, settings.maxAlerts());
        Duration timeout = HttpDelivery.timeLeft(deadline);
        DELIVERY.send(client, HttpDelivery.jsonPost(url, body, timeout).build());
    }

    private URI url() throws NotifyException {
        if (settings.url() != null) {
            return settings.url();
        }
        return NotifierUrls.fromFile("url_file", settings.urlFile());
    }

    /** Alertmanager's webhook message, version 4. */
    static byte[] payload(Notification n, long maxAlerts) throws NotifyException {
        List<Alert> alerts = n.alerts();
        long truncated = 0;
        if (maxAlerts > 0 && alerts.size() > maxAlerts) {
            truncated = alerts.size() - maxAlerts;
            alerts = alerts.subList(0, (int) maxAlerts);
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("receiver", n.receiver());
        root.put("status", n.firing() ? "firing" : "resolved");
        ArrayNode list = root.putArray("alerts");
        for (Alert a : alerts) {
            ObjectNode o = list.addObject();
            boolean resolved = a.endsAt() != null;
            o.put("status", resolved ? "resolved" : "firing");
            o.set("labels", labels(a.labels()));
            o.set("annotations", labels(a.annotations()));
            o.put("startsAt", time(a.startsAt()));
            o.put("endsAt", resolved ? time(a.endsAt()) : ZERO_TIME);
            o.put("generatorURL", a.generatorUrl());
            o.put("fingerprint", a.fingerprint());
        }
        root.put("notification_reason", n.reason().text());
        root.set("groupLabels", labels(n.groupLabels()));
        root.set("commonLabels", labels(n.commonLabels()));
        root.set("commonAnnotations", labels(n.commonAnnotations()));
        root.set("routeLabels", labels(n.routeLabels()));
        root.put("externalURL", n.externalUrl());
        root.put("version", "4");
        root.put("groupKey", n.groupKey());
        root.put("truncatedAlerts", truncated);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw NotifyException.doNotRetry("encoding the webhook message: " + e.getMessage(), e);
        }
    }

    private static ObjectNode labels(Labels labels) {
        ObjectNode o = JSON.createObjectNode();
        labels.forEach(o::put);
        return o;
    }

    /** Go's RFC 3339 with nanoseconds, trailing zeros dropped. */
    static String time(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t);
    }
}
