package io.promethium.rules;

import io.promethium.api.model.Labels;
import java.time.Instant;
import java.util.Objects;

/**
 * A pending or firing alert.
 *
 * @param labels the alert's labels (series labels, rule labels, {@code alertname})
 * @param annotations the rule's annotations, templated
 * @param state {@link AlertState#PENDING} or {@link AlertState#FIRING}
 * @param activeAt when the condition first held
 * @param value the sample value of the last evaluation that produced this alert
 * @param keepFiringSince when the condition stopped holding while {@code keep_firing_for} keeps
 *     the alert firing, or {@code null}
 * @param firedAt when the alert went firing, or {@code null} while pending
 */
public record ActiveAlert(Labels labels, Labels annotations, AlertState state, Instant activeAt, double value,
                          Instant keepFiringSince, Instant firedAt) {
    public ActiveAlert {
        Objects.requireNonNull(labels, "labels is null");
        Objects.requireNonNull(annotations, "annotations is null");
        Objects.requireNonNull(state, "state is null");
        Objects.requireNonNull(activeAt, "activeAt is null");
    }
}
