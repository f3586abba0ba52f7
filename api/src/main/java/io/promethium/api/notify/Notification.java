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
 */
public record Notification(String receiver, boolean firing, List<Alert> alerts, Labels groupLabels,
                           Labels commonLabels, Labels commonAnnotations, String externalUrl, String groupKey,
                           Labels routeLabels) {

    /** A notification of a route without labels. */
    public Notification(String receiver, boolean firing, List<Alert> alerts, Labels groupLabels, Labels commonLabels,
                        Labels commonAnnotations, String externalUrl, String groupKey) {
        this(receiver, firing, alerts, groupLabels, commonLabels, commonAnnotations, externalUrl, groupKey, Labels.EMPTY);
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
    }
}
