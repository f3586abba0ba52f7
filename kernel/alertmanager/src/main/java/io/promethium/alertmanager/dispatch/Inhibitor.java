package io.promethium.alertmanager.dispatch;

import io.promethium.alertmanager.config.InhibitRule;
import io.promethium.alertmanager.config.LabelMatchers;
import io.promethium.alertmanager.store.AlertStore;
import io.promethium.alertmanager.store.StoredAlert;
import io.promethium.api.model.Labels;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Alertmanager's inhibition: an alert matching a rule's target is muted while a firing alert
 * matching its source has the same values of the {@code equal} labels (absent counts as empty).
 * An alert that matches both sides is never inhibited by an alert that also matches both.
 */
public final class Inhibitor {

    private final List<InhibitRule> rules;
    private final AlertStore alerts;

    public Inhibitor(List<InhibitRule> rules, AlertStore alerts) {
        this.rules = List.copyOf(rules);
        this.alerts = Objects.requireNonNull(alerts, "alerts is null");
    }

    /** Fingerprints of the alerts inhibiting this one (hex), empty when none. */
    public List<String> inhibitedBy(Labels labels, long fingerprint, Instant now) {
        List<String> by = new ArrayList<>();
        for (Inhibition i : inhibitions(labels, fingerprint, now)) {
            by.add(String.format("%016x", i.source()));
        }
        return by;
    }

    /** One rule muting an alert, and the fingerprint of the firing alert it mutes it for. */
    public record Inhibition(InhibitRule rule, long source) {
    }

    /** The rules muting this alert now, each with its first source alert; empty when none. */
    public List<Inhibition> inhibitions(Labels labels, long fingerprint, Instant now) {
        List<Inhibition> by = new ArrayList<>();
        for (InhibitRule rule : rules) {
            if (!LabelMatchers.matches(rule.target(), labels)) {
                continue;
            }
            boolean twoSided = LabelMatchers.matches(rule.source(), labels);
            for (StoredAlert source : alerts.list()) {
                if (source.resolvedAt(now) || source.fingerprint() == fingerprint) {
                    continue;
                }
                Labels sl = source.alert().labels();
                if (!LabelMatchers.matches(rule.source(), sl)) {
                    continue;
                }
                if (twoSided && LabelMatchers.matches(rule.target(), sl)) {
                    continue;
                }
                if (equal(rule.equal(), sl, labels)) {
                    by.add(new Inhibition(rule, source.fingerprint()));
                    break;
                }
            }
        }
        return by;
    }

    private static boolean equal(List<String> names, Labels a, Labels b) {
        for (String n : names) {
            String x = a.get(n);
            String y = b.get(n);
            if (!(x == null ? "" : x).equals(y == null ? "" : y)) {
                return false;
            }
        }
        return true;
    }
}
