package io.promethium.discovery;

import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.config.lifecycle.Closing;
import io.promethium.config.lifecycle.PluginBuilder;
import io.promethium.config.lifecycle.PluginUse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One discoverer and what it reported, shared by every (consumer, target set) whose config has
 * the same block. Its discoverer is built by the {@link io.promethium.config.lifecycle.PluginTracker}
 * from the factory of its type, and rebuilt when that factory is replaced.
 *
 * <p>Swaps without gaps: when the factory goes ({@link Closing#GONE}) or is replaced, the
 * discoverer is closed but its last groups are held: the replacement's first update (which a
 * discoverer sends with its whole initial state) replaces them, so targets it still yields keep
 * their scrape loops and series. Groups held for a factory that no replacement followed within
 * the tracker's grace period are dropped ({@link #expired()}). Updates arrive on the
 * discoverer's thread; subscribers are triggered, never called, from there. Thread-safe.
 */
final class Provider implements PluginBuilder<DiscovererFactory, Discoverer> {

    private static final Logger LOG = Logger.getLogger(Provider.class.getName());

    /** What makes two blocks the same discoverer: type, values (deep) and where paths resolve. */
    record Key(String type, Map<String, Object> values, Path configDirectory) {
    }

    private final Key key;
    private final PluginConfig config;
    private final String name;
    private final Set<Subscription> subscribers = new CopyOnWriteArraySet<>();
    private final Map<String, TargetGroup> groups = new LinkedHashMap<>();
    private final Creator creator;
    private PluginUse<DiscovererFactory, Discoverer> use;
    /** Bumped on every (re)build and close so a closed discoverer's late updates are dropped. */
    private long generation;
    /** The groups are a closed discoverer's, held for its replacement's first update. */
    private boolean holding;

    /** Creates the discoverer of a provider from a factory (the manager's plugin context goes in here). */
    interface Creator {
        Discoverer create(DiscovererFactory factory, Provider provider) throws Exception;
    }

    Provider(Key key, PluginConfig config, String name, Creator creator) {
        this.key = Objects.requireNonNull(key, "key is null");
        this.config = Objects.requireNonNull(config, "config is null");
        this.name = Objects.requireNonNull(name, "name is null");
        this.creator = Objects.requireNonNull(creator, "creator is null");
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

    /** Attaches the provider to its tracker slot (once, right after construction). */
    void attach(PluginUse<DiscovererFactory, Discoverer> slot) {
        synchronized (this) {
            use = slot;
        }
    }

    synchronized PluginUse<DiscovererFactory, Discoverer> use() {
        return use;
    }

    boolean running() {
        PluginUse<DiscovererFactory, Discoverer> current = use();
        return current != null && current.get() != null;
    }

    /** No factory of its type is installed. */
    boolean waiting() {
        PluginUse<DiscovererFactory, Discoverer> current = use();
        return current != null && current.waiting();
    }

    @Override
    public Discoverer build(DiscovererFactory factory) throws Exception {
        Discoverer created = creator.create(factory, this);
        long mine;
        synchronized (this) {
            mine = ++generation;
        }
        created.start(update -> receive(mine, update));
        return created;
    }

    @Override
    public void close(Discoverer built, Closing why) {
        synchronized (this) {
            generation++;
            if (why == Closing.RELEASED) {
                groups.clear();
                holding = false;
            } else {
                holding = true;
            }
        }
        try {
            built.close();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "closing discoverer " + name + " failed", e);
        }
        if (why == Closing.RELEASED) {
            triggerSubscribers();
        }
    }

    @Override
    public void expired() {
        boolean had;
        synchronized (this) {
            had = holding && !groups.isEmpty();
            groups.clear();
            holding = false;
        }
        if (had) {
            LOG.info("discovery plugin " + key.type() + " did not come back: dropping the targets of " + name);
            triggerSubscribers();
        }
    }

    private void receive(long from, List<TargetGroup> update) {
        synchronized (this) {
            if (from != generation) {
                return;
            }
            if (holding) {
                // The replacement's first update is its whole initial state: it replaces what was held.
                groups.clear();
                holding = false;
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

    /** Releases the discoverer and forgets its groups (nobody uses it, or the manager closes). */
    void stop() {
        PluginUse<DiscovererFactory, Discoverer> current = use();
        if (current != null) {
            current.close();
        }
        synchronized (this) {
            groups.clear();
            holding = false;
        }
    }

    private void triggerSubscribers() {
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
