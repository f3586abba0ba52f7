package io.promethium.tsdb.internal.metrics;

import static java.util.Objects.requireNonNull;

import io.promethium.api.collect.Collector;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.MetricType;

/** Writes the TSDB's self-metrics under Prometheus's names, so existing dashboards keep working. */
public final class TsdbCollector implements Collector {

    /** Values read at collection time. */
    public interface Gauges {
        long headSeries();

        long headChunks();

        long headMinTime();

        long headMaxTime();

        long blocksLoaded();

        long blocksBytes();

        long walBytes();

        long lowestTimestamp();

        long retentionBytesLimit();

        /** Blocks not served because they are corrupt (set aside at open, or found corrupt by a read). */
        default long blocksCorrupt() {
            return 0;
        }

        /** The exemplar buffer, or null without one. */
        default io.promethium.tsdb.internal.exemplar.ExemplarStorage exemplars() {
            return null;
        }

        /** The head's estimated heap by part, or null when not accounted. */
        default io.promethium.tsdb.internal.head.Head.Memory headMemory() {
            return null;
        }
    }

    private final TsdbMetrics metrics;
    private final Gauges gauges;

    public TsdbCollector(TsdbMetrics metrics, Gauges gauges) {
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.gauges = requireNonNull(gauges, "gauges is null");
    }

    @Override
    public void collect(MetricWriter w) {
        gauge(w, "prometheus_tsdb_head_series", "Total number of series in the head block.", gauges.headSeries());
        counter(w, "prometheus_tsdb_head_series_created_total", "Total number of series created in the head", metrics.seriesCreated.sum());
        counter(w, "prometheus_tsdb_head_series_removed_total", "Total number of series removed in the head", metrics.seriesRemoved.sum());
        counter(w, "prometheus_tsdb_head_samples_appended_total", "Total number of appended samples.", metrics.samplesAppended.sum());
        counter(w, "prometheus_tsdb_out_of_order_samples_total", "Total number of out of order samples ingestion failed attempts.",
                metrics.outOfOrderSamples.sum());
        counter(w, "prometheus_tsdb_out_of_bound_samples_total", "Total number of out of bound samples ingestion failed attempts.",
                metrics.outOfBoundsSamples.sum());
        counter(w, "prometheus_tsdb_head_out_of_order_samples_appended_total", "Total number of appended out of order samples.",
                metrics.outOfOrderAccepted.sum());
        counter(w, "prometheus_tsdb_duplicate_samples_total", "Samples rejected: same timestamp, different value.",
                metrics.duplicateSamples.sum());
        gauge(w, "prometheus_tsdb_head_chunks", "Total number of chunks in the head block.", gauges.headChunks());
        long min = gauges.headMinTime();
        long max = gauges.headMaxTime();
        gauge(w, "prometheus_tsdb_head_min_time", "Minimum time bound of the head block.", min == Long.MAX_VALUE ? Double.NaN : min);
        gauge(w, "prometheus_tsdb_head_max_time", "Maximum timestamp of the head block.", max == Long.MIN_VALUE ? Double.NaN : max);
        counter(w, "prometheus_tsdb_head_truncations_total", "Total number of head truncations attempted.", metrics.headTruncations.sum());
        counter(w, "prometheus_tsdb_wal_corruptions_total", "Total number of WAL corruptions.", metrics.walCorruptions.sum());
        counter(w, "prometheus_tsdb_wal_writes_failed_total", "Total number of WAL writes that failed.", metrics.walWritesFailed.sum());
        counter(w, "prometheus_tsdb_wal_fsync_total", "Total number of WAL fsyncs.", metrics.walFsyncs.sum());
        counter(w, "prometheus_tsdb_wal_truncations_total", "Total number of WAL truncations attempted.", metrics.walTruncations.sum());
        counter(w, "prometheus_tsdb_wal_truncations_failed_total", "Total number of WAL truncations that failed.",
                metrics.walTruncationsFailed.sum());
        counter(w, "prometheus_tsdb_checkpoint_creations_total", "Total number of checkpoint creations attempted.",
                metrics.checkpointsCreated.sum());
        counter(w, "prometheus_tsdb_checkpoint_creations_failed_total", "Total number of checkpoint creations that failed.",
                metrics.checkpointsFailed.sum());
        gauge(w, "prometheus_tsdb_wal_storage_size_bytes", "Size of the write log directory.", gauges.walBytes());
        counter(w, "prometheus_tsdb_compactions_total", "Total number of compactions that were executed for the partition.",
                metrics.compactions.sum());
        counter(w, "prometheus_tsdb_compactions_failed_total", "Total number of compactions that failed for the partition.",
                metrics.compactionsFailed.sum());
        counter(w, "prometheus_tsdb_reloads_total", "Number of times the database reloaded block data from disk.", metrics.reloads.sum());
        counter(w, "prometheus_tsdb_reloads_failures_total", "Number of times the database failed to reloadBlocks block data from disk.",
                metrics.reloadsFailed.sum());
        gauge(w, "prometheus_tsdb_blocks_loaded", "Number of currently loaded data blocks", gauges.blocksLoaded());
        // Promethium's own (Prometheus refuses to start on a corrupt block): set aside, and not served now.
        counter(w, "promethium_tsdb_blocks_set_aside_total",
                "Blocks set aside at open (renamed to <ulid>.corrupted) because a file was missing or corrupt.", metrics.blocksCorrupt.sum());
        gauge(w, "promethium_tsdb_blocks_corrupt", "Blocks not served because they are corrupt: set aside, or skipped after a failed read.",
                gauges.blocksCorrupt());
        gauge(w, "prometheus_tsdb_storage_blocks_bytes",
                "The number of bytes that are currently used for local storage by all blocks.", gauges.blocksBytes());
        gauge(w, "prometheus_tsdb_lowest_timestamp", "Lowest timestamp value stored in the database.",
                gauges.lowestTimestamp() == Long.MAX_VALUE ? Double.NaN : gauges.lowestTimestamp());
        gauge(w, "prometheus_tsdb_retention_limit_bytes", "Max number of bytes to be retained in the tsdb blocks, configured 0 means disabled",
                gauges.retentionBytesLimit());
        counter(w, "prometheus_tsdb_time_retentions_total", "The number of times that blocks were deleted because the maximum time limit was exceeded.",
                metrics.retentionTimeDeletions.sum());
        io.promethium.tsdb.internal.exemplar.ExemplarStorage ex = gauges.exemplars();
        if (ex != null) {
            counter(w, "prometheus_tsdb_exemplar_exemplars_appended_total", "Total number of appended exemplars.", ex.appended());
            gauge(w, "prometheus_tsdb_exemplar_exemplars_in_storage", "Number of exemplars currently in circular storage.", ex.size());
            gauge(w, "prometheus_tsdb_exemplar_series_with_exemplars_in_storage",
                    "Number of series with exemplars currently in circular storage.", ex.seriesCount());
            gauge(w, "prometheus_tsdb_exemplar_max_exemplars", "Total number of exemplars the exemplar storage can store, resizeable.",
                    ex.capacity());
            counter(w, "prometheus_tsdb_exemplar_out_of_order_exemplars_total",
                    "Total number of out of order exemplar ingestion failed attempts.", metrics.outOfOrderExemplars.sum());
        }
        counter(w, "prometheus_tsdb_size_retentions_total", "The number of times that blocks were deleted because the maximum number of bytes was exceeded.",
                metrics.retentionSizeDeletions.sum());
        // Promethium's own: 1 while writes of that kind fail (each episode is logged once; the counters above count each failure).
        w.family("promethium_tsdb_writes_failing", MetricType.GAUGE,
                "Whether writes of the storage fail now, by area (wal, wal_sync, checkpoint, compaction).", "");
        for (io.promethium.tsdb.internal.fs.WriteFailures.Area area : io.promethium.tsdb.internal.fs.WriteFailures.Area.values()) {
            w.sample("promethium_tsdb_writes_failing", io.promethium.api.model.Labels.of("area", area.name().toLowerCase(java.util.Locale.ROOT)),
                    metrics.writeFailures.failing(area) ? 1 : 0);
        }
        gauge(w, "promethium_tsdb_out_of_space", "1 while a write of the storage fails for lack of space (no space left on device).",
                metrics.writeFailures.outOfSpace() ? 1 : 0);
        io.promethium.tsdb.internal.head.Head.Memory memory = gauges.headMemory();
        if (memory != null) {
            // Promethium's own: Prometheus has no heap accounting of its head.
            String name = "promethium_tsdb_head_memory_bytes";
            w.family(name, MetricType.GAUGE,
                    "Estimated heap held by the head block, by part (series, chunks, postings, symbols, exemplars, append_buffers); "
                            + "read again once 100 times its last walk over the series has passed.", "bytes");
            w.sample(name, io.promethium.api.model.Labels.of("part", "series"), memory.series());
            w.sample(name, io.promethium.api.model.Labels.of("part", "chunks"), memory.chunks());
            w.sample(name, io.promethium.api.model.Labels.of("part", "postings"), memory.postings());
            w.sample(name, io.promethium.api.model.Labels.of("part", "symbols"), memory.symbols());
            w.sample(name, io.promethium.api.model.Labels.of("part", "exemplars"), memory.exemplars());
            w.sample(name, io.promethium.api.model.Labels.of("part", "append_buffers"), memory.appendBuffers());
        }
    }

    private static void gauge(MetricWriter w, String name, String help, double value) {
        w.family(name, MetricType.GAUGE, help, "");
        w.sample(name, value);
    }

    private static void counter(MetricWriter w, String name, String help, long value) {
        String family = name.substring(0, name.length() - "_total".length());
        w.family(family, MetricType.COUNTER, help, "");
        w.sample(name, value);
    }
}
