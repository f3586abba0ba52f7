package io.promethium.tsdb;

import io.promethium.tsdb.internal.block.Block;
import io.promethium.tsdb.internal.block.BlockMeta;
import io.promethium.tsdb.internal.block.Downsampler;
import io.promethium.tsdb.internal.fs.Fsync;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;

/**
 * The downsampling pass (run after each compaction when {@code storage.tsdb.downsampling} is set) and
 * the companions' retention: for each level, in
 * increasing resolution, every block of the level below (raw blocks for the first, the previous
 * level's companions after it, as Thanos builds 1 h from 5 m) that ended at least the level's age
 * before the newest data gets a companion, unless one already covers its sources. Companions name
 * the level-1 blocks they derive from, so when compaction has merged raw blocks that had
 * companions, the merged block gets one and the companions of its pieces are deleted.
 */
final class TsdbDownsampling {
    /** One level: its resolution and the age (before the newest data) a block must have ended by. */
    record Level(long resolution, long minAgeMillis) {
        Level {
            if (resolution <= 0 || minAgeMillis < 0) {
                throw new IllegalArgumentException("downsampling level " + resolution + " ms after " + minAgeMillis + " ms");
            }
        }
    }

    private TsdbDownsampling() {
    }

    static List<Level> levels(List<DownsamplingLevel> configured) {
        return configured.stream().map(l -> new Level(l.resolution().toMillis(), l.after().toMillis())).toList();
    }

    /**
     * Deletes the companions that ended their resolution's retention before the newest data: the
     * level's own retention (none when zero), or the raw retention for a resolution no level names
     * (companions left by an earlier configuration).
     */
    static void applyRetention(Tsdb t) throws IOException {
        synchronized (t.compactionLock) {
            List<Block> current = t.downsampledBlocks;
            if (current.isEmpty()) {
                return;
            }
            long newest = Math.max(t.maxBlockTime(), t.head.maxTime());
            for (Block b : current) {
                newest = Math.max(newest, b.meta().maxTime());
            }
            List<Block> drop = new ArrayList<>();
            for (Block b : current) {
                long keep = retentionMillis(t, b.meta().resolution());
                if (keep > 0 && b.meta().maxTime() <= newest - keep) {
                    drop.add(b);
                }
            }
            if (drop.isEmpty()) {
                return;
            }
            List<Block> next = new ArrayList<>(current);
            next.removeAll(drop);
            t.downsampledBlocks = List.copyOf(next);
            for (Block b : drop) {
                Tsdb.LOG.info("downsampling retention: deleting " + b.meta().resolution() + " ms companion " + b.meta().ulid());
                b.close();
                Fsync.deleteBlock(b.dir());
            }
        }
    }

    /**
     * Rewrites a companion without what its tombstones hide (deleted series, the windows a deletion
     * touched): re-aggregated at its own resolution, which copies every other window. The companion
     * is deleted when nothing remains. Call under the compaction lock.
     */
    static void rewrite(Tsdb t, Block companion) throws IOException {
        Downsampler.Result r = new Downsampler(t.opener).downsample(companion, companion.meta().resolution(), t.dir);
        List<Block> next = new ArrayList<>(t.downsampledBlocks);
        next.remove(companion);
        if (r != null) {
            next.add(Block.open(t.dir.resolve(r.meta().ulid())));
            next.sort(Comparator.comparingLong((Block b) -> b.meta().minTime()));
        }
        t.downsampledBlocks = List.copyOf(next);
        companion.close();
        Fsync.deleteRecursively(companion.dir());
    }

    private static long retentionMillis(Tsdb t, long resolution) {
        for (DownsamplingLevel l : t.downsampling) {
            if (l.resolution().toMillis() == resolution) {
                return l.retention().toMillis();
            }
        }
        return t.options.retention().toMillis();
    }

    /** One pass over {@code levels} (in increasing resolution); returns the companions written. */
    static List<BlockMeta> run(Tsdb t, List<Level> levels) throws IOException {
        List<BlockMeta> written = new ArrayList<>();
        synchronized (t.compactionLock) {
            long newest = Math.max(t.maxBlockTime(), t.head.maxTime());
            Downsampler downsampler = new Downsampler(t.opener);
            long below = 0;
            for (Level level : levels) {
                if (level.resolution() <= below || (below > 0 && level.resolution() % below != 0)) {
                    throw new IllegalArgumentException("downsampling level " + level.resolution() + " ms after one of " + below
                            + " ms: each must be a larger multiple of the one before");
                }
                final long from = below;
                List<Block> sources = from == 0 ? t.blocks
                        : t.downsampledBlocks.stream().filter(b -> b.meta().resolution() == from).toList();
                for (Block source : sources) {
                    if (source.corruption() != null || source.meta().maxTime() > newest - level.minAgeMillis()) {
                        continue;
                    }
                    List<Block> overlapping = new ArrayList<>();
                    boolean covered = false;
                    boolean foreign = false;
                    HashSet<String> have = new HashSet<>(source.meta().sources());
                    for (Block c : t.downsampledBlocks) {
                        if (c.meta().resolution() != level.resolution() || c.meta().maxTime() <= source.meta().minTime()
                                || c.meta().minTime() >= source.meta().maxTime()) {
                            continue;
                        }
                        if (c.meta().sources().containsAll(have)) {
                            covered = true;
                        } else if (have.containsAll(c.meta().sources())) {
                            overlapping.add(c);
                        } else {
                            foreign = true;
                        }
                    }
                    if (covered) {
                        continue;
                    }
                    if (foreign) {
                        Tsdb.LOG.warning("downsampling: block " + source.meta().ulid() + " overlaps a " + level.resolution()
                                + " ms companion made from other blocks; left as it is");
                        continue;
                    }
                    Downsampler.Result r = downsampler.downsample(source, level.resolution(), t.dir);
                    List<Block> next = new ArrayList<>(t.downsampledBlocks);
                    next.removeAll(overlapping);
                    if (r != null) {
                        next.add(Block.open(t.dir.resolve(r.meta().ulid())));
                        written.add(r.meta());
                        if (r.histogramSamples() > 0) {
                            Tsdb.LOG.fine("downsampling " + source.meta().ulid() + ": " + r.histogramSamples() + " native histogram samples of "
                                    + r.histogramSeries() + " series skipped (mixed with floats, or of bucket layouts that cannot be added)");
                        }
                    }
                    next.sort(Comparator.comparingLong((Block b) -> b.meta().minTime()));
                    t.downsampledBlocks = List.copyOf(next);
                    for (Block old : overlapping) {
                        old.close();
                        Fsync.deleteBlock(old.dir());
                    }
                }
                below = level.resolution();
            }
        }
        return written;
    }
}
