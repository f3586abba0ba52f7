package io.promethium.tsdb;

import static java.util.Objects.requireNonNull;

import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.Storage;
import io.promethium.api.storage.StorageAdmin;
import io.promethium.api.storage.StorageException;
import io.promethium.api.storage.StorageStats;
import io.promethium.api.storage.StorageException.Reason;
import io.promethium.tsdb.internal.block.Block;
import io.promethium.tsdb.internal.block.CompactionPlanner;
import io.promethium.tsdb.internal.block.Compactor;
import io.promethium.tsdb.internal.fs.FaultPause;
import io.promethium.tsdb.internal.fs.FileOpener;
import io.promethium.tsdb.internal.head.Head;
import io.promethium.tsdb.internal.head.HeadReplay;
import io.promethium.tsdb.internal.metrics.TsdbMetrics;
import io.promethium.tsdb.internal.wal.PeriodicSync;
import io.promethium.tsdb.internal.wal.Wal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The embedded time-series database: a WAL-backed in-memory head plus immutable blocks on disk,
 * served as one {@link Storage}. Thread-safe. Open with {@link #open}, close to flush the WAL.
 *
 * <p>Background work (when {@link TsdbOptions#compactionInterval()} is set): cut the head into a
 * block once it spans 1.5 block durations (after {@link TsdbOptions#compactionDelay()}), merge
 * blocks into larger ones, apply retention; every {@link TsdbOptions#blockReloadInterval()}, serve
 * the blocks put into the data folder by hand and drop those removed from it.
 *
 * <p>This class holds the database's state and its public face; the work lives by concern:
 * {@link TsdbDirectoryLock} and {@link TsdbBlockLoader} open the data folder,
 * {@link TsdbQuerying} assembles queriers, {@link TsdbAdministration} deletes, cleans tombstones
 * and snapshots, {@link TsdbStatus} reports, {@link TsdbCompaction}, {@link TsdbSeriesRetention}
 * and {@link TsdbDownsampling} keep the data on disk in shape.
 */
public final class Tsdb implements Storage, TsdbAdmin, StorageAdmin, io.promethium.api.storage.MetadataQueryable, AutoCloseable {
    static final Logger LOG = Logger.getLogger(Tsdb.class.getName());
    /** How long close waits for the appenders given out (a scrape takes milliseconds from its appender to its commit). */
    private static final Duration APPENDERS_ON_CLOSE = Duration.ofSeconds(2);
    /** Without fsync per commit, how often the WAL is fsynced in the background (power-loss exposure). */
    public static final Duration WAL_SYNC_INTERVAL = Duration.ofSeconds(1);

    final Path dir;
    final FileOpener opener;
    /** Wraps {@link #opener}: holds renames when a fault test asks ({@link #pauseBeforeRenames}). */
    private final FaultPause faultPause;
    final TsdbMetrics metrics = new TsdbMetrics();
    final Head head;
    final Compactor compactor;
    final CompactionPlanner planner;
    final Object compactionLock = new Object();
    /** Blocks set aside at open (this start's and earlier ones' folders). */
    final List<StorageStats.CorruptBlock> corruptBlocks = new CopyOnWriteArrayList<>();
    /** The data folder's lock file, held while open; null when {@link TsdbOptions#lockFile()} is off. */
    private final TsdbDirectoryLock lock;
    final Wal wal;
    private final PeriodicSync walSync;
    private final ScheduledExecutorService background;
    final long blockDuration;
    volatile TsdbOptions options;
    volatile List<Block> blocks = List.of();
    /**
     * Downsampled companions (a resolution in meta.json): kept out of raw queries, compaction and
     * raw retention; written by the downsampling pass, deleted by its own retention, read by
     * selects whose hints allow a resolution ({@code DownsampledSelect}).
     */
    volatile List<Block> downsampledBlocks = List.of();
    /** {@code storage.tsdb.downsampling.resolutions}, in increasing resolution; empty: off. */
    volatile List<DownsamplingLevel> downsampling = List.of();
    volatile boolean closed;
    /**
     * When the head was first found ready to cut while the compaction delay held the cut back
     * ({@link System#nanoTime()}), or null: as Prometheus's {@code timeWhenCompactionDelayStarted}.
     * Guarded by {@link #compactionLock}.
     */
    Long compactionDelayStarted;
    /** Block folders a reload found that did not open, each logged once ({@link TsdbBlockLoader#reload}); guarded by {@link #compactionLock}. */
    final java.util.Set<String> unopenedBlocks = new java.util.HashSet<>();
    final TsdbSeriesRetention seriesRetention = new TsdbSeriesRetention();

    /** The WAL replay's segments (all 0 with the WAL off). */
    private final ReplayProgress replayProgress;

    private Tsdb(TsdbOptions options, FileOpener opener, ReplayProgress replayProgress) throws IOException {
        this.options = options;
        this.replayProgress = replayProgress;
        this.faultPause = new FaultPause(opener);
        this.opener = faultPause;
        this.dir = options.path();
        this.blockDuration = options.blockDuration().toMillis();
        Files.createDirectories(dir);
        lock = options.lockFile() ? TsdbDirectoryLock.acquire(dir) : null;
        this.head = new Head(metrics, options.outOfOrderWindow().toMillis(), options.samplesPerChunk());
        this.compactor = new Compactor(faultPause, options.samplesPerChunk(), options.maxChunkFileBytes());
        this.planner = new CompactionPlanner(blockDuration, options.maxBlockDuration().toMillis());
        Wal opened = null;
        try {
            TsdbBlockLoader loader = new TsdbBlockLoader(dir, metrics);
            loader.removeTemporaries();
            TsdbBlockLoader.Loaded loaded = loader.load();
            blocks = loaded.blocks();
            downsampledBlocks = loaded.downsampled();
            corruptBlocks.addAll(loaded.setAside());
            head.setPersistedBefore(maxBlockTime());
            if (options.walEnabled()) {
                Path walDir = dir.resolve("wal");
                int next = replayWal(walDir);
                replayProgress.finished(next);
                opened = new Wal(walDir, faultPause, metrics, options.walSegmentBytes(), options.walSyncOnCommit(), next,
                        options.walCompression());
                head.setWal(opened);
            }
        } catch (IOException | RuntimeException e) {
            release();
            throw e;
        }
        this.wal = opened;
        this.walSync = opened != null && !options.walSyncOnCommit() ? new PeriodicSync(opened, WAL_SYNC_INTERVAL) : null;
        if (!options.compactionInterval().isZero()) {
            background = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "tsdb-compaction " + dir);
                t.setDaemon(true);
                return t;
            });
            long every = options.compactionInterval().toMillis();
            background.scheduleWithFixedDelay(() -> TsdbCompaction.compactQuietly(this), every, every, TimeUnit.MILLISECONDS);
            if (!options.blockReloadInterval().isZero()) {
                long reload = options.blockReloadInterval().toMillis();
                background.scheduleWithFixedDelay(() -> TsdbBlockLoader.reloadQuietly(this), reload, reload, TimeUnit.MILLISECONDS);
            }
            head.onCompactable(blockDuration * 3 / 2, this::compactSoon);
            // The head's series in label order whenever many are new (the replayed ones at once, off
            // the way to ready): sorted selects then order them by rank (and the next cut starts
            // from this order) instead of waiting for a cut, which default 2-hour blocks put hours away.
            long rank = LABEL_RANK_CHECK.toMillis();
            background.scheduleWithFixedDelay(this::rankQuietly, 0, rank, TimeUnit.MILLISECONDS);
        } else {
            background = null;
        }
    }

    /** How often the background thread looks whether many head series are new since the last ranking. */
    static final Duration LABEL_RANK_CHECK = Duration.ofSeconds(10);

    /** {@link Head#rankIfManyNew}; a failure is logged and the next check tries again (selects sort meanwhile). */
    private void rankQuietly() {
        try {
            head.rankIfManyNew();
        } catch (RuntimeException e) {
            LOG.log(java.util.logging.Level.WARNING, "Could not order the head series by labels; selects sort them", e);
        }
    }

    /** A compaction queued or running on a commit's signal (one at a time, as Prometheus's compactc). */
    private final AtomicBoolean compactionQueued = new AtomicBoolean();
    /**
     * After a commit-triggered compaction that failed or left the head compactable, commits stop
     * triggering until this nanoTime; the periodic pass keeps trying meanwhile.
     */
    private volatile long commitTriggerQuietUntil;
    private volatile boolean commitTriggerQuiet;

    /**
     * Queues a compaction on the background thread, from the commit that made the head span
     * more than 1.5 block durations (see {@link Head#onCompactable}); never blocks the committer.
     */
    private void compactSoon() {
        if (closed || commitTriggerQuiet && System.nanoTime() - commitTriggerQuietUntil < 0
                || !compactionQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            background.execute(() -> {
                try {
                    boolean ok = TsdbCompaction.compactQuietly(this);
                    if (!ok || head.compactable()) {
                        commitTriggerQuietUntil = System.nanoTime() + options.compactionInterval().toNanos();
                        commitTriggerQuiet = true;
                    } else {
                        commitTriggerQuiet = false;
                    }
                } finally {
                    // Cleared after the run: commits while it cuts the head queue no second pass.
                    compactionQueued.set(false);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            compactionQueued.set(false); // closing
        }
    }

    /** Waits until the background thread has run what was queued before this call (tests). */
    void awaitBackground() throws InterruptedException {
        if (background == null) {
            return;
        }
        try {
            background.submit(() -> { }).get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("background thread did not get to a no-op: " + e, e);
        }
    }

    /** Opens (creating if needed) the database in {@code options.path()}, replaying its WAL. */
    public static Tsdb open(TsdbOptions options) {
        return open(options, new ReplayProgress());
    }

    /**
     * As {@link #open(TsdbOptions)}, reporting the WAL replay's segments in {@code replayProgress}
     * while it runs (a progress object fresh or left by an earlier open: this open's replay rewrites it).
     */
    public static Tsdb open(TsdbOptions options, ReplayProgress replayProgress) {
        return open(options, FileOpener.DEFAULT, replayProgress);
    }

    /** As {@link #open(TsdbOptions)}, writing WAL and chunk files through {@code opener} (fault injection). */
    static Tsdb open(TsdbOptions options, FileOpener opener) {
        return open(options, opener, new ReplayProgress());
    }

    private static Tsdb open(TsdbOptions options, FileOpener opener, ReplayProgress replayProgress) {
        requireNonNull(options, "options is null");
        try {
            return new Tsdb(options, requireNonNull(opener, "opener is null"), requireNonNull(replayProgress, "replayProgress is null"));
        } catch (IOException e) {
            throw new StorageException(Reason.IO, "cannot open TSDB in " + options.path() + ": " + e.getMessage(), e);
        }
    }

    /** Suffix of a block folder set aside because it could not be opened; never loaded again. */
    public static final String CORRUPTED_SUFFIX = ".corrupted";

    long maxBlockTime() {
        long max = Long.MIN_VALUE;
        for (Block b : blocks) {
            max = Math.max(max, b.meta().maxTime());
        }
        return max;
    }

    /**
     * Replays the WAL into the head: reading, decoding and applying overlap, and samples are
     * applied by one thread per core, each series on one of them ({@link HeadReplay}).
     */
    private int replayWal(Path walDir) throws IOException {
        // As Prometheus logs its replay: a long start names what it waits for.
        LOG.info(() -> "Replaying WAL " + walDir + ", this may take a while");
        long t0 = System.nanoTime();
        int next = HeadReplay.replay(head, walDir, metrics, replayProgress.writer());
        long nanos = System.nanoTime() - t0;
        LOG.info(() -> String.format(java.util.Locale.ROOT, "WAL replay completed in %.3f s: %d series in the head", nanos / 1e9,
                head.numSeries()));
        return next;
    }

    /** The exemplars kept (the head's circular buffer) in {@code [start, end]} of series matching any matcher set. */
    public List<io.promethium.api.storage.ExemplarQueryable.SeriesExemplars> selectExemplars(long start, long end,
            List<List<Matcher>> matcherSets) {
        if (closed) {
            throw new StorageException(Reason.CLOSED, "TSDB " + dir + " is closed");
        }
        return head.exemplars().select(start, end, matcherSets);
    }

    /** The head's series that match every matcher and have metadata, in label order (the metadata APIs). */
    @Override
    public List<io.promethium.api.storage.MetadataQueryable.SeriesMetadata> selectMetadata(List<Matcher> matchers) {
        if (closed) {
            throw new StorageException(Reason.CLOSED, "TSDB " + dir + " is closed");
        }
        return TsdbQuerying.selectMetadata(head, matchers);
    }

    /** Series metadata kept per series in the head, by metric name: each distinct metadata once. */
    public java.util.Map<String, List<io.promethium.api.model.Metadata>> seriesMetadata() {
        return TsdbQuerying.seriesMetadata(head);
    }

    // ---- Storage ----

    @Override
    public Appender appender() {
        if (closed) {
            throw new StorageException(Reason.CLOSED, "TSDB " + dir + " is closed");
        }
        return head.appender();
    }

    @Override
    public Querier querier(long minTime, long maxTime) {
        if (closed) {
            throw new StorageException(Reason.CLOSED, "TSDB " + dir + " is closed");
        }
        return TsdbQuerying.querier(this, minTime, maxTime);
    }

    /**
     * Sets the per-series retention rules ({@code storage.tsdb.retention_rules}), replacing the
     * previous ones: a series is kept for the retention of the first rule its labels match, one
     * matching none for the global retention. Queries hide what a series' rule no longer keeps
     * from now on; the next retention pass removes it from disk. An empty list restores plain
     * retention.
     */
    public void setRetentionRules(List<RetentionRule> rules) {
        synchronized (compactionLock) {
            seriesRetention.setPolicy(new io.promethium.tsdb.internal.retention.RetentionPolicy(rules));
        }
    }

    /**
     * Sets the downsampling levels ({@code storage.tsdb.downsampling.resolutions}), replacing the
     * previous ones: each compaction then runs the downsampling pass and deletes companions past
     * their level's retention. An empty list turns the pass off; companions already on disk stay
     * (deleted with the raw retention when no level names their resolution) and serve no query.
     *
     * @throws IllegalArgumentException unless each resolution is larger than and a multiple of the one before
     */
    public void setDownsampling(List<DownsamplingLevel> levels) {
        long below = 0;
        for (DownsamplingLevel l : levels) {
            long r = l.resolution().toMillis();
            if (r <= below || (below > 0 && r % below != 0)) {
                throw new IllegalArgumentException("downsampling resolution " + r + " ms after " + below
                        + " ms: each must be larger than and a multiple of the one before");
            }
            below = r;
        }
        downsampling = List.copyOf(levels);
    }

    /** The downsampling levels in force, in increasing resolution; empty when off. */
    public List<DownsamplingLevel> downsampling() {
        return downsampling;
    }

    /** The per-series retention rules in force, in order. */
    public List<RetentionRule> retentionRules() {
        return seriesRetention.policy().rules();
    }

    /**
     * Series and bytes per retention rule, then one entry for the series matching none (selector
     * {@code ""}, the global retention). Series are the head's; bytes are the head's chunk bytes
     * plus each block's chunk files shared out among its series by chunk count (an estimate).
     */
    public List<RuleUsage> retentionUsage() {
        return TsdbStatus.retentionUsage(this);
    }

    /**
     * One line of {@link #retentionUsage()}.
     *
     * @param selector the rule's selector; {@code ""} for series matching no rule
     * @param retention the rule's retention, or the global one (zero: forever)
     * @param headSeries the head's series in this class
     * @param blockSeries the blocks' series in this class, summed over blocks
     * @param bytes estimated bytes of this class's chunks, head and blocks
     */
    public record RuleUsage(String selector, Duration retention, long headSeries, long blockSeries, long bytes) {
    }

    /** The WAL as the api's followable log, or {@code null} when the WAL is off. */
    public io.promethium.api.storage.WalWatchable walWatchable() {
        // samplesAppended counts histogram samples too.
        return wal == null ? null : new io.promethium.tsdb.internal.wal.WalTail(wal, () -> new io.promethium.api.storage.AppendTotals(
                head.maxTime(), metrics.samplesAppended.sum() + head.exemplars().appended()));
    }

    @Override
    public long startTime() {
        long min = head.minTime();
        for (Block b : blocks) {
            min = Math.min(min, b.meta().minTime());
        }
        return min;
    }

    // ---- Administration ----

    /**
     * Marks samples of matching series in {@code [mint, maxt]} deleted (tombstones in blocks and
     * downsampled companions, and in the head and its WAL). Space is reclaimed by compaction or {@link #cleanTombstones()}.
     */
    @Override
    public void delete(List<Matcher> matchers, long mint, long maxt) {
        TsdbAdministration.delete(this, matchers, mint, maxt);
    }

    /**
     * Rewrites every block that has tombstones without the deleted samples, and every downsampled
     * companion that has some without the windows they touch.
     */
    @Override
    public void cleanTombstones() {
        TsdbAdministration.cleanTombstones(this);
    }

    /**
     * Writes a consistent copy of the blocks and downsampled companions (hard links where the file system allows) and, with
     * {@code withHead}, the head's data as one more block, into {@code target}.
     */
    @Override
    public void snapshot(Path target, boolean withHead) {
        TsdbAdministration.snapshot(this, target, withHead);
    }

    /** Cardinality of the head, as the status API shows it. */
    @Override
    public HeadStats headStats() {
        return TsdbStatus.headStats(head);
    }

    /** {@link #headStats()} in the api's terms, for the HTTP API's {@code /api/v1/status/tsdb}. */
    @Override
    public StorageStats stats() {
        return TsdbStatus.stats(this);
    }

    /**
     * Blocks on disk per resolution when downsampling is configured or companions are on disk
     * (else empty): raw data, then each configured resolution and any other one companions
     * are left at, finest first.
     */
    public List<ResolutionUsage> resolutionUsage() {
        return TsdbStatus.resolutionUsage(this);
    }

    /**
     * One line of {@link #resolutionUsage()}.
     *
     * @param resolution zero for raw data
     * @param blocks healthy blocks of this resolution
     * @param bytes their bytes on disk
     * @param minTime the oldest one's start, {@code Long.MAX_VALUE} when none
     * @param maxTime the newest one's end, {@code Long.MIN_VALUE} when none
     * @param retention how long they are kept (zero: forever)
     * @param nativeHistograms whether they hold native histograms (companions too: series holding only
     *     histograms of addable layouts; histograms mixed with floats are left out of them)
     */
    public record ResolutionUsage(Duration resolution, long blocks, long bytes, long minTime, long maxTime, Duration retention,
            boolean nativeHistograms) {
    }

    /**
     * Applies the options that may change while open: out-of-order window and retention. Path,
     * block duration and WAL settings need a reopen.
     */
    public void applyOptions(TsdbOptions next) {
        TsdbOptions current = options;
        if (!next.path().equals(current.path()) || !next.blockDuration().equals(current.blockDuration())) {
            throw new IllegalArgumentException("path and blockDuration cannot change while open");
        }
        options = next;
        head.setOutOfOrderWindow(next.outOfOrderWindow().toMillis());
    }

    public TsdbOptions options() {
        return options;
    }

    /**
     * Fault testing only ({@code --storage.tsdb.fault.pause-before-rename}): from now on, each
     * fully written block ({@code blocks}) and WAL checkpoint ({@code checkpoints}) waits minutes
     * before the rename that puts it in place, after logging a warning naming its folder, so a
     * test can kill the process exactly there. {@link #close()} ends any wait.
     */
    public void pauseBeforeRenames(boolean blocks, boolean checkpoints) {
        java.util.EnumSet<FileOpener.Written> what = java.util.EnumSet.noneOf(FileOpener.Written.class);
        if (blocks) {
            what.add(FileOpener.Written.BLOCK);
        }
        if (checkpoints) {
            what.add(FileOpener.Written.CHECKPOINT);
        }
        faultPause.pause(what);
    }

    /** Sizes the exemplar buffer ({@code storage.exemplars.max_exemplars}; 0 keeps none), keeping the newest that fit. */
    public void setMaxExemplars(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max_exemplars must not be negative: " + max);
        }
        head.exemplars().resize(max);
    }

    /**
     * Cuts the head into blocks while it spans more than 1.5 block durations, merges blocks,
     * applies retention. Runs in the background when configured; safe to call any time.
     */
    public void compact() {
        TsdbCompaction.compact(this);
    }

    /** Persists the whole head as blocks now (shutdown or tooling), leaving it empty. */
    public void flushHead() {
        TsdbCompaction.flushHead(this);
    }

    // ---- Introspection (self-metrics, tooling, tests) ----

    /** Blocks currently served, oldest first. */
    public List<BlockInfo> blocks() {
        return TsdbStatus.blocks(blocks);
    }

    /**
     * The loaded blocks' meta.json, for {@code /api/v1/status/tsdb/blocks}: the raw blocks oldest
     * first (Prometheus's list), then the downsampled companions, finest resolution first, each
     * oldest first. Blocks a read found corrupt are listed while loaded ({@link #stats()} names them).
     */
    @Override
    public List<io.promethium.api.storage.StoredBlock> blockMetas() {
        return TsdbStatus.blockMetas(this);
    }

    /** Where the WAL replay of this database's open stands; over once {@link #open} has returned. */
    public io.promethium.api.storage.WalReplayProgress.Segments walReplay() {
        return replayProgress.segments();
    }

    /** Blocks that could not be opened, each as "ulid: reason". */
    public List<String> corruptBlocks() {
        return corruptBlocks.stream().map(c -> c.block() + ": " + c.reason()).toList();
    }

    /** A block as listed by {@link #blocks()}; {@code corruption} is null for a healthy block. */
    public record BlockInfo(String ulid, long minTime, long maxTime, long numSamples, long numSeries, long numChunks, int level,
            long sizeBytes, String corruption) {
    }

    /** Bytes of compressed chunk data held in the head (for memory accounting: heap minus this is overhead). */
    public long headChunkBytes() {
        return TsdbStatus.headChunkBytes(head);
    }

    TsdbMetrics metrics() {
        return metrics;
    }

    Head head() {
        return head;
    }

    /** The self-metrics collector for this database (Prometheus's names). */
    public io.promethium.api.collect.Collector collector() {
        return new io.promethium.tsdb.internal.metrics.TsdbCollector(metrics, new TsdbStatus.CollectorGauges(this));
    }

    /** Stops background work, flushes and closes the WAL, releases blocks and the directory lock. */
    @Override
    public void close() {
        // A rename held for a fault test holds the compaction lock: let it go first.
        faultPause.release();
        synchronized (compactionLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            int open = head.closeAppenders(APPENDERS_ON_CLOSE);
            if (open > 0) {
                LOG.warning(() -> "closing TSDB " + dir + " with " + open + " appenders neither committed nor rolled back after "
                        + APPENDERS_ON_CLOSE.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (background != null) {
            // No interrupt: a compaction or checkpoint interrupted inside FileChannel I/O would
            // close the channel it writes (the WAL's among them) and fail the close below.
            background.shutdown();
            try {
                background.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (walSync != null) {
            walSync.close();
        }
        IOException failure = null;
        if (wal != null) {
            try {
                wal.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        for (Block b : blocks) {
            b.close();
        }
        for (Block b : downsampledBlocks) {
            b.close();
        }
        release();
        if (failure != null) {
            throw new StorageException(Reason.IO, "closing the WAL of " + dir + ": " + failure.getMessage(), failure);
        }
    }

    private void release() {
        if (lock != null) {
            lock.release();
        }
    }

    @Override
    public String toString() {
        return "Tsdb[" + dir + "]";
    }
}
