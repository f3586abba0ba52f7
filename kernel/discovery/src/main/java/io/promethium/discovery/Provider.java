package io.promethium.discovery;

import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.TargetGroup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * One running discoverer and what it reported, shared by every (consumer, target set) whose
 * config has the same block. Updates arrive on the discoverer's thread; subscribers are
 * triggered, never called, from there. Thread-safe.
 */
final class Provider {

    /** What makes two blocks the same discoverer: type, values (deep) and where paths resolve. */
    record Key(String type, Map<String, Object> values, Path configDirectory) {
    }

    private final Key key;
    private final PluginConfig config;
    private final String name;
    private final Set<Subscription> subscribers = new CopyOnWriteArraySet<>();
    private final Map<String, TargetGroup> groups = new LinkedHashMap<>();
    private DiscovererFactory factory;
    private Discoverer discoverer;
    /** Bumped on every (re)start so a closed discoverer's late updates are dropped. */
    private long generation;

    Provider(Key key, PluginConfig config, String name) {
        this.key = Objects.requireNonNull(key, "key is null");
        this.config = Objects.requireNonNull(config, "config is null");
        this.name = Objects.requireNonNull(name, "name is null");
    }

    Key key() {
        return key;
    }

    PluginConfig config() {
        return config;
    }

    /** Unique among providers; prefixes group sources so they stay unique within a target set. */
    String name() {
        return name;
    }

    Set<Subscription> subscribers() {
        return subscribers;
    }

    synchronized DiscovererFactory factory() {
        return factory;
    }

    synchronized boolean running() {
        return discoverer != null;
    }

    /** Starts {@code created} (made by {@code factory}), replacing nothing: the provider must be stopped. */
    void start(DiscovererFactory by, Discoverer created) {
        long mine;
        synchronized (this) {
            factory = by;
            discoverer = created;
            mine = ++generation;
        }
        created.start(update -> receive(mine, update));
    }

    private void receive(long from, List<TargetGroup> update) {
        synchronized (this) {
            if (from != generation) {
                return;
            }
            for (TargetGroup group : update) {
                if (group.targets().isEmpty()) {
                    groups.remove(group.source());
                } else {
                    groups.put(group.source(), group);
                }
            }
        }
        for (Subscription subscription : subscribers) {
            subscription.received();
        }
    }

    /** Closes the discoverer and forgets its groups (its plugin went away, or nobody uses it). */
    void stop() {
        Discoverer running;
        synchronized (this) {
            running = discoverer;
            discoverer = null;
            factory = null;
            generation++;
            groups.clear();
        }
        if (running != null) {
            try {
                running.close();
            } catch (RuntimeException e) {
                java.util.logging.Logger.getLogger(Provider.class.getName())
                        .log(java.util.logging.Level.WARNING, "closing discoverer " + name + " failed", e);
            }
        }
        for (Subscription subscription : subscribers) {
            subscription.trigger();
        }
    }

    /** The current groups, sources prefixed with this provider's name. */
    synchronized List<TargetGroup> groups() {
        List<TargetGroup> result = new ArrayList<>(groups.size());
        for (TargetGroup group : groups.values()) {
            result.add(new TargetGroup(name + "/" + group.source(), group.targets(), group.labels()));
        }
        return result;
    }
}
