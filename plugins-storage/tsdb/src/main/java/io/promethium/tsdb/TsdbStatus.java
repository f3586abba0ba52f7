package io.promethium.tsdb;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.StorageStats;
import io.promethium.tsdb.internal.block.Block;
import io.promethium.tsdb.internal.block.BlockMeta;
import io.promethium.tsdb.internal.exemplar.ExemplarStorage;
import io.promethium.tsdb.internal.head.Head;
import io.promethium.tsdb.internal.head.HeadPostings;
import io.promethium.tsdb.internal.metrics.TsdbCollector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a {@link Tsdb} reports about itself: the head's cardinality ({@code /api/v1/status/tsdb}),
 * blocks and bytes per retention rule and per resolution, the blocks served and those not served,
 * and the gauges of its self-metrics collector. Reads only; nothing here changes the database.
 */
final class TsdbStatus {

    private TsdbStatus() {
    }

    /**
     * Cardinality of the head, as the status API shows it: each list's ten largest kept as the
     * pairs come, a pair's {@code name=value} text made only when it could enter the top, not a
     * stat per label pair sorted (ten million objects and strings at ten million series, which
     * the collector had to copy while the server answered others).
     */
    static HeadStats headStats(Head head) {
        Cardinality c = new Cardinality();
        head.postings().visitCardinalities(c);
        c.endName();
        return new HeadStats(head.numSeries(), c.pairs, head.chunkCount(), head.minTime(), head.maxTime(), c.byMetric.list(),
                c.valueCounts.list(), c.memory.list(), c.byPair.list());
    }

    /** The head's pairs folded name by name into the four top lists. */
    private static final class Cardinality implements HeadPostings.CardinalityVisitor {
        final TopTen byMetric = new TopTen();
        final TopTen valueCounts = new TopTen();
        final TopTen memory = new TopTen();
        final TopTen byPair = new TopTen();
        long pairs;
        private String name;
        private int values;
        private long bytes;

        @Override
        public void pair(String n, String value, int series) {
            if (!n.equals(name)) {
                endName();
                name = n;
            }
            pairs++;
            values++;
            bytes += (long) value.length() * series;
            if (byPair.admits(series)) {
                byPair.offer(new HeadStats.Stat(n + "=" + value, series));
            }
            if (n.equals(Labels.METRIC_NAME) && byMetric.admits(series)) {
                byMetric.offer(new HeadStats.Stat(value, series));
            }
        }

        /** The name's totals, once its last pair came. */
        void endName() {
            if (name != null) {
                valueCounts.offer(new HeadStats.Stat(name, values));
                memory.offer(new HeadStats.Stat(name, bytes));
            }
            name = null;
            values = 0;
            bytes = 0;
        }
    }

    /** {@link #headStats} in the api's terms, for the HTTP API's {@code /api/v1/status/tsdb}. */
    static StorageStats stats(Tsdb t) {
        HeadStats h = headStats(t.head);
        Head.Memory m = t.head.memory();
        return new StorageStats(h.numSeries(), h.numLabelPairs(), h.chunkCount(), h.minTime(), h.maxTime(),
                toApi(h.seriesCountByMetricName()), toApi(h.labelValueCountByLabelName()), toApi(h.memoryInBytesByLabelName()),
                toApi(h.seriesCountByLabelValuePair()),
                List.of(new StorageStats.Stat("series", m.series()), new StorageStats.Stat("chunks", m.chunks()),
                        new StorageStats.Stat("postings", m.postings()), new StorageStats.Stat("symbols", m.symbols()),
                        new StorageStats.Stat("exemplars", m.exemplars()), new StorageStats.Stat("append_buffers", m.appendBuffers())),
                corruptBlocksNow(t),
                t.seriesRetention.policy().isEmpty() ? List.of() : retentionUsage(t).stream()
                        .map(u -> new StorageStats.RetentionRuleStat(u.selector(), u.retention().toMillis(), u.headSeries(),
                                u.blockSeries(), u.bytes()))
                        .toList(),
                resolutionUsage(t).stream().map(r -> new StorageStats.ResolutionStat(r.resolution().toMillis(), r.blocks(), r.bytes(),
                        r.minTime(), r.maxTime(), r.retention().toMillis(), r.nativeHistograms())).toList());
    }

    /** {@link Tsdb#resolutionUsage()}: blocks on disk per resolution, finest first. */
    static List<Tsdb.ResolutionUsage> resolutionUsage(Tsdb t) {
        List<DownsamplingLevel> levels = t.downsampling;
        List<Block> companions = t.downsampledBlocks;
        if (levels.isEmpty() && companions.isEmpty()) {
            return List.of();
        }
        TreeMap<Long, Duration> retention = new TreeMap<>();
        retention.put(0L, t.options.retention());
        for (Block b : companions) {
            retention.put(b.meta().resolution(), t.options.retention()); // no level names it: the raw retention deletes it
        }
        for (DownsamplingLevel l : levels) {
            retention.put(l.resolution().toMillis(), l.retention());
        }
        List<Tsdb.ResolutionUsage> out = new ArrayList<>();
        List<Block> all = new ArrayList<>(t.blocks);
        all.addAll(companions);
        for (Map.Entry<Long, Duration> e : retention.entrySet()) {
            long count = 0;
            long bytes = 0;
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (Block b : all) {
                if (b.meta().resolution() == e.getKey() && b.corruption() == null) {
                    count++;
                    bytes += b.sizeBytes();
                    min = Math.min(min, b.meta().minTime());
                    max = Math.max(max, b.meta().maxTime());
                }
            }
            out.add(new Tsdb.ResolutionUsage(Duration.ofMillis(e.getKey()), count, bytes, min, max, e.getValue(), true));
        }
        return out;
    }

    /** {@link Tsdb#retentionUsage()}: series and bytes per retention rule, then the rest. */
    static List<Tsdb.RuleUsage> retentionUsage(Tsdb t) {
        List<RetentionRule> rules = t.seriesRetention.policy().rules();
        List<Tsdb.RuleUsage> out = new ArrayList<>();
        for (TsdbSeriesRetention.ClassStats c : t.seriesRetention.stats(t)) {
            boolean rule = c.cls() < rules.size();
            out.add(new Tsdb.RuleUsage(rule ? rules.get(c.cls()).selector() : "",
                    rule ? rules.get(c.cls()).retention() : t.options.retention(), c.headSeries(), c.blockSeries(), c.bytes()));
        }
        return out;
    }

    /** {@link Tsdb#blocks()}: the blocks served, oldest first. */
    static List<Tsdb.BlockInfo> blocks(List<Block> blocks) {
        List<Tsdb.BlockInfo> out = new ArrayList<>();
        for (Block b : blocks) {
            BlockMeta m = b.meta();
            out.add(new Tsdb.BlockInfo(m.ulid(), m.minTime(), m.maxTime(), m.numSamples(), m.numSeries(), m.numChunks(), m.level(),
                    b.sizeBytes(), b.corruption()));
        }
        return out;
    }

    /** The loaded blocks in the api's terms: raw ones oldest first, then companions by resolution, each oldest first. */
    static List<io.promethium.api.storage.StoredBlock> blockMetas(Tsdb t) {
        List<Block> raw = new ArrayList<>(t.blocks);
        raw.sort(Comparator.comparingLong(b -> b.meta().minTime()));
        List<Block> downsampled = new ArrayList<>(t.downsampledBlocks);
        downsampled.sort(Comparator.<Block>comparingLong(b -> b.meta().resolution()).thenComparingLong(b -> b.meta().minTime()));
        List<io.promethium.api.storage.StoredBlock> out = new ArrayList<>(raw.size() + downsampled.size());
        for (List<Block> group : List.of(raw, downsampled)) {
            for (Block b : group) {
                BlockMeta m = b.meta();
                out.add(new io.promethium.api.storage.StoredBlock(m.ulid(), m.minTime(), m.maxTime(), m.numSamples(), m.numSeries(),
                        m.numChunks(), b.numTombstoneIntervals(), m.level(), m.sources(), BlockMeta.VERSION, m.resolution()));
            }
        }
        return out;
    }

    /** Blocks not served: set aside at open, then served blocks a read found corrupt (skipped since). */
    static List<StorageStats.CorruptBlock> corruptBlocksNow(Tsdb t) {
        List<StorageStats.CorruptBlock> out = new ArrayList<>(t.corruptBlocks);
        for (Block b : t.blocks) {
            String why = b.corruption();
            if (why != null) {
                out.add(new StorageStats.CorruptBlock(b.meta().ulid(), why, b.dir().toString()));
            }
        }
        return out;
    }

    /** Bytes of compressed chunk data held in the head. */
    static long headChunkBytes(Head head) {
        long[] total = {0};
        head.forEachSeries(s -> total[0] += s.chunkBytes());
        return total[0];
    }

    private static List<StorageStats.Stat> toApi(List<HeadStats.Stat> stats) {
        return stats.stream().map(s -> new StorageStats.Stat(s.name(), s.value())).toList();
    }

    /** The gauges of the self-metrics collector, read from the database at each scrape. */
    static final class CollectorGauges implements TsdbCollector.Gauges {
        private final Tsdb t;

        CollectorGauges(Tsdb t) {
            this.t = t;
        }

        @Override
        public long headSeries() {
            return t.head.numSeries();
        }

        @Override
        public long headChunks() {
            return t.head.chunkCount();
        }

        @Override
        public long headMinTime() {
            return t.head.minTime();
        }

        @Override
        public long headMaxTime() {
            return t.head.maxTime();
        }

        @Override
        public long blocksLoaded() {
            return t.blocks.size();
        }

        @Override
        public long blocksBytes() {
            long total = 0;
            for (Block b : t.blocks) {
                total += b.sizeBytes();
            }
            // Companions count towards --storage.tsdb.retention.size, so towards this gauge too.
            for (Block b : t.downsampledBlocks) {
                total += b.sizeBytes();
            }
            return total;
        }

        @Override
        public long walBytes() {
            return TsdbCompaction.walBytes(t);
        }

        @Override
        public long lowestTimestamp() {
            return t.startTime();
        }

        @Override
        public ExemplarStorage exemplars() {
            return t.head.exemplars();
        }

        @Override
        public long blocksCorrupt() {
            return corruptBlocksNow(t).size();
        }

        @Override
        public long retentionBytesLimit() {
            return t.options.retentionBytes();
        }

        @Override
        public Head.Memory headMemory() {
            return t.head.recentMemory();
        }
    }
}
