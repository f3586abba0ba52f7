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
 */
public record Notification(String receiver, boolean firing, List<Alert> alerts, Labels groupLabels,
                           Labels commonLabels, Labels commonAnnotations, String externalUrl, String groupKey) {
    public Notification {
        Objects.requireNonNull(receiver, "receiver is null");
        alerts = List.copyOf(alerts);
        groupLabels = groupLabels == null ? Labels.EMPTY : groupLabels;
        commonLabels = commonLabels == null ? Labels.EMPTY : commonLabels;
        commonAnnotations = commonAnnotations == null ? Labels.EMPTY : commonAnnotations;
        externalUrl = externalUrl == null ? "" : externalUrl;
        groupKey = groupKey == null ? "" : groupKey;
    }
}
