package io.promethium.alerting;

import io.promethium.api.model.Labels;
import io.promethium.api.notify.Alert;
import io.promethium.config.relabel.Relabeler;
import java.util.ArrayList;
import java.util.List;

/**
 * What Prometheus does to alerts before any Alertmanager sees them: external labels added where
 * the alert lacks them, then the global {@code alert_relabel_configs}; alerts relabeled away or
 * left without labels are dropped. Shared by the sender to external Alertmanagers and the
 * in-process one.
 */
public final class AlertPreparation {

    private AlertPreparation() {
    }

    public static List<Alert> prepare(List<Alert> alerts, Labels externalLabels, Relabeler relabel) {
        List<Alert> prepared = new ArrayList<>(alerts.size());
        for (Alert a : alerts) {
            Labels.Builder lb = a.labels().toBuilder();
            for (int i = 0; i < externalLabels.size(); i++) {
                if (lb.get(externalLabels.name(i)).isEmpty()) {
                    lb.set(externalLabels.name(i), externalLabels.value(i));
                }
            }
            if (!relabel.process(lb)) {
                continue;
            }
            Labels l = lb.build();
            if (l.isEmpty()) {
                continue;
            }
            prepared.add(new Alert(l, a.annotations(), a.startsAt(), a.endsAt(), a.generatorUrl()));
        }
        return prepared;
    }
}
