package io.promethium.tsdb;

import static java.util.Objects.requireNonNull;
import io.promethium.api.storage.StorageException;
import io.promethium.api.storage.StorageException.Reason;
import io.promethium.tsdb.internal.block.Block;
import io.promethium.tsdb.internal.block.BlockMeta;
import io.promethium.tsdb.internal.block.CompactionPlanner;
import io.promethium.tsdb.internal.block.Compactor;
import io.promethium.tsdb.internal.block.Retention;
import io.promethium.tsdb.internal.fs.Fsync;
import io.promethium.tsdb.internal.fs.WriteFailures;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

/**
 * The lifecycle of a {@link Tsdb}'s data on disk, as Prometheus's DB does it: cutting the head
 * into blocks once it spans 1.5 block durations (then truncating the head and checkpointing the
 * WAL once), merging blocks as the {@link CompactionPlanner} says, and retention by time and
 * size, then per series ({@link TsdbSeriesRetention}). Runs under the database's compaction lock; the database's public methods and its
 * background thread call in here.
 */
final class TsdbCompaction {

    private TsdbCompaction() {
    }

    /**
     * Cuts the head into blocks while it spans more than 1.5 block durations, merges blocks,
     * applies retention. Runs in the background when configured; safe to call any time.
     */
    static void compact(Tsdb t) {
        synchronized (t.compactionLock) {
            if (t.closed) {
                return;
            }
            try {
                if (t.head.numSeries() > 0 && t.head.maxTime() != Long.MIN_VALUE) {
                    long from = Math.floorDiv(t.head.minTime(), t.blockDuration) * t.blockDuration;
                    long until = from;
                    // Prometheus's rule: cut while the head would still span more than 1.5 block durations.
                    while (t.head.maxTime() - Math.max(until, t.head.minTime()) > t.blockDuration * 3 / 2) {
                        until += t.blockDuration;
                    }
                    if (until > from && !waitingForDelay(t)) {
                        cutHead(t, from, until);
                        t.compactionDelayStarted = null;
                    }
                }
                compactBlocks(t);
                applyRetention(t);
                // After compaction, as Thanos's compactor does: companions are made of merged blocks.
                List<io.promethium.tsdb.DownsamplingLevel> levels = t.downsampling;
                if (!levels.isEmpty() && !TsdbDownsampling.run(t, TsdbDownsampling.levels(levels)).isEmpty()
                        && t.options.retentionBytes() > 0) {
                    applyRetention(t); // the companions just written count towards the size limit
                }
                TsdbDownsampling.applyRetention(t);
            } catch (IOException e) {
                t.metrics.compactionsFailed.increment();
                t.metrics.writeFailures.failed(WriteFailures.Area.COMPACTION, t.dir, e);
                throw new StorageException(Reason.IO, "compaction failed: " + e.getMessage(), e);
            }
            t.metrics.writeFailures.succeeded(WriteFailures.Area.COMPACTION, t.dir);
        }
    }

    /**
     * Whether the compaction delay still holds a due head cut back, as Prometheus's
     * {@code waitingForCompactionDelay}: the first time the head is found ready starts the delay.
     * Blocks are still merged and retention applied meanwhile.
     */
    private static boolean waitingForDelay(Tsdb t) {
        long delay = t.options.compactionDelay().toNanos();
        if (delay == 0) {
            return false;
        }
        long now = System.nanoTime();
        if (t.compactionDelayStarted == null) {
            t.compactionDelayStarted = now;
            return true;
        }
        return now - t.compactionDelayStarted < delay;
    }

    /** Persists the whole head as blocks now (shutdown or tooling), leaving it empty. */
    static void flushHead(Tsdb t) {
        synchronized (t.compactionLock) {
            try {
                if (t.head.numSeries() > 0 && t.head.maxTime() != Long.MIN_VALUE) {
                    long from = Math.floorDiv(t.head.minTime(), t.blockDuration) * t.blockDuration;
                    // Up to the newest sample only: appends after it stay possible.
                    cutHead(t, from, t.head.maxTime() + 1);
                }
            } catch (IOException e) {
                t.metrics.compactionsFailed.increment();
                t.metrics.writeFailures.failed(WriteFailures.Area.COMPACTION, t.dir, e);
                throw new StorageException(Reason.IO, "flushing the head failed: " + e.getMessage(), e);
            }
        }
    }

    /** {@link #compact}, logging a failure instead of throwing it; returns whether it succeeded. */
    static boolean compactQuietly(Tsdb t) {
        try {
            compact(t);
            return true;
        } catch (RuntimeException e) {
            // An I/O failure was logged when its episode began (once, not at every retry).
            if (!(e instanceof StorageException s && s.reason() == Reason.IO)) {
                Tsdb.LOG.log(Level.WARNING, "background compaction of " + t.dir + " failed; will retry", e);
            }
            return false;
        }
    }

    /**
     * Persists the head's {@code [from, until)} as one block per block duration, then truncates the
     * head and checkpoints the WAL once (checkpointing after every block would rewrite the WAL's
     * remaining samples again and again when several blocks are due).
     */
    private static void cutHead(Tsdb t, long from, long until) throws IOException {
        if (until <= from) {
            return;
        }
        long persisted = from;
        try {
            for (long mint = from; mint < until; mint += t.blockDuration) {
                long maxt = Math.min(mint + t.blockDuration, until);
                // From now on appends below maxt are out of bounds, so none can slip in behind the block writer.
                long previousMinValid = t.head.minValidTime();
                t.head.setMinValidTime(Math.max(previousMinValid, maxt));
                BlockMeta meta;
                try {
                    meta = t.compactor.writeHead(t.head, t.dir, mint, maxt);
                } catch (IOException | RuntimeException e) {
                    t.head.setMinValidTime(previousMinValid);
                    throw e;
                }
                if (meta != null) {
                    addBlock(t, Block.open(t.dir.resolve(meta.ulid())));
                    t.metrics.compactions.increment();
                }
                persisted = maxt;
            }
        } finally {
            if (persisted > from) {
                truncateHead(t, persisted);
            }
        }
    }

    private static void truncateHead(Tsdb t, long before) throws IOException {
        try {
            if (!t.head.awaitReaders(10_000)) {
                Tsdb.LOG.warning("head truncation at " + before + " proceeds with queriers still open (open for more than 10s)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        t.head.truncateBefore(before);
        if (t.wal != null) {
            t.wal.truncate(before, ref -> t.head.series(ref) != null, followerHold(t.options));
        }
    }

    /**
     * How long WAL segments stay whole for a remote write queue that has not sent them: two block
     * durations (4h by default), beyond the head's own span, so an outage of that long loses
     * nothing across a head cut while a queue stuck for longer cannot fill the disk.
     */
    static java.time.Duration followerHold(TsdbOptions options) {
        return options.blockDuration().multipliedBy(2);
    }

    private static void addBlock(Tsdb t, Block block) {
        List<Block> next = new ArrayList<>(t.blocks);
        next.add(block);
        next.sort(Comparator.comparingLong((Block b) -> b.meta().minTime()));
        t.blocks = List.copyOf(next);
    }

    /**
     * Per series, the time before which its retention rule keeps nothing (the cutoff the retention
     * pass and queries use), for compaction to leave those chunks out; null without rules. Series
     * matching no rule keep everything here: the global retention deletes whole blocks, as
     * Prometheus's does.
     */
    static java.util.function.ToLongFunction<io.promethium.api.model.Labels> expiredBefore(Tsdb t) {
        io.promethium.tsdb.internal.retention.RetentionPolicy p = t.seriesRetention.policy();
        long newest = Math.max(t.maxBlockTime(), t.head.maxTime());
        if (p.isEmpty() || newest == Long.MIN_VALUE) {
            return null;
        }
        long global = t.options.retention().toMillis();
        return labels -> {
            int c = p.classify(labels);
            return c == p.defaultClass() ? Long.MIN_VALUE : p.cutoff(c, newest, global);
        };
    }

    private static void removeBlocks(Tsdb t, List<Block> old) throws IOException {
        List<Block> next = new ArrayList<>(t.blocks);
        next.removeAll(old);
        t.blocks = List.copyOf(next);
        for (Block b : old) {
            b.close();
            Fsync.deleteBlock(b.dir());
        }
    }

    static void replaceBlocks(Tsdb t, List<Block> old, BlockMeta replacement) throws IOException {
        List<Block> next = new ArrayList<>(t.blocks);
        next.removeAll(old);
        next.add(Block.open(t.dir.resolve(replacement.ulid())));
        next.sort(Comparator.comparingLong((Block b) -> b.meta().minTime()));
        t.blocks = List.copyOf(next);
        for (Block b : old) {
            b.close();
            Fsync.deleteBlock(b.dir());
        }
    }

    private static void compactBlocks(Tsdb t) throws IOException {
        Compactor.Buffers buffers = new Compactor.Buffers();
        while (true) {
            List<BlockMeta> healthy = new ArrayList<>();
            Map<String, Block> byId = new HashMap<>();
            for (Block b : t.blocks) {
                if (b.corruption() == null) {
                    healthy.add(b.meta());
                    byId.put(b.meta().ulid(), b);
                }
            }
            List<String> group = t.planner.plan(healthy, t.options.retention(), t.head.minValidTime());
            if (group.isEmpty()) {
                return;
            }
            List<Block> sources = group.stream().map(byId::get).toList();
            BlockMeta meta = t.compactor.merge(sources, t.dir, expiredBefore(t), buffers);
            if (meta.numSeries() == 0) {
                // Every series in the sources was past its retention rule.
                Fsync.deleteBlock(t.dir.resolve(meta.ulid()));
                removeBlocks(t, sources);
            } else {
                replaceBlocks(t, sources, meta);
            }
            t.metrics.compactions.increment();
        }
    }

    private static void applyRetention(Tsdb t) throws IOException {
        TsdbOptions o = t.options;
        List<Block> current = t.blocks;
        List<Block> companions = t.downsampledBlocks;
        if (current.isEmpty() && companions.isEmpty()) {
            return;
        }
        long newest = Math.max(t.maxBlockTime(), t.head.maxTime());
        // With per-series rules a block lives as long as the longest-lived class keeps anything in it.
        java.time.Duration blockRetention = java.time.Duration.ofMillis(
                t.seriesRetention.policy().blockRetentionMillis(o.retention().toMillis()));
        // Time retention over raw blocks (companions have their resolution's); size over both below.
        Retention.Decision decision = Retention.decide(current.stream().map(Block::meta).toList(),
                current.stream().map(Block::sizeBytes).toList(), newest, blockRetention, 0, 0);
        List<Block> sized = new ArrayList<>();
        for (Block b : current) {
            if (!decision.byTime().contains(b.meta().ulid())) {
                sized.add(b);
            }
        }
        sized.addAll(companions);
        List<String> bySize = Retention.bySize(sized.stream().map(Block::meta).toList(), sized.stream().map(Block::sizeBytes).toList(),
                o.retentionBytes(), walBytes(t));
        if (decision.byTime().isEmpty() && bySize.isEmpty()) {
            t.seriesRetention.apply(t, newest);
            return;
        }
        t.metrics.retentionTimeDeletions.add(decision.byTime().size());
        t.metrics.retentionSizeDeletions.add(bySize.size());
        List<String> ids = new ArrayList<>(decision.byTime());
        ids.addAll(bySize);
        List<Block> drop = current.stream().filter(b -> ids.contains(b.meta().ulid())).toList();
        List<Block> dropCompanions = companions.stream().filter(b -> ids.contains(b.meta().ulid())).toList();
        List<Block> next = new ArrayList<>(current);
        next.removeAll(drop);
        t.blocks = List.copyOf(next);
        List<Block> nextCompanions = new ArrayList<>(companions);
        nextCompanions.removeAll(dropCompanions);
        t.downsampledBlocks = List.copyOf(nextCompanions);
        for (Block b : drop) {
            Tsdb.LOG.info("retention: deleting block " + b.meta().ulid());
            b.close();
            Fsync.deleteBlock(b.dir());
        }
        for (Block b : dropCompanions) {
            Tsdb.LOG.info("size retention: deleting " + b.meta().resolution() + " ms companion " + b.meta().ulid());
            b.close();
            Fsync.deleteRecursively(b.dir());
        }
        t.seriesRetention.apply(t, newest);
    }

    static long walBytes(Tsdb t) {
        return t.wal == null ? 0 : Fsync.sizeOf(t.wal.dir());
    }
}
