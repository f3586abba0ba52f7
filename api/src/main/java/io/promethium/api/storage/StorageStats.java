package io.promethium.api.storage;

import java.util.List;
import java.util.Objects;

/**
 * A storage's cardinality, as Prometheus's {@code /api/v1/status/tsdb} reports it for its head.
 * Top lists hold the largest entries first.
 *
 * @param minTime the oldest sample (ms), or {@code Long.MAX_VALUE} when empty
 * @param maxTime the newest sample (ms), or {@code Long.MIN_VALUE} when empty
 * @param headMemoryInBytes the head's estimated heap by part (name: the part, value: bytes), as
 *        the storage accounts it; empty when it does not (since 1.10)
 * @param corruptBlocks blocks the storage does not serve because they are corrupt or incomplete,
 *        oldest finding first; empty when none or when the storage has no blocks (since 1.11)
 * @param retentionRules usage per retention rule in rule order, then the series matching no rule;
 *        empty when the storage has no per-series retention rules (since 1.11)
 * @param resolutions blocks on disk per resolution: raw data first, then each downsampled
 *        resolution, finest first; empty when the storage does not downsample (since 1.13)
 */
public record StorageStats(long numSeries, long numLabelPairs, long chunkCount, long minTime, long maxTime,
                           List<Stat> seriesCountByMetricName, List<Stat> labelValueCountByLabelName,
                           List<Stat> memoryInBytesByLabelName, List<Stat> seriesCountByLabelValuePair,
                           List<Stat> headMemoryInBytes, List<CorruptBlock> corruptBlocks,
                           List<RetentionRuleStat> retentionRules, List<ResolutionStat> resolutions) {

    public StorageStats {
        seriesCountByMetricName = List.copyOf(seriesCountByMetricName);
        labelValueCountByLabelName = List.copyOf(labelValueCountByLabelName);
        memoryInBytesByLabelName = List.copyOf(memoryInBytesByLabelName);
        seriesCountByLabelValuePair = List.copyOf(seriesCountByLabelValuePair);
        headMemoryInBytes = List.copyOf(headMemoryInBytes);
        corruptBlocks = List.copyOf(corruptBlocks);
        retentionRules = List.copyOf(retentionRules);
        resolutions = List.copyOf(resolutions);
    }

    /** Stats without resolutions (the 1.11 form; kept for plugins built against it). */
    public StorageStats(long numSeries, long numLabelPairs, long chunkCount, long minTime, long maxTime,
                        List<Stat> seriesCountByMetricName, List<Stat> labelValueCountByLabelName,
                        List<Stat> memoryInBytesByLabelName, List<Stat> seriesCountByLabelValuePair,
                        List<Stat> headMemoryInBytes, List<CorruptBlock> corruptBlocks, List<RetentionRuleStat> retentionRules) {
        this(numSeries, numLabelPairs, chunkCount, minTime, maxTime, seriesCountByMetricName, labelValueCountByLabelName,
                memoryInBytesByLabelName, seriesCountByLabelValuePair, headMemoryInBytes, corruptBlocks, retentionRules, List.of());
    }

    /** Stats without corrupt blocks and retention rules (the 1.10 form; kept for plugins built against it). */
    public StorageStats(long numSeries, long numLabelPairs, long chunkCount, long minTime, long maxTime,
                        List<Stat> seriesCountByMetricName, List<Stat> labelValueCountByLabelName,
                        List<Stat> memoryInBytesByLabelName, List<Stat> seriesCountByLabelValuePair,
                        List<Stat> headMemoryInBytes) {
        this(numSeries, numLabelPairs, chunkCount, minTime, maxTime, seriesCountByMetricName, labelValueCountByLabelName,
                memoryInBytesByLabelName, seriesCountByLabelValuePair, headMemoryInBytes, List.of(), List.of(), List.of());
    }

    /** Stats of a storage that does not account its heap (the 1.9 form; kept for plugins built against it). */
    public StorageStats(long numSeries, long numLabelPairs, long chunkCount, long minTime, long maxTime,
                        List<Stat> seriesCountByMetricName, List<Stat> labelValueCountByLabelName,
                        List<Stat> memoryInBytesByLabelName, List<Stat> seriesCountByLabelValuePair) {
        this(numSeries, numLabelPairs, chunkCount, minTime, maxTime, seriesCountByMetricName, labelValueCountByLabelName,
                memoryInBytesByLabelName, seriesCountByLabelValuePair, List.of());
    }

    /**
     * A block left out of queries: {@code block} its id, {@code reason} what was found wrong, and
     * {@code path} where it now lies (a block set aside at open is renamed, e.g. to
     * {@code <ulid>.corrupted}) or its own folder when it is only skipped.
     */
    public record CorruptBlock(String block, String reason, String path) {
        public CorruptBlock {
            Objects.requireNonNull(block, "block is null");
            Objects.requireNonNull(reason, "reason is null");
            Objects.requireNonNull(path, "path is null");
        }
    }

    /** One row of a top list: a name (metric, label, or {@code name=value}) and its count. */
    public record Stat(String name, long value) {
        public Stat {
            Objects.requireNonNull(name, "name is null");
        }
    }

    /**
     * One retention class's usage (since 1.11).
     *
     * @param selector the rule's series selector as written; {@code ""} for the series matching no rule
     * @param retentionMillis how long the class is kept; 0 = forever
     * @param headSeries series of the class in the head (the in-memory part)
     * @param blockSeries series of the class in the blocks on disk, summed over blocks
     * @param bytes the class's chunk bytes in head and blocks, as the storage estimates them
     */
    public record RetentionRuleStat(String selector, long retentionMillis, long headSeries, long blockSeries, long bytes) {
        public RetentionRuleStat {
            Objects.requireNonNull(selector, "selector is null");
        }
    }

    /**
     * The blocks of one resolution (since 1.13).
     *
     * @param resolutionMillis the resolution; 0 for raw data
     * @param blocks how many blocks hold it
     * @param bytes their bytes on disk
     * @param minTime the oldest block's start (ms), {@code Long.MAX_VALUE} when there is none
     * @param maxTime the newest block's end (ms), {@code Long.MIN_VALUE} when there is none
     * @param retentionMillis how long its blocks are kept; 0 = forever
     * @param nativeHistograms whether its blocks hold native histogram samples (a resolution that
     *        does not downsample them leaves them to raw data)
     */
    public record ResolutionStat(long resolutionMillis, long blocks, long bytes, long minTime, long maxTime, long retentionMillis,
                                 boolean nativeHistograms) {
    }
}
