package io.promethium.alertmanager.store;

import io.promethium.api.notify.Alert;
import java.time.Instant;
import java.util.Objects;

/**
 * An alert as the in-process Alertmanager holds it.
 *
 * @param timeout whether {@code endsAt} was set by the resolve timeout rather than by the sender
 */
public record StoredAlert(Alert alert, long fingerprint, Instant updatedAt, boolean timeout) {
    public StoredAlert {
        Objects.requireNonNull(alert, "alert is null");
        Objects.requireNonNull(alert.endsAt(), "a stored alert always has endsAt");
        Objects.requireNonNull(updatedAt, "updatedAt is null");
    }

    public boolean resolvedAt(Instant now) {
        return alert.resolvedAt(now);
    }

    /** Alertmanager's merge of two versions of one alert: the younger wins, the earliest start is kept. */
    public StoredAlert merge(StoredAlert o) {
        if (o.updatedAt.isBefore(updatedAt)) {
            return o.merge(this);
        }
        Instant startsAt = alert.startsAt().isBefore(o.alert.startsAt()) ? alert.startsAt() : o.alert.startsAt();
        Instant endsAt = o.alert.endsAt();
        Instant now = o.updatedAt;
        if (o.alert.resolvedAt(now)) {
            if (alert.resolvedAt(now) && alert.endsAt().isAfter(o.alert.endsAt())) {
                endsAt = alert.endsAt();
            }
        } else if (alert.endsAt().isAfter(o.alert.endsAt()) && !timeout) {
            endsAt = alert.endsAt();
        }
        Alert merged = new Alert(o.alert.labels(), o.alert.annotations(), startsAt, endsAt, o.alert.generatorUrl());
        return new StoredAlert(merged, fingerprint, o.updatedAt, o.timeout && endsAt.equals(o.alert.endsAt()));
    }
}
