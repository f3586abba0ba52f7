package io.promethium.tsdb;

import io.promethium.tsdb.internal.block.Block;
import io.promethium.tsdb.internal.block.BlockMeta;
import io.promethium.tsdb.internal.block.BlockSeries;
import io.promethium.tsdb.internal.fs.Fsync;
import io.promethium.tsdb.internal.retention.RetentionPolicy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-series retention ({@code storage.tsdb.retention_rules}) on disk, and its statistics.
 *
 * <p>The retention pass, run after compaction under the compaction lock: a block that ends at or
 * before a class's cutoff (newest sample minus the class's retention) holds nothing that class
 * keeps, so that class's series go from it. When everything left in the block goes, the block is
 * deleted. Otherwise the series are marked deleted with tombstones (queries skip them at once),
 * and the block is rewritten without them when the dropped series hold at least
 * {@link #REWRITE_FRACTION} of its chunk bytes (estimated by chunk count); below that the
 * tombstones stay until compaction next merges the block. A rewrite reads and writes the whole
 * block, so it is worth it only when it frees a real share of the disk; 5 % is the share
 * Prometheus's compactor tolerates in tombstones before it rewrites a block.
 *
 * <p>Downsampled companions: a rule's series go from a companion that ends at or before the
 * rule's cutoff in the same way (tombstones, a rewrite at the same share, re-aggregating the
 * companion at its own resolution, or deletion when nothing is left); series matching no rule
 * keep their resolution's retention.
 *
 * <p>Blocks are scanned once per policy and set of expired classes (remembered by block ULID), so
 * a pass over unchanged blocks costs no index reads.
 */
final class TsdbSeriesRetention {
    /** Rewrite a block when the series dropped from it hold at least this share of its chunk bytes. */
    static final double REWRITE_FRACTION = 0.05;

    private volatile RetentionPolicy policy = RetentionPolicy.NONE;
    /** Per block ULID, the classes already applied to it under {@link #policy}. */
    private final Map<String, BitSet> applied = new ConcurrentHashMap<>();
    /** Per block ULID, its series and chunks per class under {@link #policy} (for the status page). */
    private final Map<String, ClassCounts> counts = new ConcurrentHashMap<>();

    RetentionPolicy policy() {
        return policy;
    }

    void setPolicy(RetentionPolicy next) {
        policy = next;
        applied.clear();
        counts.clear();
    }

    /** What the pass did, for logs and tests. */
    record Outcome(int tombstoned, int rewritten, int deleted) {
    }

    /** Applies the rules to every healthy block; call under the compaction lock. */
    Outcome apply(Tsdb t, long newest) throws IOException {
        RetentionPolicy p = policy;
        if (p.isEmpty() || newest == Long.MIN_VALUE) {
            return new Outcome(0, 0, 0);
        }
        long global = t.options.retention().toMillis();
        int classes = p.defaultClass() + 1;
        int tombstoned = 0;
        int rewritten = 0;
        int deleted = 0;
        for (Block b : t.blocks) {
            if (b.corruption() != null) {
                continue;
            }
            BlockMeta m = b.meta();
            BitSet expired = new BitSet(classes);
            for (int c = 0; c < classes; c++) {
                long cutoff = p.cutoff(c, newest, global);
                // maxTime is exclusive: every sample of the block lies before it.
                if (cutoff != Long.MIN_VALUE && m.maxTime() <= cutoff) {
                    expired.set(c);
                }
            }
            if (expired.isEmpty() || expired.equals(applied.get(m.ulid()))) {
                continue;
            }
            Scan scan = scan(b, p, expired);
            if (scan.live == 0) {
                Tsdb.LOG.info("retention rules: deleting block " + m.ulid() + " (every series in it has expired)");
                drop(t, b);
                deleted++;
                continue;
            }
            if (scan.newDocs.length > 0) {
                b.deleteDocs(scan.newDocs, m.minTime(), m.maxTime());
                tombstoned++;
            }
            if (scan.totalChunks > 0 && (double) scan.droppedChunks / scan.totalChunks >= REWRITE_FRACTION) {
                Tsdb.LOG.info("retention rules: rewriting block " + m.ulid() + " without " + scan.droppedChunks + " of its "
                        + scan.totalChunks + " chunks");
                BlockMeta meta = t.compactor.merge(List.of(b), t.dir);
                TsdbCompaction.replaceBlocks(t, List.of(b), meta);
                applied.remove(m.ulid());
                counts.remove(m.ulid());
                rewritten++;
            } else {
                applied.put(m.ulid(), expired);
            }
        }
        for (Block b : t.downsampledBlocks) {
            if (b.corruption() != null) {
                continue;
            }
            BlockMeta m = b.meta();
            // Only the rules: a series matching none keeps its resolution's retention, which may outlive raw data.
            BitSet expired = new BitSet(classes);
            for (int c = 0; c < p.defaultClass(); c++) {
                long cutoff = p.cutoff(c, newest, global);
                if (cutoff != Long.MIN_VALUE && m.maxTime() <= cutoff) {
                    expired.set(c);
                }
            }
            if (expired.isEmpty() || expired.equals(applied.get(m.ulid()))) {
                continue;
            }
            Scan scan = scan(b, p, expired);
            if (scan.live == 0) {
                Tsdb.LOG.info("retention rules: deleting " + m.resolution() + " ms companion " + m.ulid() + " (every series in it has expired)");
                dropCompanion(t, b);
                deleted++;
                continue;
            }
            if (scan.newDocs.length > 0) {
                b.deleteDocs(scan.newDocs, m.minTime(), m.maxTime());
                tombstoned++;
            }
            if (scan.totalChunks > 0 && (double) scan.droppedChunks / scan.totalChunks >= REWRITE_FRACTION) {
                Tsdb.LOG.info("retention rules: rewriting " + m.resolution() + " ms companion " + m.ulid() + " without "
                        + scan.droppedChunks + " of its " + scan.totalChunks + " chunks");
                TsdbDownsampling.rewrite(t, b);
                applied.remove(m.ulid());
                counts.remove(m.ulid());
                rewritten++;
            } else {
                applied.put(m.ulid(), expired);
            }
        }
        List<String> live = new ArrayList<>(t.blocks.stream().map(b -> b.meta().ulid()).toList());
        live.addAll(t.downsampledBlocks.stream().map(b -> b.meta().ulid()).toList());
        applied.keySet().retainAll(live);
        return new Outcome(tombstoned, rewritten, deleted);
    }

    private static void dropCompanion(Tsdb t, Block b) throws IOException {
        List<Block> next = new ArrayList<>(t.downsampledBlocks);
        next.remove(b);
        t.downsampledBlocks = List.copyOf(next);
        b.close();
        Fsync.deleteRecursively(b.dir());
    }

    private record Scan(int[] newDocs, long droppedChunks, long totalChunks, long live) {
    }

    private static Scan scan(Block b, RetentionPolicy p, BitSet expired) {
        List<Integer> docs = new ArrayList<>();
        long[] sums = new long[3]; // dropped chunks, total chunks, live series
        BlockSeries.forEach(b, (doc, labels, chunks, deleted) -> {
            sums[1] += chunks;
            boolean gone = expired.get(p.classify(labels));
            if (gone) {
                sums[0] += chunks;
                if (!deleted) {
                    docs.add(doc);
                }
            } else if (!deleted) {
                sums[2]++;
            }
        });
        return new Scan(docs.stream().mapToInt(Integer::intValue).toArray(), sums[0], sums[1], sums[2]);
    }

    private static void drop(Tsdb t, Block b) throws IOException {
        List<Block> next = new ArrayList<>(t.blocks);
        next.remove(b);
        t.blocks = List.copyOf(next);
        b.close();
        Fsync.deleteBlock(b.dir());
    }

    /** Series and estimated bytes of one retention class. */
    record ClassStats(int cls, long headSeries, long blockSeries, long bytes) {
    }

    /**
     * Per class: the head's series, the raw blocks' series (summed over blocks, so a series spanning
     * several counts in each) and the bytes (the head's chunk bytes plus each raw block's and
     * downsampled companion's chunk bytes shared out by chunk count, an estimate). Series tombstoned away are not counted.
     */
    List<ClassStats> stats(Tsdb t) {
        RetentionPolicy p = policy;
        int classes = p.defaultClass() + 1;
        long[] headSeries = new long[classes];
        long[] blockSeries = new long[classes];
        double[] bytes = new double[classes];
        t.head.forEachSeries(s -> {
            int c = p.classify(s.labels());
            headSeries[c]++;
            bytes[c] += s.chunkBytes();
        });
        List<Block> all = new ArrayList<>(t.blocks);
        all.addAll(t.downsampledBlocks);
        for (Block b : all) {
            if (b.corruption() != null || !b.acquire()) {
                continue;
            }
            boolean companion = b.meta().downsampled();
            try {
                ClassCounts cc = counts.get(b.meta().ulid());
                if (cc == null || cc.tombstones != b.numTombstones()) {
                    cc = ClassCounts.of(b, p);
                    counts.put(b.meta().ulid(), cc);
                }
                long chunkBytes = BlockSeries.chunkBytes(b);
                for (int c = 0; c < classes; c++) {
                    if (!companion) {
                        blockSeries[c] += cc.series[c];
                    }
                    if (cc.totalChunks > 0) {
                        bytes[c] += (double) chunkBytes * cc.chunks[c] / cc.totalChunks;
                    }
                }
            } finally {
                b.release();
            }
        }
        counts.keySet().retainAll(all.stream().map(b -> b.meta().ulid()).toList());
        List<ClassStats> out = new ArrayList<>(classes);
        for (int c = 0; c < classes; c++) {
            out.add(new ClassStats(c, headSeries[c], blockSeries[c], Math.round(bytes[c])));
        }
        return out;
    }

    /** One block's live series and chunks per class; {@code totalChunks} counts deleted ones too (they still take bytes). */
    private record ClassCounts(int tombstones, long[] series, long[] chunks, long totalChunks) {
        static ClassCounts of(Block b, RetentionPolicy p) {
            int classes = p.defaultClass() + 1;
            long[] series = new long[classes];
            long[] chunks = new long[classes];
            long[] total = new long[1];
            BlockSeries.forEach(b, (doc, labels, n, deleted) -> {
                total[0] += n;
                if (!deleted) {
                    int c = p.classify(labels);
                    series[c]++;
                    chunks[c] += n;
                }
            });
            return new ClassCounts(b.numTombstones(), series, chunks, total[0]);
        }
    }
}
