package io.promethium.tsdb.internal.metrics;

import java.util.concurrent.atomic.LongAdder;

/** The TSDB's counters, updated by head, WAL, compactor; read by {@link TsdbCollector}. */
public final class TsdbMetrics {
    public final LongAdder samplesAppended = new LongAdder();
    public final LongAdder outOfOrderSamples = new LongAdder();
    public final LongAdder outOfOrderAccepted = new LongAdder();
    public final LongAdder outOfBoundsSamples = new LongAdder();
    public final LongAdder duplicateSamples = new LongAdder();
    public final LongAdder seriesCreated = new LongAdder();
    public final LongAdder seriesRemoved = new LongAdder();
    public final LongAdder walCorruptions = new LongAdder();
    public final LongAdder walWritesFailed = new LongAdder();
    public final LongAdder walFsyncs = new LongAdder();
    public final LongAdder walTruncations = new LongAdder();
    public final LongAdder walTruncationsFailed = new LongAdder();
    public final LongAdder checkpointsCreated = new LongAdder();
    public final LongAdder checkpointsFailed = new LongAdder();
    public final LongAdder walReplayUnknownRefs = new LongAdder();
    public final LongAdder compactions = new LongAdder();
    public final LongAdder compactionsFailed = new LongAdder();
    public final LongAdder headTruncations = new LongAdder();
    public final LongAdder reloads = new LongAdder();
    public final LongAdder reloadsFailed = new LongAdder();
    public final LongAdder blocksCorrupt = new LongAdder();
    public final LongAdder retentionTimeDeletions = new LongAdder();
    public final LongAdder retentionSizeDeletions = new LongAdder();
    public final LongAdder commitsFailedIo = new LongAdder();
    public final LongAdder histogramSamplesAppended = new LongAdder();
    public final LongAdder invalidHistograms = new LongAdder();
    public final LongAdder invalidExemplars = new LongAdder();
    public final LongAdder outOfOrderExemplars = new LongAdder();
    /** Episodes of failing writes (WAL, checkpoint, compaction): logged once each, see {@link io.promethium.tsdb.internal.fs.WriteFailures}. */
    public final io.promethium.tsdb.internal.fs.WriteFailures writeFailures = new io.promethium.tsdb.internal.fs.WriteFailures();
}
