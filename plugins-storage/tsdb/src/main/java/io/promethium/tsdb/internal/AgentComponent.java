package io.promethium.tsdb.internal;

import io.promethium.api.collect.Collector;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.config.ConfigException;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.DeclaredCapabilities;
import io.promethium.api.storage.StorageCapability;
import io.promethium.api.storage.ExemplarQueryable;
import io.promethium.api.storage.MetadataQueryable;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.Queryable;
import io.promethium.api.storage.Storage;
import io.promethium.api.storage.StorageAdmin;
import io.promethium.api.storage.StorageException;
import io.promethium.api.storage.StorageStats;
import io.promethium.api.storage.WalPosition;
import io.promethium.api.storage.WalVisitor;
import io.promethium.api.storage.WalWatchable;
import io.promethium.tsdb.HeadStats;
import io.promethium.tsdb.TsdbAdmin;
import io.promethium.tsdb.agent.AgentDb;
import io.promethium.tsdb.agent.AgentFlags;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Agent mode ({@code --agent}): the WAL-only storage as the primary {@link Storage}, enabled by
 * {@link StorageModeComponent} instead of {@link TsdbComponent}. Its settings are the
 * {@code --storage.agent.*} flags only. It registers the same services as the TSDB so that
 * remote write follows its WAL and the HTTP API finds what it asks for; what an agent cannot do
 * (admin, TSDB status) fails with Prometheus's "unavailable with Prometheus Agent", and it keeps no
 * exemplars to query.
 */
@Component(enabled = false,
        service = {Storage.class, Collector.class, TsdbAdmin.class, StorageAdmin.class, WalWatchable.class,
            ExemplarQueryable.class, MetadataQueryable.class},
        property = {"storage.type=agent", Queryable.ROLE_PROPERTY + "=" + Queryable.ROLE_PRIMARY})
public final class AgentComponent implements Storage, Collector, TsdbAdmin, StorageAdmin, WalWatchable, ExemplarQueryable,
        MetadataQueryable, DeclaredCapabilities {

    private final AgentDb agent;
    private final Collector collector;

    @Activate
    public AgentComponent(BundleContext context) throws ConfigException {
        this.agent = AgentDb.open(AgentFlags.parse(context::getProperty));
        this.collector = agent.collector();
    }

    @Deactivate
    public void deactivate() {
        agent.close();
    }

    @Override
    public Appender appender() {
        return agent.appender();
    }

    @Override
    public Querier querier(long minTime, long maxTime) {
        return agent.querier(minTime, maxTime);
    }

    @Override
    public long startTime() {
        return agent.startTime();
    }

    private static StorageException unavailable() {
        return new StorageException(StorageException.Reason.CLOSED, AgentDb.UNAVAILABLE);
    }

    @Override
    public void delete(List<Matcher> matchers, long mint, long maxt) {
        throw unavailable();
    }

    @Override
    public void cleanTombstones() {
        throw unavailable();
    }

    @Override
    public void snapshot(Path dir, boolean withHead) {
        throw unavailable();
    }

    @Override
    public HeadStats headStats() {
        throw unavailable();
    }

    @Override
    public StorageStats stats() {
        throw unavailable();
    }

    @Override
    public void collect(MetricWriter writer) {
        collector.collect(writer);
    }

    private WalWatchable log() throws IOException {
        WalWatchable log = agent.walWatchable();
        if (log == null) {
            throw new IOException("the agent runs without a WAL: nothing to follow");
        }
        return log;
    }

    @Override
    public Path stateDirectory() {
        return agent.options().path().resolve("wal-followers");
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

    /** Agent mode keeps no exemplars to query. */
    @Override
    public List<SeriesExemplars> selectExemplars(long start, long end, List<List<Matcher>> matcherSets) {
        return List.of();
    }

    @Override
    public List<MetadataQueryable.SeriesMetadata> selectMetadata(List<Matcher> matchers) {
        return agent.selectMetadata(matchers);
    }

    @Override
    public Set<StorageCapability> capabilities() {
        return agent.capabilities();
    }
}
