package io.promethium.alertmanager.store;

import io.promethium.api.notify.Alert;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The alerts the in-process Alertmanager knows, by fingerprint. A new version of a known alert
 * whose activity overlaps the stored one is merged with it (Alertmanager's rule); resolved alerts
 * are dropped by {@link #gc}. Thread-safe; listeners run on the putting thread.
 */
public final class AlertStore {

    private final Map<Long, StoredAlert> alerts = new ConcurrentHashMap<>();
    private final List<Consumer<StoredAlert>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public void subscribe(Consumer<StoredAlert> listener) {
        listeners.add(listener);
    }

    /** Stores an alert (endsAt set) and tells the listeners; returns the stored version. */
    public StoredAlert put(Alert alert, boolean timeout, Instant now) {
        long fp = Alert.fingerprint(alert.labels());
        StoredAlert incoming = new StoredAlert(alert, fp, now, timeout);
        StoredAlert stored = alerts.compute(fp, (k, old) -> {
            if (old == null) {
                return incoming;
            }
            Instant s = alert.startsAt();
            Instant e = alert.endsAt();
            Instant os = old.alert().startsAt();
            Instant oe = old.alert().endsAt();
            boolean overlap = (e.isAfter(os) && e.isBefore(oe)) || (s.isAfter(os) && s.isBefore(oe));
            return overlap ? old.merge(incoming) : incoming;
        });
        for (Consumer<StoredAlert> l : listeners) {
            l.accept(stored);
        }
        return stored;
    }

    public StoredAlert get(long fingerprint) {
        return alerts.get(fingerprint);
    }

    public List<StoredAlert> list() {
        return new ArrayList<>(alerts.values());
    }

    /** Drops alerts resolved before {@code now}; returns how many. */
    public int gc(Instant now) {
        int before = alerts.size();
        alerts.values().removeIf(a -> a.resolvedAt(now));
        return before - alerts.size();
    }

    public int size() {
        return alerts.size();
    }
}
