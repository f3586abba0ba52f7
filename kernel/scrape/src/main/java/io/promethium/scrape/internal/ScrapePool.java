package io.promethium.scrape.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.storage.Storage;
import io.promethium.api.trace.Tracer;
import io.promethium.config.model.HistogramScrapeSettings;
import io.promethium.config.model.ScrapeConfig;
import io.promethium.exposition.ExpositionFormat;
import io.promethium.exposition.ExpositionFormats;
import io.promethium.exposition.HistogramOptions;
import io.promethium.scrape.TargetInfo;
import io.promethium.scrape.TargetMetadata;
import io.promethium.config.relabel.Relabeler;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The targets of one {@code scrape_configs} job: the groups its discoverers reported, the
 * targets built from them, and one {@link ScrapeLoop} per target. A sync starts loops for new
 * targets and stops (with staleness markers) those that went away; loops of targets that stay
 * keep running with their cadence and series cache.
 */
final class ScrapePool {

    private static final Logger LOG = Logger.getLogger(ScrapePool.class.getName());

    private final Supplier<Storage> storage;
    private final Supplier<Tracer> tracer;
    private final ScrapeMetrics metrics;
    private final Path configDirectory;
    private final Map<String, Map<String, TargetGroup>> groupsByProvider = new LinkedHashMap<>();
    private final Map<Labels, ScrapeLoop> loops = new LinkedHashMap<>();

    private final Exporters exporters;
    /** The page arrays the pool's loops share (each needs one only while it parses its page). */
    private final PageBufferPool buffers = PageBufferPool.forScrapes();
    /** The page metadata of the pool's targets, one map per distinct page. */
    private final SharedMetadata sharedMetadata = new SharedMetadata();
    /** The threads the pool's scrapes run on: the manager's, or (a pool made alone, in tests) made with the first loop. */
    private ScrapeWorkers workers;
    /** Whether {@link #workers} are the pool's own, shut down when it stops. */
    private final boolean ownWorkers;
    private final boolean nativeHistogramsFeature;
    /** {@code --enable-feature=type-and-unit-labels}: series get {@code __type__} and {@code __unit__} from their family's metadata. */
    private final boolean typeAndUnitLabels;
    private final TimestampAlignment alignment;
    /** {@code --enable-feature=extra-scrape-metrics}: the default of {@code extra_scrape_metrics}. */
    private final boolean extraMetricsFeature;
    private final boolean ingestCreated;
    private ScrapeConfig config;
    private TargetBuilder targetBuilder;
    private HttpClientShards clients;
    private final Map<Labels, Integer> clientOf = new HashMap<>();
    private String accept;
    private LoopSettings.Base base;
    private List<TargetInfo> dropped = List.of();
    /** Clients of a replaced config, shut down once their loops have stopped. */
    private final List<HttpClientShards> retired = new ArrayList<>();
    private int discovered;
    private boolean stopped;

    ScrapePool(ScrapeConfig config, Path configDirectory, Supplier<Storage> storage, ScrapeMetrics metrics) throws ConfigException {
        this(config, configDirectory, storage, metrics, new Exporters());
    }

    ScrapePool(ScrapeConfig config, Path configDirectory, Supplier<Storage> storage, ScrapeMetrics metrics,
               Exporters exporters) throws ConfigException {
        this(config, configDirectory, storage, metrics, exporters, false, false);
    }

    /** {@code nativeHistogramsFeature}: {@code --enable-feature=native-histograms}, the default of {@code scrape_native_histograms}. */
    ScrapePool(ScrapeConfig config, Path configDirectory, Supplier<Storage> storage, ScrapeMetrics metrics,
               Exporters exporters, boolean nativeHistogramsFeature, boolean typeAndUnitLabels) throws ConfigException {
        this(config, configDirectory, storage, metrics, exporters, nativeHistogramsFeature, typeAndUnitLabels,
                TimestampAlignment.PROMETHEUS_DEFAULT, false, false, null, ScrapeLoop.UNTRACED);
    }

    /**
     * {@code alignment}: {@code --scrape.adjust-timestamps}/{@code --scrape.timestamp-tolerance};
     * {@code extraMetricsFeature}: the default of {@code extra_scrape_metrics};
     * {@code ingestCreated}: {@code --enable-feature=created-timestamp-zero-ingestion};
     * {@code workers}: the manager's threads the scrapes run on (null: the pool's own);
     * {@code tracer}: the tracer bound now, read by the loops at each scrape.
     */
    ScrapePool(ScrapeConfig config, Path configDirectory, Supplier<Storage> storage, ScrapeMetrics metrics,
               Exporters exporters, boolean nativeHistogramsFeature, boolean typeAndUnitLabels, TimestampAlignment alignment,
               boolean extraMetricsFeature, boolean ingestCreated, ScrapeWorkers workers, Supplier<Tracer> tracer)
            throws ConfigException {
        this.tracer = Objects.requireNonNull(tracer, "tracer is null");
        this.workers = workers;
        this.ownWorkers = workers == null;
        this.ingestCreated = ingestCreated;
        this.extraMetricsFeature = extraMetricsFeature;
        this.alignment = Objects.requireNonNull(alignment, "alignment is null");
        this.nativeHistogramsFeature = nativeHistogramsFeature;
        this.typeAndUnitLabels = typeAndUnitLabels;
        this.exporters = Objects.requireNonNull(exporters, "exporters is null");
        this.storage = Objects.requireNonNull(storage, "storage is null");
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.configDirectory = configDirectory;
        configure(config);
    }

    private void configure(ScrapeConfig newConfig) throws ConfigException {
        String acceptHeader;
        ExpositionFormat fallback = null;
        HistogramScrapeSettings h = newConfig.histograms();
        boolean nativeHistograms = h.nativeHistograms(nativeHistogramsFeature);
        try {
            // Created timestamps come with protobuf first too, as Prometheus asks for it with the feature on.
            acceptHeader = acceptHeader(newConfig, nativeHistograms || ingestCreated);
            if (!newConfig.fallbackScrapeProtocol().isEmpty()) {
                fallback = ExpositionFormat.fromProtocol(newConfig.fallbackScrapeProtocol());
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException("scrape_configs " + newConfig.jobName() + ": " + e.getMessage());
        }
        HttpClientShards newClients = new HttpClientShards(newConfig.httpClient(), newConfig.directoryOr(configDirectory));
        this.config = newConfig;
        this.targetBuilder = new TargetBuilder(newConfig);
        HttpClientShards old = this.clients;
        this.clients = newClients;
        if (old != null) {
            retired.add(old);
        }
        this.accept = acceptHeader;
        this.base = new LoopSettings.Base(newConfig, new Relabeler(newConfig.metricRelabelConfigs()), fallback,
                new HistogramOptions(nativeHistograms, !nativeHistograms || h.alwaysScrapeClassicHistograms(), h.nativeHistogramBucketLimit(),
                        h.nativeHistogramMinBucketFactor()), typeAndUnitLabels, alignment, extraMetricsFeature, ingestCreated);
    }

    /**
     * The scrape {@code Accept} header: the protocols to ask for, the 1.0.0 text formats with the
     * job's {@code metric_name_escaping_scheme} as {@code escaping=} (Prometheus 3's {@code acceptHeader}).
     */
    static String acceptHeader(ScrapeConfig config, boolean protobufFirst) {
        return ExpositionFormats.acceptHeader(protocols(config, protobufFirst), config.metricNames().escaping().yamlName());
    }

    /**
     * The protocols to ask for: with native histograms on and {@code scrape_protocols} at its
     * default, protobuf first, as Prometheus 3 (only protobuf carries native histograms).
     */
    static List<String> protocols(ScrapeConfig config, boolean nativeHistograms) {
        List<String> configured = config.scrapeProtocols();
        if (nativeHistograms && configured.equals(ExpositionFormats.DEFAULT_SCRAPE_PROTOCOLS)) {
            List<String> withProto = new ArrayList<>();
            withProto.add(ExpositionFormats.PROMETHEUS_PROTO);
            withProto.addAll(configured);
            return withProto;
        }
        return configured;
    }

    String job() {
        return config.jobName();
    }

    synchronized ScrapeConfig config() {
        return config;
    }

    /** Replaces the groups of one provider (a discoverer or the static configs) and re-syncs. */
    synchronized void update(String provider, List<TargetGroup> groups) {
        Map<String, TargetGroup> bySource = groupsByProvider.computeIfAbsent(provider, p -> new LinkedHashMap<>());
        for (TargetGroup group : groups) {
            if (group.targets().isEmpty()) {
                bySource.remove(group.source());
            } else {
                bySource.put(group.source(), group);
            }
        }
        sync();
    }

    /** Replaces everything one provider reported (the static configs on reload). */
    synchronized void replace(String provider, List<TargetGroup> groups) {
        Map<String, TargetGroup> bySource = new LinkedHashMap<>();
        for (TargetGroup group : groups) {
            if (!group.targets().isEmpty()) {
                bySource.put(group.source(), group);
            }
        }
        groupsByProvider.put(provider, bySource);
        sync();
    }

    /** Forgets a provider that is no longer configured. */
    synchronized void removeProvider(String provider) {
        if (groupsByProvider.remove(provider) != null) {
            sync();
        }
    }

    /**
     * Applies a changed config of the same job. Same scrape settings: only the target list is
     * recomputed (changed {@code relabel_configs} restart only the targets whose labels change).
     * Otherwise every loop is replaced, keeping its series cache when series handling is unchanged.
     */
    synchronized void reload(ScrapeConfig newConfig) throws ConfigException {
        ScrapeConfig old = config;
        if (ConfigComparison.sameScrapeSettings(old, newConfig)) {
            this.config = newConfig;
            this.targetBuilder = new TargetBuilder(newConfig);
            sync();
            return;
        }
        metrics.poolReloads.increment();
        try {
            configure(newConfig);
        } catch (ConfigException e) {
            metrics.poolReloadFailures.increment();
            throw e;
        }
        boolean keepSeries = ConfigComparison.sameSeriesHandling(old, newConfig);
        // Keyed by what names the series (URL and public labels), not the full target labels:
        // a new interval changes __scrape_interval__ but not one series.
        Map<HandoverKey, ScrapeLoop.Handover> handovers = new HashMap<>();
        List<ScrapeLoop> oldLoops = new ArrayList<>(loops.values());
        // Series handling changed (labels, limits, metric relabeling): the old series end here
        // and the new loops start afresh. Otherwise the new loops take the old series over.
        for (ScrapeLoop loop : oldLoops) {
            loop.stop(!keepSeries);
        }
        for (ScrapeLoop loop : oldLoops) {
            if (keepSeries) {
                handovers.put(HandoverKey.of(loop.target()), loop.handover());
            } else {
                loop.awaitStop();
            }
        }
        loops.clear();
        clientOf.clear();
        retired.forEach(HttpClientShards::shutdown);
        retired.clear();
        sync(handovers);
        // Targets the new config no longer has: their series end now.
        long now = System.currentTimeMillis();
        for (ScrapeLoop.Handover unused : handovers.values()) {
            unused.from().endOfRun(now);
        }
    }

    /** Identifies a target's series across a reload. */
    private record HandoverKey(URI url, Labels publicLabels) {
        static HandoverKey of(ScrapeTarget target) {
            return new HandoverKey(target.url(), target.publicLabels());
        }
    }

    private void sync() {
        sync(new HashMap<>());
    }

    private void sync(Map<HandoverKey, ScrapeLoop.Handover> handovers) {
        if (stopped) {
            return;
        }
        metrics.poolSyncs.increment();
        Map<Labels, ScrapeTarget> wanted = new LinkedHashMap<>();
        List<TargetInfo> droppedNow = new ArrayList<>();
        long keepDropped = config.limits().keepDroppedTargets();
        int seen = 0;
        for (Map<String, TargetGroup> groups : groupsByProvider.values()) {
            for (TargetGroup group : groups.values()) {
                for (Labels targetLabels : group.targets()) {
                    seen++;
                    TargetBuilder.Result result = targetBuilder.build(targetLabels, group.labels());
                    URI url = null;
                    String error = result.error();
                    if (!result.dropped()) {
                        try {
                            url = TargetBuilder.scrapeUrl(result.labels(), config.params());
                        } catch (IllegalArgumentException e) {
                            error = e.getMessage();
                        }
                    }
                    if (url == null) {
                        if (error != null) {
                            LOG.log(Level.FINE, "job " + config.jobName() + ": invalid target " + result.discovered() + ": " + error);
                        }
                        if (keepDropped == 0 || droppedNow.size() < keepDropped) {
                            droppedNow.add(new TargetInfo(result.discovered(), Labels.EMPTY, config.jobName(), "", "", error,
                                    null, null, TargetInfo.UNKNOWN, config.scrapeInterval(), config.scrapeTimeout()));
                        }
                        continue;
                    }
                    wanted.putIfAbsent(result.labels(), new ScrapeTarget(config.jobName(), result.discovered(),
                            result.labels(), TargetBuilder.publicLabels(result.labels()), url));
                }
            }
        }
        discovered = seen;
        dropped = List.copyOf(droppedNow);
        List<ScrapeLoop> gone = new ArrayList<>();
        for (Map.Entry<Labels, ScrapeLoop> entry : loops.entrySet()) {
            if (!wanted.containsKey(entry.getKey())) {
                gone.add(entry.getValue());
            }
        }
        for (ScrapeLoop loop : gone) {
            loops.remove(loop.target().labels());
            Integer client = clientOf.remove(loop.target().labels());
            if (client != null) {
                clients.release(client);
            }
            loop.stop(true);
        }
        List<ScrapeLoop> added = new ArrayList<>();
        for (ScrapeTarget target : wanted.values()) {
            if (!loops.containsKey(target.labels())) {
                ScrapeLoop loop = newLoop(target, handovers.remove(HandoverKey.of(target)));
                loops.put(target.labels(), loop);
                added.add(loop);
            }
        }
        long targetLimit = config.limits().targetLimit();
        String limitError = null;
        if (targetLimit > 0 && loops.size() > targetLimit) {
            metrics.poolTargetLimitExceeded.increment();
            limitError = "target_limit exceeded (number of targets: " + loops.size() + ", limit: " + targetLimit + ")";
        }
        for (ScrapeLoop loop : loops.values()) {
            loop.forceError(limitError);
        }
        // Started only now, as Prometheus does: a new loop's first scrape must already see the limit's error.
        for (ScrapeLoop loop : added) {
            loop.start();
        }
    }

    private ScrapeLoop newLoop(ScrapeTarget target, ScrapeLoop.Handover handover) {
        Duration interval = parse(target.labels().get(TargetBuilder.SCRAPE_INTERVAL), config.scrapeInterval());
        Duration timeout = parse(target.labels().get(TargetBuilder.SCRAPE_TIMEOUT), config.scrapeTimeout());
        LoopSettings settings = base.forTarget(interval, timeout);
        int client = clients.acquire();
        clientOf.put(target.labels(), client);
        String exporter = exporters.inProcessName(target.url());
        PageFetcher scraper = exporter != null
                ? new InProcessFetcher(exporters, exporter, config.limits().bodySizeLimit(), buffers, timeout,
                        io.promethium.exposition.NameEscaping.fromHeaderValue(config.metricNames().escaping().yamlName()))
                : clients.fetcher(client, target.url(), timeout, config.limits().bodySizeLimit(), accept,
                        config.enableCompression(), buffers);
        if (workers == null) {
            workers = new ScrapeWorkers(config.jobName());
        }
        return new ScrapeLoop(target, settings, scraper, storage, metrics, handover, sharedMetadata, workers, tracer);
    }

    private static Duration parse(String text, Duration fallback) {
        try {
            return io.promethium.api.config.Durations.parse(text);
        } catch (IllegalArgumentException e) {
            return fallback;
        }
    }

    /** Stops every loop; with staleness markers at shutdown or when the job goes away. */
    synchronized void stop(boolean writeStaleMarkers) {
        stopped = true;
        for (ScrapeLoop loop : loops.values()) {
            loop.stop(writeStaleMarkers);
        }
        for (ScrapeLoop loop : loops.values()) {
            loop.awaitStop();
        }
        loops.clear();
        clients.shutdown();
        retired.forEach(HttpClientShards::shutdown);
        if (ownWorkers && workers != null) {
            workers.shutdown();
        }
    }

    synchronized List<TargetInfo> active() {
        List<TargetInfo> result = new ArrayList<>(loops.size());
        for (ScrapeLoop loop : loops.values()) {
            result.add(loop.info());
        }
        return result;
    }

    synchronized List<TargetInfo> dropped() {
        return dropped;
    }

    synchronized int discoveredTargets() {
        return discovered;
    }

    synchronized int activeCount() {
        return loops.size();
    }

    synchronized List<TargetMetadata> metadata() {
        List<TargetMetadata> result = new ArrayList<>();
        for (ScrapeLoop loop : loops.values()) {
            Labels target = loop.target().publicLabels();
            for (Map.Entry<String, Metadata> entry : loop.metadata().entrySet()) {
                result.add(new TargetMetadata(target, entry.getKey(), entry.getValue()));
            }
        }
        return result;
    }

    /** The estimated heap of the pool's caches (see the module README). */
    record CacheBytes(long series, long metadata, long pageBuffers) {
    }

    synchronized CacheBytes cacheBytes() {
        long series = 0;
        for (ScrapeLoop loop : loops.values()) {
            series += loop.seriesCacheBytes();
        }
        return new CacheBytes(series, sharedMetadata.ramBytesUsed(), buffers.ramBytesUsed());
    }

    /** The loops, for tests. */
    synchronized List<ScrapeLoop> loops() {
        return List.copyOf(loops.values());
    }
}
