package io.promethium.templates.notification;

import io.promethium.api.model.Labels;
import io.promethium.api.notify.Alert;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.WebhookMessage;
import io.promethium.templates.GoTime;
import io.promethium.templates.RouteLabelSource;
import io.promethium.templates.TemplateValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a notification template sees as dot (Alertmanager's {@code template.Data}):
 * {@code .Receiver}, {@code .Status}, {@code .Alerts}, {@code .GroupLabels},
 * {@code .CommonLabels}, {@code .CommonAnnotations}, {@code .RouteLabels}, {@code .ExternalURL},
 * {@code .NotificationReason}.
 *
 * @param receiver the receiver's name as Alertmanager's {@code template.Data} carries it:
 *     {@link #of} escapes it as Go's {@code regexp.QuoteMeta} does ({@code team.db} is
 *     {@code team\.db}), so that a link filtering alerts by receiver matches it exactly
 * @param routeLabels the labels of the group's route (the {@code routeLabels} function's)
 * @param routeLabelsRendered whether {@code routeLabels} are rendered already (a notification's
 *     are: the dispatcher renders them), so {@code routeLabels} gives them as they are
 * @param notificationReason why the notification is sent, in Alertmanager's words
 *     ({@link Notification.Reason#text()}: {@code "first notification"}, {@code "unknown"}, ...)
 */
public record NotificationData(String receiver, String status, Alerts alerts, KV groupLabels, KV commonLabels,
                               KV commonAnnotations, KV routeLabels, String externalUrl, boolean routeLabelsRendered,
                               String notificationReason)
        implements TemplateValue, RouteLabelSource {

    /** Go's zero time, which Alertmanager shows as the end of a firing alert. */
    public static final Instant ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

    public NotificationData {
        Objects.requireNonNull(receiver, "receiver is null");
        Objects.requireNonNull(status, "status is null");
        Objects.requireNonNull(alerts, "alerts is null");
        externalUrl = externalUrl == null ? "" : externalUrl;
        routeLabels = routeLabels == null ? new KV(Map.of()) : routeLabels;
        notificationReason = notificationReason == null ? Notification.Reason.UNKNOWN.text() : notificationReason;
    }

    /** Data whose notification reason is not known (Alertmanager's {@code "unknown"}). */
    public NotificationData(String receiver, String status, Alerts alerts, KV groupLabels, KV commonLabels,
                            KV commonAnnotations, KV routeLabels, String externalUrl, boolean routeLabelsRendered) {
        this(receiver, status, alerts, groupLabels, commonLabels, commonAnnotations, routeLabels, externalUrl,
                routeLabelsRendered, null);
    }

    /** Data of a route without labels. */
    public NotificationData(String receiver, String status, Alerts alerts, KV groupLabels, KV commonLabels,
                            KV commonAnnotations, String externalUrl) {
        this(receiver, status, alerts, groupLabels, commonLabels, commonAnnotations, null, externalUrl, true, null);
    }

    /**
     * The template data of a notification as of {@code now} (which alerts have resolved by then),
     * its receiver escaped by {@code regexp.QuoteMeta} as Alertmanager's {@code Template.Data} does.
     */
    public static NotificationData of(Notification notification, Instant now) {
        List<NotificationAlert> alerts = new ArrayList<>();
        boolean firing = false;
        for (Alert a : notification.alerts()) {
            boolean resolved = a.resolvedAt(now);
            firing |= !resolved;
            alerts.add(new NotificationAlert(resolved ? "resolved" : "firing", kv(a.labels()), kv(a.annotations()),
                    GoTime.utc(a.startsAt()), GoTime.utc(resolved ? a.endsAt() : ZERO_TIME), a.generatorUrl(),
                    a.fingerprint()));
        }
        return new NotificationData(WebhookMessage.quoteMeta(notification.receiver()), firing ? "firing" : "resolved", new Alerts(alerts),
                kv(notification.groupLabels()), kv(notification.commonLabels()), kv(notification.commonAnnotations()),
                kv(notification.routeLabels()), notification.externalUrl(), true, notification.reason().text());
    }

    static KV kv(Labels labels) {
        Map<String, String> map = new LinkedHashMap<>();
        labels.forEach(map::put);
        return new KV(map);
    }

    @Override
    public Object field(String name) {
        return switch (name) {
            case "Receiver" -> receiver;
            case "Status" -> status;
            case "Alerts" -> alerts;
            case "GroupLabels" -> groupLabels;
            case "CommonLabels" -> commonLabels;
            case "CommonAnnotations" -> commonAnnotations;
            case "RouteLabels" -> routeLabels;
            case "ExternalURL" -> externalUrl;
            case "NotificationReason" -> notificationReason;
            default -> NO_FIELD;
        };
    }

    /** Alertmanager's {@code template.Data} JSON tags. */
    @Override
    public Object json() {
        java.util.LinkedHashMap<String, Object> fields = new java.util.LinkedHashMap<>();
        fields.put("receiver", receiver);
        fields.put("status", status);
        fields.put("alerts", alerts);
        fields.put("notification_reason", notificationReason);
        fields.put("groupLabels", groupLabels);
        fields.put("commonLabels", commonLabels);
        fields.put("commonAnnotations", commonAnnotations);
        fields.put("routeLabels", routeLabels);
        fields.put("externalURL", externalUrl);
        return fields;
    }

    @Override
    public String typeName() {
        return "*template.Data";
    }
}
