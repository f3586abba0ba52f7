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

    /** {@code firing} or {@code resolved} at {@code now}, as Alertmanager reports it. */
    public String status(Instant now) {
        return resolvedAt(now) ? "resolved" : "firing";
    }

    /**
     * Alertmanager's fingerprint of the labels: FNV-1a (64 bit) over each name and value in name
     * order, each followed by the byte 0xff, as 16 hex digits.
     */
    public String fingerprint() {
        return String.format("%016x", fingerprint(labels));
    }

    /** The fingerprint of a label set as a number (see {@link #fingerprint()}). */
    public static long fingerprint(Labels labels) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < labels.size(); i++) {
            hash = fnv(hash, labels.name(i));
            hash = (hash ^ 0xff) * 0x100000001b3L;
            hash = fnv(hash, labels.value(i));
            hash = (hash ^ 0xff) * 0x100000001b3L;
        }
        return hash;
    }

    private static long fnv(long hash, String s) {
        byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (byte b : bytes) {
            hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
        }
        return hash;
    }
}
