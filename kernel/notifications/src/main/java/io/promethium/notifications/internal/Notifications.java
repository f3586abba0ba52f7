package io.promethium.notifications.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's notifications, as Prometheus 3 shows them in its UI and serves them at
 * {@code /api/v1/notifications} and {@code /api/v1/notifications/live}: a short list of states
 * worth telling a user (starting up, the last config reload failed, shutting down). Adding one
 * that is there already refreshes its date; deleting one sends it once more, inactive, to live
 * subscribers. Subscribers are limited ({@code --web.max-notifications-subscribers}); each has a
 * small queue and misses updates (counted) rather than slowing the sender. Thread-safe.
 */
public final class Notifications {

    /** The config reload failed; cleared by the next successful one. */
    public static final String CONFIGURATION_UNSUCCESSFUL = "Configuration reload has failed.";
    /** From start until storage is open (its write-ahead log replayed) and the first config load ran. */
    public static final String STARTING_UP = "Promethium is starting and replaying the write-ahead log (WAL).";
    /** From the moment the server starts to stop. */
    public static final String SHUTTING_DOWN = "Promethium is shutting down and gracefully stopping all operations.";

    /** Per subscriber, as Prometheus's buffered channel. */
    static final int QUEUE = 10;

    /** One notification; {@code active} false only in the last update of a deleted one. */
    public record Notification(String text, Instant date, boolean active) {
        public Notification {
            Objects.requireNonNull(text, "text is null");
            Objects.requireNonNull(date, "date is null");
        }
    }

    /** A live subscriber's updates; {@link #close()} unsubscribes. */
    public final class Subscription implements AutoCloseable {
        private final BlockingQueue<Notification> queue = new ArrayBlockingQueue<>(QUEUE);

        /** The next update, or null after {@code timeoutMillis}. */
        public Notification next(long timeoutMillis) throws InterruptedException {
            return queue.poll(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            synchronized (Notifications.this) {
                subscribers.remove(this);
            }
        }
    }

    private final int maxSubscribers;
    private final Clock clock;
    private final List<Notification> current = new ArrayList<>();
    private final Set<Subscription> subscribers = new HashSet<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    public Notifications(int maxSubscribers, Clock clock) {
        if (maxSubscribers < 0) {
            throw new IllegalArgumentException("max subscribers is negative: " + maxSubscribers);
        }
        this.maxSubscribers = maxSubscribers;
        this.clock = Objects.requireNonNull(clock, "clock is null");
    }

    /** Adds {@code text}, or refreshes its date when it is there already; live subscribers get it. */
    public synchronized void add(String text) {
        Notification updated = new Notification(text, clock.instant(), true);
        for (int i = 0; i < current.size(); i++) {
            if (current.get(i).text().equals(text)) {
                current.set(i, updated);
                send(updated);
                return;
            }
        }
        current.add(updated);
        send(updated);
    }

    /** Removes {@code text}; live subscribers get it once more, inactive. */
    public synchronized void delete(String text) {
        for (int i = 0; i < current.size(); i++) {
            Notification n = current.get(i);
            if (n.text().equals(text)) {
                current.remove(i);
                send(new Notification(n.text(), n.date(), false));
                return;
            }
        }
    }

    /** The active notifications, oldest first. */
    public synchronized List<Notification> list() {
        return List.copyOf(current);
    }

    /** A live subscription starting with the active notifications, or null when the limit is reached. */
    public synchronized Subscription subscribe() {
        if (subscribers.size() >= maxSubscribers) {
            return null;
        }
        Subscription s = new Subscription();
        for (Notification n : current) {
            // Fewer than QUEUE notifications exist, so the queue takes them all.
            s.queue.offer(n);
        }
        subscribers.add(s);
        return s;
    }

    private void send(Notification n) {
        for (Subscription s : subscribers) {
            sent.incrementAndGet();
            if (!s.queue.offer(n)) {
                dropped.incrementAndGet();
            }
        }
    }

    public synchronized int activeSubscribers() {
        return subscribers.size();
    }

    public long updatesSent() {
        return sent.get();
    }

    public long updatesDropped() {
        return dropped.get();
    }
}
