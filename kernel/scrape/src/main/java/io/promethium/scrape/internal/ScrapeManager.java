package io.promethium.scrape.internal;

import io.promethium.api.collect.Collector;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.promethium.api.plugin.MetricsRegistrar;
import io.promethium.api.storage.Storage;
import io.promethium.api.trace.Tracer;
import io.promethium.config.http.KernelHttpClientFactory;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.config.model.ScrapeConfig;
import io.promethium.config.model.StaticConfig;
import io.promethium.config.plugin.PluginMetricsRegistry;
import io.promethium.discovery.DiscoveryService;
import io.promethium.discovery.DiscoveryManager;
import io.promethium.scrape.ScrapeTargets;
import io.promethium.scrape.TargetInfo;
import io.promethium.scrape.TargetMetadata;
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

/**
 * Runs the scrape pools of the config in force and feeds them from discovery. Independent of
 * OSGi: the DS component and embedders drive it through {@link #applyConfig},
 * {@link #setStorage} and {@link #close}.
 *
 * <p>Targets come from {@code static_configs} and from the kernel's {@link DiscoveryService}
 * (consumer {@code scrape}, one target set per job). On reload, a job whose settings did not
 * change keeps its loops; the discovery manager keeps every discoverer whose block did not change.
 */
public final class ScrapeManager implements ScrapeTargets, Collector, AutoCloseable {

    private static final String STATIC_PROVIDER = "static_configs";

    /** The consumer name in the discovery manager and its metrics, as Prometheus's. */
    static final String CONSUMER = "scrape";
    private static final String DISCOVERY_PROVIDER = "discovery";

    private final ScrapeMetrics metrics = new ScrapeMetrics();
    private final StorageSlot storage = new StorageSlot();
    private volatile Tracer tracer = Tracer.NONE;
    private final Exporters exporters;
    private final Map<String, ScrapePool> pools = new LinkedHashMap<>();
    /** The threads every pool's scrapes run on: one set however many jobs (see {@link ScrapeWorkers}). */
    private final ScrapeWorkers workers = new ScrapeWorkers("");
    private final DiscoveryService discovery;
    /** The discovery manager this instance made for itself (flat class path), else null. */
    private final DiscoveryManager ownDiscovery;
    private boolean closed;

    /**
     * A manager with a discovery manager of its own (flat class path, embedders): add discovery
     * plugins with {@link #addDiscovererFactory}; their metrics go to a private registry.
     */
    public ScrapeManager() {
        this(new PluginMetricsRegistry());
    }

    /**
     * As {@link #ScrapeManager()}, its own discovery manager sending updates at most once per
     * {@code discoveryUpdateInterval} (5 s otherwise): tests follow discovered changes without
     * waiting out the production interval.
     */
    ScrapeManager(Duration discoveryUpdateInterval) {
        this(new PluginMetricsRegistry(), discoveryUpdateInterval);
    }

    private ScrapeManager(PluginMetricsRegistry registry) {
        this(registry, Duration.ofSeconds(5));
    }

    private ScrapeManager(PluginMetricsRegistry registry, Duration discoveryUpdateInterval) {
        this(new DiscoveryManager(discoveryUpdateInterval, registry, new KernelHttpClientFactory()), true, registry);
    }

    /** A manager fed by a shared discovery service; exporter failures are logged only. */
    public ScrapeManager(DiscoveryService discovery) {
        this(discovery, false, null);
    }

    /**
     * A manager fed by a shared discovery service; {@code registrar} (the kernel's) counts the
     * exporters' failures in {@code promethium_plugin_failures_total} and shows their last error
     * in the console, as for the other plugin kinds.
     */
    public ScrapeManager(DiscoveryService discovery, MetricsRegistrar registrar) {
        this(discovery, false, registrar);
    }

    private volatile boolean nativeHistogramsFeature;
    private volatile Duration discoveryReloadInterval = DEFAULT_DISCOVERY_RELOAD_INTERVAL;
    private volatile boolean typeAndUnitLabels;
    private volatile TimestampAlignment alignment = TimestampAlignment.PROMETHEUS_DEFAULT;
    private volatile boolean extraMetricsFeature;
    private volatile boolean ingestCreated;

    /**
     * {@code --enable-feature=created-timestamp-zero-ingestion}: a scraped counter's, histogram's
     * or summary's created timestamp (protobuf {@code created_timestamp}, OpenMetrics {@code _created})
     * is ingested as Prometheus does: a zero sample at it and the sample's start timestamp;
     * OpenMetrics {@code _created} series are then not stored. Applies to pools created after the call.
     */
    public void setCreatedTimestampZeroIngestion(boolean on) {
        ingestCreated = on;
    }

    private ScrapeManager(DiscoveryService discovery, boolean owned, MetricsRegistrar registrar) {
        this.exporters = new Exporters(registrar);
        this.discovery = Objects.requireNonNull(discovery, "discovery is null");
        this.ownDiscovery = owned ? (DiscoveryManager) discovery : null;
    }

    /**
     * {@code --enable-feature=native-histograms}: scrape configs that do not say
     * {@code scrape_native_histograms} scrape native histograms. Set before the first config.
     */
    public void setNativeHistogramsFeature(boolean on) {
        nativeHistogramsFeature = on;
    }

    /**
     * {@code --enable-feature=type-and-unit-labels}: scraped series carry {@code __type__} and
     * {@code __unit__} labels from their family's {@code # TYPE} and {@code # UNIT}, as Prometheus's
     * scrape adds them. Applies to pools created after the call.
     */
    public void setTypeAndUnitLabels(boolean on) {
        typeAndUnitLabels = on;
    }

    /** Prometheus's default {@code --scrape.discovery-reload-interval}. */
    public static final Duration DEFAULT_DISCOVERY_RELOAD_INTERVAL = Duration.ofSeconds(5);

    /**
     * {@code --scrape.discovery-reload-interval}: the pools take discovered target changes at most
     * once per this interval (0: the default 5 s, as Prometheus's scrape manager). Applies from the
     * next config applied.
     */
    public void setDiscoveryReloadInterval(Duration interval) {
        discoveryReloadInterval = interval.isZero() ? DEFAULT_DISCOVERY_RELOAD_INTERVAL : interval;
    }

    /**
     * {@code --scrape.adjust-timestamps} and {@code --scrape.timestamp-tolerance}: scrapes starting
     * within the tolerance (at most 1% of the interval) after their intended time are stored at it.
     * Applies to pools created after the call.
     */
    public void setTimestampAlignment(boolean adjust, Duration tolerance) {
        alignment = new TimestampAlignment(adjust, tolerance);
    }

    /**
     * {@code --enable-feature=extra-scrape-metrics}: scrape configs that do not set
     * {@code extra_scrape_metrics} (nor does the global section) report the extra series. Applies
     * to pools created after the call, as Prometheus changes the config default at start.
     */
    public void setExtraScrapeMetricsFeature(boolean on) {
        extraMetricsFeature = on;
    }

    Duration discoveryReloadInterval() {
        return discoveryReloadInterval;
    }

    /** For a manager with its own discovery: a discovery plugin arrived. */
    public void addDiscovererFactory(DiscovererFactory factory) {
        ownDiscovery().addFactory(factory);
    }

    /** For a manager with its own discovery: a discovery plugin went away (its targets go too). */
    public void removeDiscovererFactory(DiscovererFactory factory) {
        ownDiscovery().removeFactory(factory);
    }

    private DiscoveryManager ownDiscovery() {
        if (ownDiscovery == null) {
            throw new IllegalStateException("this scrape manager follows a shared discovery service; add plugins there");
        }
        return ownDiscovery;
    }

    /** The exporters of this server, scraped in-process when a target points at one. */
    public Exporters exporters() {
        return exporters;
    }

    public void setStorage(Storage newStorage) {
        storage.set(newStorage);
    }

    /**
     * The tracer of Prometheus's spans ({@code scrape} and its children, see {@link ScrapeLoop});
     * running loops pick it up at their next scrape.
     */
    public void setTracer(Tracer newTracer) {
        tracer = Objects.requireNonNull(newTracer, "newTracer is null");
    }

    /** Clears the tracer if it is {@code old}: scrapes are not traced until another one is set. */
    public void unsetTracer(Tracer old) {
        if (tracer == old) {
            tracer = Tracer.NONE;
        }
    }

    private Tracer tracer() {
        return tracer;
    }

    /** Clears the storage if it is {@code old}; scrapes pause until another one is set. */
    public void unsetStorage(Storage old) {
        storage.clear(old);
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
                    pool = new ScrapePool(scrape, configDirectory, storage, metrics, exporters, nativeHistogramsFeature, typeAndUnitLabels,
                            alignment, extraMetricsFeature, ingestCreated, workers, this::tracer);
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
                pools.remove(job).stop(true);
            }
        }
        Map<String, List<PluginConfig>> sets = new LinkedHashMap<>();
        Map<String, Integer> statics = new LinkedHashMap<>();
        Map<String, Path> directories = new HashMap<>();
        for (ScrapeConfig scrape : newConfig.scrapeConfigs()) {
            if (pools.containsKey(scrape.jobName())) {
                sets.put(scrape.jobName(), scrape.discoveryConfigs());
                statics.put(scrape.jobName(), StaticConfig.targetCount(scrape.staticConfigs()));
                if (scrape.directory() != null) {
                    directories.put(scrape.jobName(), scrape.directory());
                }
            }
        }
        try {
            discovery.apply(CONSUMER, sets, statics, configDirectory, directories, discoveryReloadInterval, this::discovered);
        } catch (ConfigException e) {
            errors.add(e.getMessage());
        }
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

    /** The discovery manager's groups for every job, replacing what each pool had from discovery. */
    private void discovered(Map<String, List<TargetGroup>> groupsByJob) {
        for (Map.Entry<String, List<TargetGroup>> job : groupsByJob.entrySet()) {
            ScrapePool pool;
            synchronized (this) {
                if (closed) {
                    return;
                }
                pool = pools.get(job.getKey());
            }
            if (pool != null) {
                pool.replace(DISCOVERY_PROVIDER, job.getValue());
            }
        }
    }

    /** Stops discovery and every loop, writing staleness markers for all scraped series. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        // First: a scrape waiting for a storage being replaced returns at once.
        storage.close();
        // Outside this object's lock: discovery's sender may be delivering an update to
        // discovered(), which takes the lock to find the manager closed. Holding it here made
        // remove() wait out the sender's 10 s join on every close that raced an update.
        discovery.remove(CONSUMER);
        if (ownDiscovery != null) {
            ownDiscovery.close();
        }
        List<ScrapePool> toStop;
        synchronized (this) {
            toStop = new ArrayList<>(pools.values());
            pools.clear();
        }
        List<Thread> stopping = new ArrayList<>();
        for (ScrapePool pool : toStop) {
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
        workers.shutdown();
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
    public java.util.Optional<List<io.promethium.config.model.RelabelConfig>> relabelConfigs(String scrapePool) {
        ScrapePool p = pool(scrapePool);
        return p == null ? java.util.Optional.empty() : java.util.Optional.of(p.config().relabelConfigs());
    }

    @Override
    public Map<String, Set<String>> waitingPools() {
        Map<String, Set<String>> waiting = new LinkedHashMap<>();
        for (Map.Entry<String, Set<String>> pool : discovery.waitingPlugins(CONSUMER).entrySet()) {
            if (pool(pool.getKey()) != null) {
                waiting.put(pool.getKey(), pool.getValue());
            }
        }
        return waiting;
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
        // Promethium's own: Prometheus does not account its scrape caches.
        writer.family("promethium_scrape_cache_bytes", MetricType.GAUGE,
                "Estimated heap held by the scrape pool's caches (series: the targets' series caches, metadata: the shared page metadata, page_buffers: free page arrays).",
                "bytes");
        for (ScrapePool pool : list) {
            ScrapePool.CacheBytes bytes = pool.cacheBytes();
            writer.sample("promethium_scrape_cache_bytes", Labels.of("cache", "series", "scrape_job", pool.job()), bytes.series());
            writer.sample("promethium_scrape_cache_bytes", Labels.of("cache", "metadata", "scrape_job", pool.job()), bytes.metadata());
            writer.sample("promethium_scrape_cache_bytes", Labels.of("cache", "page_buffers", "scrape_job", pool.job()), bytes.pageBuffers());
        }
    }
}
