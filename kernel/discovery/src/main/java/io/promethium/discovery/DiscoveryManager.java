package io.promethium.discovery;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.http.HttpClientFactory;
import io.promethium.api.plugin.MetricsRegistrar;
import io.promethium.config.lifecycle.PluginTracker;
import io.promethium.config.lifecycle.PluginUse;
import io.promethium.config.plugin.KernelPluginContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Prometheus's discovery manager, once for every consumer: providers keyed by their block (so
 * identical blocks share a discoverer across jobs and consumers), closed when no consumer needs
 * them. Factories are followed by the kernel's {@link PluginTracker}: a provider is built when a
 * factory of its type is there and waits while none is; a replacement (plugin update) rebuilds
 * it at once, and the targets it still yields keep going without a gap (see {@link Provider}).
 * Independent of OSGi; the DS component and embedders drive it. Thread-safe.
 */
public final class DiscoveryManager implements DiscoveryService, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DiscoveryManager.class.getName());
    private static final String SD_SUFFIX = "_sd_configs";

    private final Duration updateInterval;
    private final MetricsRegistrar registrar;
    private final HttpClientFactory httpClients;
    private final DiscoveryMetrics metrics;
    private final PluginTracker<DiscovererFactory> factories;
    private final Map<Provider.Key, Provider> providers = new LinkedHashMap<>();
    private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
    private int providerCount;
    private boolean closed;

    /** How long the targets of a discovery plugin that went are held for its replacement. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(15);

    public DiscoveryManager(Duration updateInterval, MetricsRegistrar registrar, HttpClientFactory httpClients) {
        this(updateInterval, DEFAULT_GRACE, registrar, httpClients);
    }

    /**
     * @param grace how long the targets of a discovery plugin that went are kept for its
     *              replacement (a plugin update): a replacement's first update within it takes
     *              them over; past it they are dropped
     */
    public DiscoveryManager(Duration updateInterval, Duration grace, MetricsRegistrar registrar, HttpClientFactory httpClients) {
        this.factories = new PluginTracker<>("discovery", SD_SUFFIX, DiscovererFactory::type, grace, registrar);
        this.updateInterval = Objects.requireNonNull(updateInterval, "updateInterval is null");
        this.registrar = Objects.requireNonNull(registrar, "registrar is null");
        this.httpClients = Objects.requireNonNull(httpClients, "httpClients is null");
        this.metrics = new DiscoveryMetrics(registrar);
    }

    /** The type a key such as {@code dns_sd_configs} belongs to. */
    static String type(String key) {
        return key.endsWith(SD_SUFFIX) ? key.substring(0, key.length() - SD_SUFFIX.length()) : key;
    }

    /** A discovery plugin arrived: the providers of its type that waited start, running ones are rebuilt from it. */
    public void addFactory(DiscovererFactory factory) {
        factories.add(factory);
    }

    /**
     * A discovery plugin went: its discoverers are closed; their targets are held for a
     * replacement during the grace period, then dropped.
     */
    public void removeFactory(DiscovererFactory factory) {
        factories.remove(factory);
    }

    /** Per target set of {@code consumer}, the discovery types its blocks wait for (no plugin installed). */
    @Override
    public synchronized Map<String, Set<String>> waitingPlugins(String consumer) {
        Subscription subscription = subscriptions.get(consumer);
        if (subscription == null) {
            return Map.of();
        }
        Map<String, Set<String>> result = new LinkedHashMap<>();
        for (Map.Entry<String, List<Provider>> set : subscription.sets().entrySet()) {
            Set<String> types = new java.util.TreeSet<>();
            for (Provider provider : set.getValue()) {
                if (provider.waiting()) {
                    types.add(provider.key().type());
                }
            }
            if (!types.isEmpty()) {
                result.put(set.getKey(), Set.copyOf(types));
            }
        }
        return result;
    }

    @Override
    public void apply(String consumer, Map<String, List<PluginConfig>> sets, Map<String, Integer> staticTargets,
                      Path configDirectory, TargetSetListener listener) throws ConfigException {
        apply(consumer, sets, staticTargets, configDirectory, updateInterval, listener);
    }

    @Override
    public synchronized void apply(String consumer, Map<String, List<PluginConfig>> sets, Map<String, Integer> staticTargets,
                                   Path configDirectory, Map<String, Path> setDirectories, Duration interval,
                                   TargetSetListener listener) throws ConfigException {
        Objects.requireNonNull(staticTargets, "staticTargets is null");
        Objects.requireNonNull(setDirectories, "setDirectories is null");
        Objects.requireNonNull(interval, "interval is null");
        Objects.requireNonNull(listener, "listener is null");
        if (closed) {
            return;
        }
        Subscription subscription = subscriptions.computeIfAbsent(consumer, c -> new Subscription(c, updateInterval, metrics));
        Map<String, List<Provider>> wanted = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        for (Map.Entry<String, List<PluginConfig>> set : sets.entrySet()) {
            List<Provider> list = new ArrayList<>();
            for (PluginConfig block : set.getValue()) {
                Provider.Key key = new Provider.Key(type(block.key()), block.values(),
                        setDirectories.getOrDefault(set.getKey(), configDirectory));
                Provider provider = providers.get(key);
                if (provider != null && !provider.running() && !provider.waiting()) {
                    // Refused before: the plugin may accept it now.
                    provider.use().close();
                    provider.attach(factories.use(key.type(), "discovery block " + provider.name() + " of " + set.getKey(), provider));
                } else if (provider == null) {
                    provider = newProvider(key, block, set.getKey());
                }
                PluginUse<DiscovererFactory, Discoverer> use = provider.use();
                if (!use.error().isEmpty() && use.get() == null) {
                    errors.add(block.location() + ": " + block.key() + " of " + set.getKey() + ": " + use.error());
                }
                if (!list.contains(provider)) {
                    list.add(provider);
                }
            }
            wanted.put(set.getKey(), list);
        }
        Map<String, List<Provider>> before = subscription.sets();
        for (List<Provider> list : wanted.values()) {
            for (Provider provider : list) {
                provider.subscribers().add(subscription);
            }
        }
        subscription.follow(wanted, staticTargets, interval, listener);
        metrics.failedConfigs.set(errors.size(), consumer);
        unsubscribe(subscription, before, wanted);
        if (!errors.isEmpty()) {
            throw new ConfigException(String.join("; ", errors));
        }
    }

    /** Drops {@code subscription} from providers it no longer uses; closes providers nobody uses. */
    private void unsubscribe(Subscription subscription, Map<String, List<Provider>> before, Map<String, List<Provider>> now) {
        Set<Provider> still = new HashSet<>();
        now.values().forEach(still::addAll);
        for (List<Provider> list : before.values()) {
            for (Provider provider : list) {
                if (!still.contains(provider)) {
                    provider.subscribers().remove(subscription);
                }
            }
        }
        providers.values().removeIf(provider -> {
            if (provider.subscribers().isEmpty()) {
                provider.stop();
                return true;
            }
            return false;
        });
    }

    /** A provider for {@code block}, registered with the tracker: built at once when its plugin is there. */
    private Provider newProvider(Provider.Key key, PluginConfig block, String owner) {
        Provider provider = new Provider(key, block, block.key() + "/" + providerCount++,
                (factory, p) -> factory.create(p.config(), KernelPluginContext.of(factory.type(), owner, key.configDirectory(), registrar,
                        httpClients)));
        providers.put(key, provider);
        provider.attach(factories.use(key.type(), "discovery block " + provider.name() + " of " + owner, provider));
        return provider;
    }

    @Override
    public void remove(String consumer) {
        Subscription subscription;
        synchronized (this) {
            subscription = subscriptions.remove(consumer);
            if (subscription == null) {
                return;
            }
            unsubscribe(subscription, subscription.sets(), Map.of());
            metrics.failedConfigs.remove(consumer);
        }
        subscription.close();
    }

    /** How many discoverers run (for tests: identical blocks share one). */
    synchronized int runningDiscoverers() {
        int running = 0;
        for (Provider provider : providers.values()) {
            if (provider.running()) {
                running++;
            }
        }
        return running;
    }

    @Override
    public void close() {
        List<Subscription> all;
        synchronized (this) {
            closed = true;
            providers.values().forEach(Provider::stop);
            factories.close();
            providers.clear();
            all = new ArrayList<>(subscriptions.values());
            subscriptions.clear();
        }
        all.forEach(Subscription::close);
    }
}
