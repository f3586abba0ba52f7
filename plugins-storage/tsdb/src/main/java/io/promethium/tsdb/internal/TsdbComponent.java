package io.promethium.tsdb.internal;

import io.promethium.api.collect.Collector;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.config.ConfigException;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.DeclaredCapabilities;
import io.promethium.api.storage.StorageCapability;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.Queryable;
import io.promethium.api.storage.Storage;
import io.promethium.api.storage.StorageAdmin;
import io.promethium.api.storage.StorageException;
import io.promethium.api.storage.StorageStats;
import io.promethium.api.storage.StoredBlock;
import io.promethium.api.storage.WalPosition;
import io.promethium.api.storage.ExemplarQueryable;
import io.promethium.api.storage.MetadataQueryable;
import io.promethium.api.storage.WalVisitor;
import io.promethium.api.storage.WalWatchable;
import java.io.IOException;
import io.promethium.api.model.Matcher;
import io.promethium.tsdb.HeadStats;
import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbAdmin;
import io.promethium.tsdb.TsdbOptions;
import java.nio.file.Path;
import java.util.Set;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

/**
 * The TSDB as an OSGi service. Its command-line flags ({@code --storage.tsdb.*}) are declared in
 * this bundle's manifest ({@code Promethium-Flags}) and read from the framework properties
 * {@code promethium.flag.*}; the {@code storage:} section of {@code prometheus.yml} arrives as the
 * configuration {@code io.promethium.storage} (out-of-order window, exemplars, per-series retention
 * rules, downsampling) and is applied live. One database,
 * registered as {@link Storage}, as the {@link Collector} of its self-metrics and as
 * {@link TsdbAdmin} and the api's {@link StorageAdmin} (delete, clean tombstones, snapshot, head stats) and
 * {@link WalWatchable} (its WAL, followed by remote write), with {@code queryable.role=primary}
 * (the kernel's storage view composes it with remote read). Deactivation (bundle stop or update)
 * flushes and closes the WAL, so nothing acknowledged is lost. Declared disabled:
 * {@link StorageModeComponent} enables it unless {@code --agent} is set ({@link AgentComponent} then).
 *
 * <p>On a flat classpath ({@link java.util.ServiceLoader}) nothing activates it: the first use
 * opens the database from system properties {@code io.promethium.tsdb.path} (default
 * {@code data}) and {@code io.promethium.tsdb.<property>} for the other properties.
 */
@Component(enabled = false, configurationPid = "io.promethium.storage", configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {Storage.class, Collector.class, TsdbAdmin.class, StorageAdmin.class, WalWatchable.class,
            ExemplarQueryable.class, MetadataQueryable.class}, property = {"storage.type=tsdb", Queryable.ROLE_PROPERTY + "=" + Queryable.ROLE_PRIMARY})
public final class TsdbComponent implements Storage, Collector, TsdbAdmin, StorageAdmin, WalWatchable, ExemplarQueryable,
        MetadataQueryable, DeclaredCapabilities {
    private static final String[] KEYS = {"path", "retentionTime", "retentionSize", "outOfOrderTimeWindow", "blockDuration",
        "walSyncOnCommit", "walCompression", "walCompressionType", "maxExemplars", "maxChunkSegmentSize", "blockReloadInterval"};

    private volatile Tsdb tsdb;
    private volatile Collector collector;
    /** Set once configured (by DS or lazily): after deactivation calls fail instead of reopening. */
    private volatile boolean configured;

    public TsdbComponent() {
    }

    private volatile BundleContext context;
    /** Where a replay at open is reported ({@link WalReplayComponent}); null on a flat classpath. */
    private volatile WalReplayComponent walReplay;

    /** The replay progress service of this bundle, set by DS before {@link #start}. */
    @Reference
    void bindWalReplay(WalReplayComponent component) {
        this.walReplay = component;
    }

    /** DS activation, named apart from {@link #activate(Map)} so SCR cannot pick the wrong overload. */
    @Activate
    public void start(BundleContext context, Map<String, ?> properties) throws ConfigException {
        this.context = context;
        activate(withFlags(context, properties));
    }

    /**
     * The component's properties with the flag values under their property names. As in
     * Prometheus, exemplars are kept only with {@code --enable-feature=exemplar-storage}; without
     * it the buffer holds none, whatever {@code storage.exemplars.max_exemplars} says. The head
     * cut waits a random delay only with {@code --enable-feature=delayed-compaction}.
     */
    static Map<String, Object> withFlags(BundleContext context, Map<String, ?> properties) {
        Map<String, Object> all = new HashMap<>(properties);
        ComponentConfig.FLAGS.forEach((key, flag) -> {
            String value = context.getProperty("promethium.flag." + flag);
            if (value != null) {
                all.put(key, value);
            }
        });
        String features = context.getProperty("promethium.flag.enable-feature");
        if (!featureOn(features, "exemplar-storage")) {
            all.put("maxExemplars", "0");
        }
        all.put("delayedCompaction", Boolean.toString(featureOn(features, "delayed-compaction")));
        return all;
    }

    static boolean featureOn(String list, String feature) {
        if (list == null) {
            return false;
        }
        for (String f : list.split(",")) {
            if (f.trim().equals(feature)) {
                return true;
            }
        }
        return false;
    }

    public void activate(Map<String, ?> properties) throws ConfigException {
        TsdbOptions options = ComponentConfig.parse(properties);
        int maxExemplars = ComponentConfig.maxExemplars(properties);
        var rules = ComponentConfig.retentionRules(properties);
        var downsampling = ComponentConfig.downsampling(properties);
        var faultPauses = ComponentConfig.faultPauses(properties);
        WalReplayComponent replay = walReplay;
        Tsdb opened = replay == null ? Tsdb.open(options) : Tsdb.open(options, replay.progress());
        opened.pauseBeforeRenames(faultPauses.blocks(), faultPauses.checkpoints());
        opened.setMaxExemplars(maxExemplars);
        opened.setRetentionRules(rules);
        try {
            opened.setDownsampling(downsampling);
        } catch (IllegalArgumentException e) {
            opened.close();
            throw new ConfigException("storage.tsdb.downsampling: " + e.getMessage(), e);
        }
        collector = opened.collector();
        tsdb = opened;
        configured = true;
    }

    @Modified
    public void modified(Map<String, ?> componentProperties) throws ConfigException {
        BundleContext ctx = context;
        Map<String, ?> properties = ctx == null ? componentProperties : withFlags(ctx, componentProperties);
        Tsdb current = db();
        TsdbOptions next = ComponentConfig.parse(properties);
        var rules = ComponentConfig.retentionRules(properties);
        var downsampling = ComponentConfig.downsampling(properties);
        TsdbOptions now = current.options();
        if (!next.path().equals(now.path()) || !next.blockDuration().equals(now.blockDuration())
                || next.walSyncOnCommit() != now.walSyncOnCommit() || next.walCompression() != now.walCompression()
                || next.walSegmentBytes() != now.walSegmentBytes() || next.samplesPerChunk() != now.samplesPerChunk()
                || next.maxChunkFileBytes() != now.maxChunkFileBytes() || !next.blockReloadInterval().equals(now.blockReloadInterval())) {
            // These (and the WAL sync policy) need a reopen; DS modified cannot do that atomically, so reopen here.
            deactivate();
            activate(properties);
            return;
        }
        current.applyOptions(now.withOutOfOrderWindow(next.outOfOrderWindow()).withRetention(next.retention())
                .withRetentionBytes(next.retentionBytes()));
        current.setMaxExemplars(ComponentConfig.maxExemplars(properties));
        if (!rules.equals(current.retentionRules())) {
            current.setRetentionRules(rules);
        }
        if (!downsampling.equals(current.downsampling())) {
            try {
                current.setDownsampling(downsampling);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("storage.tsdb.downsampling: " + e.getMessage(), e);
            }
        }
    }

    @Deactivate
    public void deactivate() {
        Tsdb current = tsdb;
        tsdb = null;
        if (current != null) {
            current.close();
        }
    }

    private Tsdb db() {
        Tsdb current = tsdb;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (tsdb == null && configured) {
                throw new StorageException(StorageException.Reason.CLOSED, "the TSDB service was deactivated");
            }
            if (tsdb == null) {
                Map<String, String> props = new HashMap<>();
                for (String key : KEYS) {
                    String v = System.getProperty("io.promethium.tsdb." + key);
                    if (v != null) {
                        props.put(key, v);
                    }
                }
                props.putIfAbsent("path", "data");
                try {
                    activate(props);
                } catch (ConfigException e) {
                    throw new StorageException(StorageException.Reason.CLOSED, "TSDB not configured: " + e.getMessage(), e);
                }
            }
            return tsdb;
        }
    }

    /** The database behind the service, for the admin and status APIs. */
    public Tsdb tsdb() {
        return db();
    }

    @Override
    public Appender appender() {
        return db().appender();
    }

    @Override
    public Querier querier(long minTime, long maxTime) {
        return db().querier(minTime, maxTime);
    }

    @Override
    public long startTime() {
        return db().startTime();
    }

    @Override
    public void delete(List<Matcher> matchers, long mint, long maxt) {
        db().delete(matchers, mint, maxt);
    }

    @Override
    public void cleanTombstones() {
        db().cleanTombstones();
    }

    @Override
    public void snapshot(Path dir, boolean withHead) {
        db().snapshot(dir, withHead);
    }

    @Override
    public HeadStats headStats() {
        return db().headStats();
    }

    @Override
    public StorageStats stats() {
        return db().stats();
    }

    @Override
    public List<StoredBlock> blockMetas() {
        return db().blockMetas();
    }

    @Override
    public void collect(MetricWriter writer) {
        Collector c = collector;
        if (c != null) {
            c.collect(writer);
        }
    }

    private WalWatchable log() throws IOException {
        WalWatchable log = db().walWatchable();
        if (log == null) {
            throw new IOException("the TSDB runs without a WAL: nothing to follow");
        }
        return log;
    }

    @Override
    public Path stateDirectory() {
        return db().options().path().resolve("wal-followers");
    }

    @Override
    public WalPosition end() throws IOException {
        return log().end();
    }

    @Override
    public WalPosition oldest() throws IOException {
        return log().oldest();
    }

    @Override
    public void seriesBefore(WalPosition position, WalVisitor visitor) throws IOException {
        log().seriesBefore(position, visitor);
    }

    @Override
    public WalPosition read(WalPosition from, long maxBytes, WalVisitor visitor) throws IOException {
        return log().read(from, maxBytes, visitor);
    }

    @Override
    public io.promethium.api.storage.AppendTotals appended() {
        try {
            return log().appended();
        } catch (IOException e) {
            return io.promethium.api.storage.AppendTotals.UNKNOWN;
        }
    }

    @Override
    public List<SeriesExemplars> selectExemplars(long start, long end, List<List<Matcher>> matcherSets) {
        return db().selectExemplars(start, end, matcherSets);
    }

    @Override
    public List<MetadataQueryable.SeriesMetadata> selectMetadata(List<Matcher> matchers) {
        return db().selectMetadata(matchers);
    }

    /** The TSDB keeps every kind: native histograms, exemplars, metadata and start timestamps. */
    @Override
    public Set<StorageCapability> capabilities() {
        return EnumSet.allOf(StorageCapability.class);
    }
}
