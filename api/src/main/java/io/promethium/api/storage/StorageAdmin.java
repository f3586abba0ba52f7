package io.promethium.api.storage;

import io.promethium.api.model.Matcher;
import java.nio.file.Path;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The administration side of a storage, behind Prometheus's {@code /api/v1/admin/tsdb/*} and
 * {@code /api/v1/status/tsdb} and {@code /api/v1/status/tsdb/blocks}. A storage plugin that supports it registers this service next to
 * its {@link Storage}; the HTTP API answers {@code unavailable} when none is registered.
 * Thread-safe.
 */
@ConsumerType
public interface StorageAdmin {

    /** Marks the samples of matching series in {@code [minTime, maxTime]} (ms) deleted. */
    void delete(List<Matcher> matchers, long minTime, long maxTime);

    /** Rewrites stored data without the samples marked deleted. */
    void cleanTombstones();

    /** Writes a consistent copy of the data into {@code dir}, with the in-memory head if asked. */
    void snapshot(Path dir, boolean withHead);

    /** Cardinality statistics of the most recent data. */
    StorageStats stats();

    /**
     * The blocks the storage has loaded, oldest first, for {@code /api/v1/status/tsdb/blocks}
     * (since 1.16). None by default: a storage without blocks, or built against an older api.
     */
    default List<StoredBlock> blockMetas() {
        return List.of();
    }
}
