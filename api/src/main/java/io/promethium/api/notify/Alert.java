package io.promethium.api.notify;

import io.promethium.api.model.Labels;
import java.time.Instant;
import java.util.Objects;

/**
 * One alert as Alertmanager models it.
 *
 * @param endsAt when the alert resolved, or {@code null} while it fires
 */
public record Alert(Labels labels, Labels annotations, Instant startsAt, Instant endsAt, String generatorUrl) {
    public Alert {
        Objects.requireNonNull(labels, "labels is null");
        annotations = annotations == null ? Labels.EMPTY : annotations;
        Objects.requireNonNull(startsAt, "startsAt is null");
        generatorUrl = generatorUrl == null ? "" : generatorUrl;
    }

    public boolean resolvedAt(Instant now) {
        return endsAt != null && !endsAt.isAfter(now);
    }
}
