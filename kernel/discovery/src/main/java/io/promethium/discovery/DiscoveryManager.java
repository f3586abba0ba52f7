package io.promethium.discovery;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.http.HttpClientFactory;
import io.promethium.api.plugin.MetricsRegistrar;
import io.promethium.config.plugin.KernelPluginContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
 * identical blocks share a discoverer across jobs and consumers), started when a factory of
 * their type is there, stopped when it goes, closed when no consumer needs them. Independent of
 * OSGi; the DS component and embedders drive it. Thread-safe.
 */
public final class DiscoveryManager implements DiscoveryService, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DiscoveryManager.class.getName());
    private static final String SD_SUFFIX = "_sd_configs";

    private final Duration updateInterval;
    private final MetricsRegistrar registrar;
    private final HttpClientFactory httpClients;
    private final DiscoveryMetrics metrics;
    private final Map<String, DiscovererFactory> factories = new HashMap<>();
    private final Map<Provider.Key, Provider> providers = new LinkedHashMap<>();
    private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
    private int providerCount;
    private boolean closed;

    public DiscoveryManager(Duration updateInterval, MetricsRegistrar registrar, HttpClientFactory httpClients) {
        this.updateInterval = Objects.requireNonNull(updateInterval, "updateInterval is null");
        this.registrar = Objects.requireNonNull(registrar, "registrar is null");
        this.httpClients = Objects.requireNonNull(httpClients, "httpClients is null");
        this.metrics = new DiscoveryMetrics(registrar);
    }

    /** The type a key such as {@code dns_sd_configs} belongs to. */
    static String type(String key) {
        return key.endsWith(SD_SUFFIX) ? key.substring(0, key.length() - SD_SUFFIX.length()) : key;
    }

    public synchronized void addFactory(DiscovererFactory factory) {
        factories.put(factory.type(), factory);
        if (closed) {
            return;
        }
        for (Provider provider : providers.values()) {
            if (provider.key().type().equals(factory.type())) {
                // A replacement (plugin update) takes over; a newcomer starts what waited for it.
                provider.stop();
                start(provider, factory, provider.name());
            }
        }
    }

    public synchronized void removeFactory(DiscovererFactory factory) {
        if (!factories.remove(factory.type(), factory)) {
            return;
        }
        for (Provider provider : providers.values()) {
            if (provider.factory() == factory) {
                LOG.info("discovery plugin " + factory.type() + " went away: dropping the targets of " + provider.name());
                provider.stop();
            }
        }
    }

    @Override
    public void apply(String consumer, Map<String, List<PluginConfig>> sets, Map<String, Integer> staticTargets,
                      Path configDirectory, TargetSetListener listener) throws ConfigException {
        apply(consumer, sets, staticTargets, configDirectory, updateInterval, listener);
    }

    @Override
    public synchronized void apply(String consumer, Map<String, List<PluginConfig>> sets, Map<String, Integer> staticTargets,
                                   Path configDirectory, Duration interval, TargetSetListener listener) throws ConfigException {
        Objects.requireNonNull(staticTargets, "staticTargets is null");
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
                Provider.Key key = new Provider.Key(type(block.key()), block.values(), configDirectory);
                Provider provider = providers.computeIfAbsent(key, k -> new Provider(k, block, block.key() + "/" + providerCount++));
                DiscovererFactory factory = factories.get(key.type());
                // New, or refused before (the plugin may accept it now): start it. Without a
                // factory it waits for one and has no targets.
                if (factory != null && !provider.running()) {
                    String error = start(provider, factory, set.getKey());
                    if (error != null) {
                        errors.add(block.location() + ": " + block.key() + " of " + set.getKey() + ": " + error);
                    }
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

    /** Creates and starts the provider's discoverer; the plugin's error, or null when it runs. */
    private String start(Provider provider, DiscovererFactory factory, String owner) {
        try {
            Discoverer discoverer = factory.create(provider.config(),
                    KernelPluginContext.of(factory.type(), owner, provider.key().configDirectory(), registrar, httpClients));
            provider.start(factory, discoverer);
            return null;
        } catch (ConfigException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot create discoverer " + provider.name() + " (" + factory.type() + "): " + e.getMessage());
            return e.getMessage();
        }
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
            providers.clear();
            all = new ArrayList<>(subscriptions.values());
            subscriptions.clear();
        }
        all.forEach(Subscription::close);
    }
}
