package io.promethium.rules.internal.eval;

import io.promethium.api.model.Labels;
import io.promethium.rules.ActiveAlert;
import io.promethium.rules.AlertState;
import java.time.Instant;

/**
 * The mutable state of one alert of an alerting rule. Times are milliseconds, {@link #NEVER} for
 * "not yet".
 * Guarded by its rule's lock.
 */
final class AlertInstance {
    static final long NEVER = Long.MIN_VALUE;
    final Labels labels;
    Labels annotations;
    AlertState state = AlertState.PENDING;
    double value;
    long activeAt;
    long firedAt = NEVER;
    long resolvedAt = NEVER;
    long lastSentAt = NEVER;
    long validUntil = NEVER;
    long keepFiringSince = NEVER;

    AlertInstance(Labels labels, Labels annotations, double value, long activeAt) {
        this.labels = labels;
        this.annotations = annotations;
        this.value = value;
        this.activeAt = activeAt;
    }

    /** Prometheus's needsSending: firing alerts every resend delay, and a resolution once. */
    boolean needsSending(long now, long resendDelayMillis) {
        if (state == AlertState.PENDING) {
            return false;
        }
        if (resolvedAt != NEVER && resolvedAt > lastSentAt) {
            return true;
        }
        return lastSentAt == NEVER || lastSentAt + resendDelayMillis < now;
    }

    ActiveAlert snapshot() {
        return new ActiveAlert(labels, annotations, state, Instant.ofEpochMilli(activeAt), value,
                keepFiringSince == NEVER ? null : Instant.ofEpochMilli(keepFiringSince),
                firedAt == NEVER ? null : Instant.ofEpochMilli(firedAt));
    }
}
