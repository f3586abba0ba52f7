package io.promethium.discovery;

import io.promethium.api.discovery.TargetGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One consumer's view: its target sets and their providers, and the sender thread that hands
 * the listener the current groups, at most once per update interval (Prometheus's 5 s, or longer
 * when the consumer asks: the scrape manager's {@code --scrape.discovery-reload-interval}), so a
 * burst of discovery changes costs the consumer one sync.
 */
final class Subscription {

    private static final Logger LOG = Logger.getLogger(Subscription.class.getName());

    private final String consumer;
    /** The manager's interval; the consumer's own may only lengthen it (Prometheus stacks both throttles). */
    private final Duration minimum;
    private volatile Duration interval;
    private final DiscoveryMetrics metrics;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Thread sender;
    private volatile Map<String, List<Provider>> sets = Map.of();
    /** Per target set, its static_configs targets: counted in the gauge as Prometheus's static provider. */
    private volatile Map<String, Integer> staticTargets = Map.of();
    private volatile TargetSetListener listener;
    private boolean triggered;
    private boolean closed;

    Subscription(String consumer, Duration interval, DiscoveryMetrics metrics) {
        this.consumer = consumer;
        this.minimum = interval;
        this.interval = interval;
        this.metrics = metrics;
        this.sender = Thread.ofVirtual().name("discovery-sender-" + consumer).start(this::run);
    }

    String consumer() {
        return consumer;
    }

    Map<String, List<Provider>> sets() {
        return sets;
    }

    void follow(Map<String, List<Provider>> newSets, Map<String, Integer> newStaticTargets, Duration consumerInterval,
                TargetSetListener newListener) {
        for (String set : sets.keySet()) {
            if (!newSets.containsKey(set)) {
                metrics.discoveredTargets.remove(set, consumer);
            }
        }
        this.sets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(newSets));
        this.staticTargets = Map.copyOf(newStaticTargets);
        this.listener = newListener;
        this.interval = consumerInterval == null || consumerInterval.compareTo(minimum) < 0 ? minimum : consumerInterval;
        trigger();
    }

    /** A provider of this consumer received an update from its discoverer. */
    void received() {
        metrics.receivedUpdates.inc(consumer);
        trigger();
    }

    void trigger() {
        lock.lock();
        try {
            if (triggered) {
                metrics.delayedUpdates.inc(consumer);
            }
            triggered = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            lock.lock();
            try {
                while (!triggered && !closed) {
                    changed.awaitUninterruptibly();
                }
                if (closed) {
                    return;
                }
                triggered = false;
            } finally {
                lock.unlock();
            }
            send();
            // Coalesce: whatever arrives during the interval goes out in one update after it.
            lock.lock();
            try {
                long left = interval.toNanos();
                while (left > 0 && !closed) {
                    try {
                        left = changed.awaitNanos(left);
                    } catch (InterruptedException e) {
                        closed = true;
                    }
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private void send() {
        Map<String, List<TargetGroup>> snapshot = new LinkedHashMap<>();
        for (Map.Entry<String, List<Provider>> set : sets.entrySet()) {
            List<TargetGroup> groups = new ArrayList<>();
            int targets = staticTargets.getOrDefault(set.getKey(), 0);
            for (Provider provider : set.getValue()) {
                for (TargetGroup group : provider.groups()) {
                    groups.add(group);
                    targets += group.targets().size();
                }
            }
            snapshot.put(set.getKey(), List.copyOf(groups));
            metrics.discoveredTargets.set(targets, set.getKey(), consumer);
        }
        TargetSetListener current = listener;
        if (current == null) {
            return;
        }
        metrics.sentUpdates.inc(consumer);
        try {
            current.update(snapshot);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "discovery consumer " + consumer + " failed applying an update", e);
        }
    }

    /** Stops the sender (an update being sent finishes first). */
    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            sender.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (String set : sets.keySet()) {
            metrics.discoveredTargets.remove(set, consumer);
        }
    }
}
