package io.promethium.alertmanager.store;

import io.promethium.api.model.Matcher;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** A silence: mutes alerts its matchers match between {@code startsAt} and {@code endsAt}. */
public record Silence(String id, List<Matcher> matchers, Instant startsAt, Instant endsAt, Instant updatedAt,
                      String createdBy, String comment) {
    public Silence {
        Objects.requireNonNull(id, "id is null");
        matchers = List.copyOf(matchers);
        Objects.requireNonNull(startsAt, "startsAt is null");
        Objects.requireNonNull(endsAt, "endsAt is null");
        Objects.requireNonNull(updatedAt, "updatedAt is null");
        createdBy = createdBy == null ? "" : createdBy;
        comment = comment == null ? "" : comment;
    }

    /** {@code pending}, {@code active} or {@code expired}, as Alertmanager's API reports it. */
    public String state(Instant now) {
        if (now.isBefore(startsAt)) {
            return "pending";
        }
        return now.isBefore(endsAt) ? "active" : "expired";
    }
}
