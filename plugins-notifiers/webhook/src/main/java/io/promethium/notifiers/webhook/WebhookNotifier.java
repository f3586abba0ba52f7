package io.promethium.notifiers.webhook;

import io.promethium.api.config.Durations;
import io.promethium.api.model.Labels;
import io.promethium.api.notify.Alert;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.HttpDelivery;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.notify.NotifierUrls;
import io.promethium.api.notify.NotifyException;
import io.promethium.api.notify.WebhookMessage;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Posts Alertmanager's webhook message (version 4) as {@link WebhookMessage} writes it, the body
 * the incident.io integration shares: receiver, status, alerts (status, labels, annotations,
 * startsAt, endsAt, generatorURL, fingerprint), notification_reason, groupLabels, commonLabels,
 * commonAnnotations, routeLabels, externalURL, version, groupKey, truncatedAlerts, in the order Go
 * encodes the newest Alertmanager's {@code webhook.Message} (its embedded {@code template.Data}
 * first). None is ever omitted: {@code routeLabels} is <code>{}</code> for a route without labels,
 * {@code notification_reason} is {@code "unknown"} when the dispatcher gave none. A 2xx answer
 * is success, a 5xx or an I/O error is retried by the dispatcher, other answers are not
 * ({@link HttpDelivery}). With {@code timeout} a request lasting longer fails, retryable, its
 * message naming the configured timeout as Alertmanager 0.34's does. The
 * {@code payload} replaces the message with the user's body ({@link CustomPayload}). The
 * request goes through the kernel's client for the block's {@code http_config} (credentials,
 * TLS, proxy, redirects).
 */
final class WebhookNotifier implements Notifier {

    private static final HttpDelivery DELIVERY = HttpDelivery.to("webhook");

    private final WebhookNotifierFactory.Settings settings;
    private final ConfiguredHttpClient client;
    private final NotifierContext context;

    WebhookNotifier(WebhookNotifierFactory.Settings settings, ConfiguredHttpClient client, NotifierContext context) {
        this.settings = settings;
        this.client = client;
        this.context = context;
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public void send(Notification n, Instant deadline) throws NotifyException {
        URI url = url();
        byte[] body = settings.payload() == null ? payload(n, settings.maxAlerts())
                : settings.payload().render(truncated(n, settings.maxAlerts()), context);
        Instant own = settings.timeout().isZero() ? null : Instant.now().plus(settings.timeout());
        if (own != null && own.isBefore(deadline)) {
            deadline = own;
        } else {
            own = null;
        }
        Duration timeout = HttpDelivery.timeLeft(deadline);
        try {
            DELIVERY.send(client, HttpDelivery.jsonPost(url, body, timeout).build());
        } catch (NotifyException e) {
            if (own != null && e.retryable() && e.statusCode().isEmpty() && !Instant.now().isBefore(own)) {
                // Alertmanager 0.34 names its own timeout as the cause; still retried, as a context deadline is
                throw NotifyException.retryLater(e.getMessage() + ": configured webhook timeout reached ("
                        + Durations.format(settings.timeout()) + ")", e);
            }
            throw e;
        }
    }

    private URI url() throws NotifyException {
        if (settings.url() != null) {
            return settings.url();
        }
        return NotifierUrls.fromFile("url_file", settings.urlFile());
    }

    /**
     * The notification with its alerts cut to {@code max_alerts}, its data recomputed from the
     * alerts left as Alertmanager's {@code GetTemplateData} computes it from the truncated list:
     * the status (firing when any alert left fires), the common labels and annotations.
     */
    static Notification truncated(Notification n, long maxAlerts) {
        if (maxAlerts <= 0 || n.alerts().size() <= maxAlerts) {
            return n;
        }
        List<Alert> left = n.alerts().subList(0, (int) maxAlerts);
        boolean firing = left.stream().anyMatch(a -> a.endsAt() == null);
        return new Notification(n.receiver(), firing, left, n.groupLabels(), common(left, Alert::labels),
                common(left, Alert::annotations), n.externalUrl(), n.groupKey(), n.routeLabels(), n.reason());
    }

    /** The pairs every alert has (Alertmanager's CommonLabels / CommonAnnotations). */
    private static Labels common(List<Alert> alerts, java.util.function.Function<Alert, Labels> of) {
        Labels.Builder b = of.apply(alerts.get(0)).toBuilder();
        for (Alert a : alerts.subList(1, alerts.size())) {
            Labels other = of.apply(a);
            for (String name : b.build().names()) {
                if (!java.util.Objects.equals(other.get(name), b.get(name))) {
                    b.remove(name);
                }
            }
        }
        return b.build();
    }

    /** Alertmanager's webhook message, version 4. */
    static byte[] payload(Notification n, long maxAlerts) throws NotifyException {
        List<Alert> alerts = n.alerts();
        long truncated = 0;
        if (maxAlerts > 0 && alerts.size() > maxAlerts) {
            truncated = alerts.size() - maxAlerts;
            alerts = alerts.subList(0, (int) maxAlerts);
        }
        return WebhookMessage.encode(truncated == 0 ? n : truncated(n, maxAlerts), alerts, "4", truncated);
    }

}
