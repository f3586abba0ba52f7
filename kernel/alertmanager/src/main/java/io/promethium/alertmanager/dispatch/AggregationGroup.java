package io.promethium.alertmanager.dispatch;

import io.promethium.alertmanager.eventrecorder.EventRecorder;
import io.promethium.alertmanager.eventrecorder.Events;
import io.promethium.alertmanager.store.StoredAlert;
import io.promethium.api.model.Labels;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The alerts of one route with the same group labels, flushed with Alertmanager's timing: first
 * after {@code group_wait} (at once when an alert started longer ago than that and the group has
 * not flushed yet), then every {@code group_interval}. After a successful flush the resolved
 * alerts that did not change meanwhile leave the group; an empty group ends.
 */
public final class AggregationGroup {

    private static final Logger LOG = Logger.getLogger(AggregationGroup.class.getName());

    private final Dispatcher dispatcher;
    private final Route route;
    private final Labels groupLabels;
    private final String key;
    private final Notifications notifications;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final Map<Long, StoredAlert> alerts = new LinkedHashMap<>();
    private Instant nextFlush;
    private boolean hasFlushed;
    private boolean stopped;
    /** The last flush did not succeed (a receiver failed, or waited for its plugin). */
    private boolean lastFlushFailed;
    private Thread thread;
    /** The group's own id and flush count, for the event recorder's notification events (0.34's group UUID and flush id). */
    private final String id = java.util.UUID.randomUUID().toString();
    private final java.util.concurrent.atomic.AtomicLong flushes = new java.util.concurrent.atomic.AtomicLong();

    AggregationGroup(Dispatcher dispatcher, Route route, Labels groupLabels, String key, Notifications notifications, Clock clock) {
        this.dispatcher = dispatcher;
        this.route = route;
        this.groupLabels = groupLabels;
        this.key = key;
        this.notifications = notifications;
        this.clock = clock;
        this.nextFlush = clock.instant().plus(route.config().groupWait());
    }

    public String key() {
        return key;
    }

    public Route route() {
        return route;
    }

    public Labels groupLabels() {
        return groupLabels;
    }

    String id() {
        return id;
    }

    long flushId() {
        return flushes.get();
    }

    void start() {
        thread = Thread.ofVirtual().name("alertmanager-group").start(this::run);
    }

    void stop() {
        lock.lock();
        try {
            stopped = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void insert(StoredAlert alert) {
        lock.lock();
        try {
            alerts.put(alert.fingerprint(), alert);
            Instant now = clock.instant();
            EventRecorder events = notifications.events();
            if (events != null && events.enabled()) {
                events.record(() -> Events.alertGrouped(eventInfo(), alert.alert(), now));
            }
            if (!hasFlushed && alert.alert().startsAt().plus(route.config().groupWait()).isBefore(now)) {
                nextFlush = now;
                wake.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Flushes at once if the last flush failed: a receiver's notifier plugin arrived, so what
     * could not be sent goes out now instead of after {@code group_interval}.
     */
    void retryIfFailed() {
        lock.lock();
        try {
            if (lastFlushFailed && hasFlushed) {
                nextFlush = clock.instant();
                wake.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    boolean isEmpty() {
        lock.lock();
        try {
            return alerts.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** The alerts now. */
    public List<StoredAlert> alerts() {
        lock.lock();
        try {
            return new ArrayList<>(alerts.values());
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            List<StoredAlert> snapshot;
            lock.lock();
            try {
                while (!stopped) {
                    long wait = Duration.between(clock.instant(), nextFlush).toNanos();
                    if (wait <= 0) {
                        break;
                    }
                    wake.awaitNanos(wait);
                }
                if (stopped) {
                    return;
                }
                nextFlush = clock.instant().plus(route.config().groupInterval());
                hasFlushed = true;
                flushes.incrementAndGet();
                snapshot = new ArrayList<>(alerts.values());
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            boolean ok;
            try {
                ok = notifications.flush(this, snapshot);
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "flushing group " + key + " failed", e);
                ok = false;
            }
            lock.lock();
            try {
                lastFlushFailed = !ok;
            } finally {
                lock.unlock();
            }
            if (ok) {
                Instant now = clock.instant();
                EventRecorder events = notifications.events();
                if (events != null && events.enabled()) {
                    for (StoredAlert a : snapshot) {
                        if (a.resolvedAt(now)) {
                            events.record(() -> Events.alertResolved(eventInfo(), a.alert(), now));
                        }
                    }
                }
                lock.lock();
                try {
                    for (StoredAlert a : snapshot) {
                        // Delete only if not modified since the flush took its copy.
                        if (a.resolvedAt(now) && alerts.get(a.fingerprint()) == a) {
                            alerts.remove(a.fingerprint());
                        }
                    }
                } finally {
                    lock.unlock();
                }
                if (dispatcher.removeIfEmpty(this)) {
                    return;
                }
            }
        }
    }

    private Events.GroupInfo eventInfo() {
        return new Events.GroupInfo(key, groupLabels, route.config().receiver(), null, null);
    }

    /** Whether the group's thread still runs (tests). */
    boolean running() {
        return thread != null && thread.isAlive();
    }

    /** Waits for the group's thread to end (tests). */
    void join(long millis) throws InterruptedException {
        if (thread != null) {
            thread.join(millis);
        }
    }

}
