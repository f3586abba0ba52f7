package io.promethium.api.notify;

import io.promethium.api.model.Labels;
import java.util.List;
import java.util.Objects;

/**
 * A group of alerts sent together to one receiver, the same data Alertmanager's webhook carries.
 *
 * @param receiver the receiver's name
 * @param firing whether any alert of the group still fires
 * @param groupKey identity of the group, stable across notifications
 * @param routeLabels the {@code labels} of the group's route (inherited from its parents), as the
 *     dispatcher rendered them for this notification (Alertmanager's {@code .RouteLabels})
 * @param reason why the dispatcher sends this notification to this integration (Alertmanager's
 *     {@code .NotificationReason}); {@link Reason#UNKNOWN} when not given
 */
public record Notification(String receiver, boolean firing, List<Alert> alerts, Labels groupLabels,
                           Labels commonLabels, Labels commonAnnotations, String externalUrl, String groupKey,
                           Labels routeLabels, Reason reason) {

    /**
     * Why a notification goes out, decided per integration against the notification log as
     * Alertmanager's dedup stage decides it; {@link #text()} is Alertmanager's wording (its
     * {@code NotifyReason.String()}), which templates and the webhook body carry.
     */
    public enum Reason {
        /** The integration was not notified of the group, or its last notification was of all alerts resolved. */
        FIRST_NOTIFICATION("first notification"),
        /** Alerts fire that the last notification did not have firing. */
        NEW_ALERTS_IN_GROUP("new alerts added"),
        /** Alerts resolved since the last notification, some still firing ({@code send_resolved} only). */
        NEW_RESOLVED_ALERTS("some alerts resolved"),
        /** Every alert of the group resolved after the last notification had firing ones. */
        ALL_ALERTS_RESOLVED("all alerts resolved"),
        /** Nothing changed and the route's {@code repeat_interval} passed. */
        REPEAT_INTERVAL_ELAPSED("repeat interval elapsed"),
        /** Not decided by the dispatcher (route labels are rendered with this one, as in Alertmanager). */
        UNKNOWN("unknown");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        /** Alertmanager's text of the reason, e.g. {@code "first notification"}. */
        public String text() {
            return text;
        }
    }

    /** A notification whose reason is not known. */
    public Notification(String receiver, boolean firing, List<Alert> alerts, Labels groupLabels, Labels commonLabels,
                        Labels commonAnnotations, String externalUrl, String groupKey, Labels routeLabels) {
        this(receiver, firing, alerts, groupLabels, commonLabels, commonAnnotations, externalUrl, groupKey, routeLabels,
                Reason.UNKNOWN);
    }

    /** A notification of a route without labels. */
    public Notification(String receiver, boolean firing, List<Alert> alerts, Labels groupLabels, Labels commonLabels,
                        Labels commonAnnotations, String externalUrl, String groupKey) {
        this(receiver, firing, alerts, groupLabels, commonLabels, commonAnnotations, externalUrl, groupKey, Labels.EMPTY, Reason.UNKNOWN);
    }

    public Notification {
        Objects.requireNonNull(receiver, "receiver is null");
        alerts = List.copyOf(alerts);
        groupLabels = groupLabels == null ? Labels.EMPTY : groupLabels;
        commonLabels = commonLabels == null ? Labels.EMPTY : commonLabels;
        commonAnnotations = commonAnnotations == null ? Labels.EMPTY : commonAnnotations;
        externalUrl = externalUrl == null ? "" : externalUrl;
        groupKey = groupKey == null ? "" : groupKey;
        routeLabels = routeLabels == null ? Labels.EMPTY : routeLabels;
        reason = reason == null ? Reason.UNKNOWN : reason;
    }

    /** This notification with {@code reason}. */
    public Notification withReason(Reason reason) {
        return new Notification(receiver, firing, alerts, groupLabels, commonLabels, commonAnnotations, externalUrl,
                groupKey, routeLabels, reason);
    }
}
