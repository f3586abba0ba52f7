package io.promethium.scrape.internal;

import io.promethium.api.collect.Collector;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.DiscoveryContext;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.promethium.api.storage.Storage;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.config.model.ScrapeConfig;
import io.promethium.config.model.StaticConfig;
import io.promethium.scrape.ScrapeTargets;
import io.promethium.scrape.TargetInfo;
import io.promethium.scrape.TargetMetadata;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the scrape pools of the config in force and feeds them from discovery. Independent of
 * OSGi: the DS component and embedders drive it through {@link #applyConfig},
 * {@link #setStorage}, {@link #addDiscovererFactory} and {@link #close}.
 *
 * <p>On reload, a job whose settings did not change keeps its loops; a discoverer whose block did
 * not change keeps running. Discovery types without a factory keep their last targets until a
 * factory of that type arrives (a plugin update), which then takes over.
 */
public final class ScrapeManager implements ScrapeTargets, Collector, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ScrapeManager.class.getName());
    private static final String STATIC_PROVIDER = "static_configs";

    private final ScrapeMetrics metrics = new ScrapeMetrics();
    private final AtomicReference<Storage> storage = new AtomicReference<>();
    private final Exporters exporters = new Exporters();
    private final Map<String, DiscovererFactory> factories = new ConcurrentHashMap<>();
    private final Map<String, ScrapePool> pools = new LinkedHashMap<>();
    /** Running discoverers by job, then provider key ({@code file_sd_configs/0}). */
    private final Map<String, Map<String, RunningDiscoverer>> discoverers = new LinkedHashMap<>();
    private PrometheusConfig config;
    private boolean closed;

    private record RunningDiscoverer(DiscovererFactory factory, PluginConfig block, Discoverer discoverer) {
    }

    public ScrapeManager() {
    }

    /** The exporters of this server, scraped in-process when a target points at one. */
    public Exporters exporters() {
        return exporters;
    }

    public void setStorage(Storage newStorage) {
        storage.set(newStorage);
    }

    /** Clears the storage if it is {@code old}; scrapes pause until another one is set. */
    public void unsetStorage(Storage old) {
        storage.compareAndSet(old, null);
    }

    public synchronized void addDiscovererFactory(DiscovererFactory factory) {
        factories.put(factory.type(), factory);
        if (config != null && !closed) {
            startDiscovery(config);
        }
    }

    public synchronized void removeDiscovererFactory(DiscovererFactory factory) {
        factories.remove(factory.type(), factory);
        for (Map<String, RunningDiscoverer> byProvider : discoverers.values()) {
            byProvider.values().removeIf(running -> {
                if (running.factory() == factory) {
                    running.discoverer().close();
                    return true;
                }
                return false;
            });
        }
    }

    /** Applies a loaded config; only what changed is restarted. */
    public synchronized void applyConfig(PrometheusConfig newConfig) throws ConfigException {
        Objects.requireNonNull(newConfig, "newConfig is null");
        if (closed) {
            return;
        }
        Path configDirectory = configDirectory(newConfig);
        Set<String> jobs = new HashSet<>();
        List<String> errors = new ArrayList<>();
        for (ScrapeConfig scrape : newConfig.scrapeConfigs()) {
            jobs.add(scrape.jobName());
            ScrapePool pool = pools.get(scrape.jobName());
            try {
                if (pool == null) {
                    metrics.poolsCreated.increment();
                    pool = new ScrapePool(scrape, configDirectory, storage::get, metrics, exporters);
                    pools.put(scrape.jobName(), pool);
                } else {
                    pool.reload(scrape);
                }
            } catch (ConfigException e) {
                errors.add(e.getMessage());
                continue;
            }
            pool.replace(STATIC_PROVIDER, staticGroups(scrape.staticConfigs()));
        }
        for (String job : new ArrayList<>(pools.keySet())) {
            if (!jobs.contains(job)) {
                closeDiscoverers(discoverers.remove(job));
                pools.remove(job).stop(true);
            }
        }
        this.config = newConfig;
        startDiscovery(newConfig);
        if (!errors.isEmpty()) {
            throw new ConfigException(String.join("; ", errors));
        }
    }

    private static Path configDirectory(PrometheusConfig config) {
        Path file = config.file();
        if (file == null) {
            return Path.of("").toAbsolutePath();
        }
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? Path.of("").toAbsolutePath() : parent;
    }

    private static List<TargetGroup> staticGroups(List<StaticConfig> statics) {
        List<TargetGroup> groups = new ArrayList<>();
        for (int i = 0; i < statics.size(); i++) {
            StaticConfig sc = statics.get(i);
            List<Labels> targets = new ArrayList<>();
            for (String address : sc.targets()) {
                targets.add(Labels.of("__address__", address));
            }
            groups.add(new TargetGroup(String.valueOf(i), targets, sc.labels()));
        }
        return groups;
    }

    /** Starts, keeps or replaces each job's discoverers to match the config. */
    private void startDiscovery(PrometheusConfig current) {
        Path configDirectory = configDirectory(current);
        for (ScrapeConfig scrape : current.scrapeConfigs()) {
            ScrapePool pool = pools.get(scrape.jobName());
            if (pool == null) {
                continue;
            }
            Map<String, RunningDiscoverer> running = discoverers.computeIfAbsent(scrape.jobName(), j -> new LinkedHashMap<>());
            Set<String> wanted = new HashSet<>();
            Map<String, Integer> indexByKey = new LinkedHashMap<>();
            for (PluginConfig block : scrape.discoveryConfigs()) {
                int index = indexByKey.merge(block.key(), 1, Integer::sum) - 1;
                String provider = block.key() + "/" + index;
                wanted.add(provider);
                String type = block.key().endsWith("_sd_configs")
                        ? block.key().substring(0, block.key().length() - "_sd_configs".length()) : block.key();
                DiscovererFactory factory = factories.get(type);
                RunningDiscoverer existing = running.get(provider);
                if (existing != null && existing.factory() == factory && existing.block().values().equals(block.values())) {
                    continue;
                }
                if (existing != null) {
                    existing.discoverer().close();
                    running.remove(provider);
                }
                if (factory == null) {
                    LOG.log(Level.WARNING, "job " + scrape.jobName() + ": no discovery plugin of type " + type
                            + " installed; its last targets are kept until one arrives");
                    continue;
                }
                try {
                    Discoverer discoverer = factory.create(block, context(configDirectory, scrape.jobName()));
                    running.put(provider, new RunningDiscoverer(factory, block, discoverer));
                    discoverer.start(groups -> pool.update(provider, groups));
                } catch (ConfigException | RuntimeException e) {
                    LOG.log(Level.WARNING, "job " + scrape.jobName() + ": cannot start " + provider + ": " + e.getMessage(), e);
                }
            }
            for (String provider : new ArrayList<>(running.keySet())) {
                if (!wanted.contains(provider)) {
                    running.remove(provider).discoverer().close();
                    pool.removeProvider(provider);
                }
            }
        }
    }

    private static DiscoveryContext context(Path directory, String owner) {
        return new DiscoveryContext() {
            @Override
            public Path configDirectory() {
                return directory;
            }

            @Override
            public String owner() {
                return owner;
            }
        };
    }

    private static void closeDiscoverers(Map<String, RunningDiscoverer> running) {
        if (running != null) {
            running.values().forEach(r -> r.discoverer().close());
        }
    }

    /** Stops discovery and every loop, writing staleness markers for all scraped series. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        discoverers.values().forEach(ScrapeManager::closeDiscoverers);
        discoverers.clear();
        List<Thread> stopping = new ArrayList<>();
        for (ScrapePool pool : pools.values()) {
            stopping.add(Thread.ofVirtual().start(() -> pool.stop(true)));
        }
        for (Thread t : stopping) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        pools.clear();
    }

    synchronized ScrapePool pool(String job) {
        return pools.get(job);
    }

    private synchronized List<ScrapePool> poolList() {
        return new ArrayList<>(pools.values());
    }

    @Override
    public List<TargetInfo> activeTargets() {
        List<TargetInfo> result = new ArrayList<>();
        for (ScrapePool pool : poolList()) {
            result.addAll(pool.active());
        }
        return result;
    }

    @Override
    public List<TargetInfo> droppedTargets() {
        List<TargetInfo> result = new ArrayList<>();
        for (ScrapePool pool : poolList()) {
            result.addAll(pool.dropped());
        }
        return result;
    }

    @Override
    public List<TargetMetadata> targetMetadata() {
        List<TargetMetadata> result = new ArrayList<>();
        for (ScrapePool pool : poolList()) {
            result.addAll(pool.metadata());
        }
        return result;
    }

    public ScrapeMetrics metrics() {
        return metrics;
    }

    @Override
    public void collect(MetricWriter writer) {
        metrics.write(writer);
        List<ScrapePool> list = poolList();
        writer.family("prometheus_target_scrape_pools_total", MetricType.COUNTER,
                "Total number of scrape pool creation attempts.", "");
        writer.sample("prometheus_target_scrape_pools_total", metrics.poolsCreated.sum());
        writer.family("prometheus_target_scrape_pool_targets", MetricType.GAUGE,
                "Current number of targets in this scrape pool.", "");
        for (ScrapePool pool : list) {
            writer.sample("prometheus_target_scrape_pool_targets", Labels.of("scrape_job", pool.job()), pool.activeCount());
        }
        writer.family("prometheus_sd_discovered_targets", MetricType.GAUGE,
                "Current number of discovered targets.", "");
        for (ScrapePool pool : list) {
            writer.sample("prometheus_sd_discovered_targets", Labels.of("config", pool.job(), "name", "scrape"),
                    pool.discoveredTargets());
        }
    }
}
