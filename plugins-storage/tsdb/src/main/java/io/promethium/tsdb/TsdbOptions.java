package io.promethium.tsdb;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a {@link Tsdb} is set up. Defaults follow Prometheus: 15 days retention, no size limit,
 * 2 h blocks, out-of-order samples rejected.
 *
 * @param path the data directory (blocks, {@code wal/})
 * @param retention blocks wholly older than this behind the newest data are deleted; zero = keep forever
 * @param retentionBytes the blocks' and WAL's total size limit, oldest blocks deleted first; 0 = off
 * @param outOfOrderWindow how far behind a series' newest sample a sample may still be accepted; zero = reject
 * @param blockDuration the head is cut into blocks of this span
 * @param walEnabled whether commits go through the WAL (off only for throwaway data, e.g. backfill)
 * @param walSyncOnCommit whether a commit waits for fsync (concurrent commits share one); when
 *     false (the default, as Prometheus) a commit is written to the OS (surviving a process crash),
 *     and the WAL is fsynced every {@link Tsdb#WAL_SYNC_INTERVAL}, on segment roll and at close
 * @param walSegmentBytes WAL segment size
 * @param compactionInterval how often the background checks for head cuts, compaction and
 *     retention; zero = no background thread (call {@link Tsdb#compact()} yourself)
 * @param maxBlockDuration the largest block compaction builds; zero = a tenth of the retention,
 *     31 d at most (Prometheus's default)
 * @param lockFile whether the data directory is locked against a second process (off only for
 *     file systems without locks, as Prometheus's {@code --storage.tsdb.no-lockfile})
 * @param walCompression how new WAL records are compressed (snappy by default, as Prometheus);
 *     a WAL written with another setting or none still replays
 * @param samplesPerChunk how many float samples a chunk holds before the next is cut, in the head
 *     and in the blocks it is compacted into (Prometheus's {@code --storage.tsdb.samples-per-chunk})
 * @param compactionDelay how long the head stays uncut once it could be cut (Prometheus's
 *     {@code delayed-compaction} feature: a random share of the block duration, so that servers
 *     started together do not all compact at once); zero = cut at once
 * @param maxChunkFileBytes the largest chunk file ({@code chunks/000001}...) a block written here
 *     gets (Prometheus's {@code --storage.tsdb.max-block-chunk-segment-size}); from 1 MiB to under
 *     2 GiB, the most a chunk file's memory mapping (one {@code MappedByteBuffer}) holds
 * @param blockReloadInterval how often the data folder is checked for blocks put there or removed
 *     by hand (a backfill) while the database runs (Prometheus's
 *     {@code --storage.tsdb.block-reload-interval}); zero = never (only with the background work)
 */
public record TsdbOptions(Path path, Duration retention, long retentionBytes, Duration outOfOrderWindow, Duration blockDuration,
        boolean walEnabled, boolean walSyncOnCommit, long walSegmentBytes, Duration compactionInterval,
        Duration maxBlockDuration, boolean lockFile, WalCompression walCompression, int samplesPerChunk,
        Duration compactionDelay, long maxChunkFileBytes, Duration blockReloadInterval) {

    public static final Duration DEFAULT_RETENTION = Duration.ofDays(15);
    public static final Duration DEFAULT_BLOCK_DURATION = Duration.ofHours(2);
    public static final long DEFAULT_WAL_SEGMENT_BYTES = 128L << 20;
    public static final int DEFAULT_SAMPLES_PER_CHUNK = 120;
    /** Prometheus's chunk segment size of a block: 512 MiB. */
    public static final long DEFAULT_MAX_CHUNK_FILE_BYTES = 512L << 20;
    public static final Duration DEFAULT_BLOCK_RELOAD_INTERVAL = Duration.ofMinutes(1);

    public TsdbOptions {
        requireNonNull(path, "path is null");
        requireNonNull(retention, "retention is null");
        requireNonNull(outOfOrderWindow, "outOfOrderWindow is null");
        requireNonNull(blockDuration, "blockDuration is null");
        requireNonNull(compactionInterval, "compactionInterval is null");
        requireNonNull(maxBlockDuration, "maxBlockDuration is null");
        requireNonNull(walCompression, "walCompression is null");
        requireNonNull(compactionDelay, "compactionDelay is null");
        requireNonNull(blockReloadInterval, "blockReloadInterval is null");
        if (compactionDelay.isNegative() || blockReloadInterval.isNegative()) {
            throw new IllegalArgumentException("compactionDelay and blockReloadInterval must not be negative");
        }
        if (maxChunkFileBytes < 1L << 20 || maxChunkFileBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxChunkFileBytes must be at least 1MiB and less than 2GiB: " + maxChunkFileBytes);
        }
        if (!maxBlockDuration.isZero() && maxBlockDuration.compareTo(blockDuration) < 0) {
            throw new IllegalArgumentException("maxBlockDuration " + maxBlockDuration + " is below the block duration " + blockDuration);
        }
        if (retention.isNegative() || outOfOrderWindow.isNegative() || compactionInterval.isNegative()) {
            throw new IllegalArgumentException("retention, outOfOrderWindow and compactionInterval must not be negative");
        }
        if (blockDuration.toMillis() < 1000) {
            throw new IllegalArgumentException("blockDuration must be at least 1s, got " + blockDuration);
        }
        if (retentionBytes < 0) {
            throw new IllegalArgumentException("retentionBytes must not be negative: " + retentionBytes);
        }
        if (samplesPerChunk < 1) {
            throw new IllegalArgumentException("samplesPerChunk must be at least 1: " + samplesPerChunk);
        }
        if (walSegmentBytes < 64 << 10) {
            throw new IllegalArgumentException("walSegmentBytes must be at least 64KiB: " + walSegmentBytes);
        }
    }

    /** Prometheus's defaults for a data directory. */
    public static TsdbOptions defaults(Path path) {
        return new TsdbOptions(path, DEFAULT_RETENTION, 0, Duration.ZERO, DEFAULT_BLOCK_DURATION, true, false,
                DEFAULT_WAL_SEGMENT_BYTES, Duration.ofMinutes(1), Duration.ZERO, true, WalCompression.SNAPPY,
                DEFAULT_SAMPLES_PER_CHUNK, Duration.ZERO, DEFAULT_MAX_CHUNK_FILE_BYTES, DEFAULT_BLOCK_RELOAD_INTERVAL);
    }

    public TsdbOptions withRetention(Duration value) {
        return new TsdbOptions(path, value, retentionBytes, outOfOrderWindow, blockDuration, walEnabled, walSyncOnCommit,
                walSegmentBytes, compactionInterval, maxBlockDuration, lockFile, walCompression, samplesPerChunk,
                compactionDelay, maxChunkFileBytes, blockReloadInterval);
    }

    public TsdbOptions withRetentionBytes(long value) {
        return new TsdbOptions(path, retention, value, outOfOrderWindow, blockDuration, walEnabled, walSyncOnCommit,
                walSegmentBytes, compactionInterval, maxBlockDuration, lockFile, walCompression, samplesPerChunk,
                compactionDelay, maxChunkFileBytes, blockReloadInterval);
    }

    public TsdbOptions withOutOfOrderWindow(Duration value) {
        return new TsdbOptions(path, retention, retentionBytes, value, blockDuration, walEnabled, walSyncOnCommit,
                walSegmentBytes, compactionInterval, maxBlockDuration, lockFile, walCompression, samplesPerChunk,
                compactionDelay, maxChunkFileBytes, blockReloadInterval);
    }

    public TsdbOptions withBlockDuration(Duration value) {
        return new TsdbOptions(path, retention, retentionBytes, outOfOrderWindow, value, walEnabled, walSyncOnCommit,
                walSegmentBytes, compactionInterval, maxBlockDuration, lockFile, walCompression, samplesPerChunk,
                compactionDelay, maxChunkFileBytes, blockReloadInterval);
    }

    public TsdbOptions withWal(boolean enabled, boolean syncOnCommit) {
        return new TsdbOptions(path, retention, retentionBytes, outOfOrderWindow, blockDuration, enabled, syncOnCommit,
                walSegmentBytes, compactionInterval, maxBlockDuration, lockFile, walCompression, samplesPerChunk,
                compactionDelay, maxChunkFileBytes, blockReloadInterval);
    }

    public TsdbOptions withWalSegmentBytes(long value) {
        return new TsdbOptions(path, retention, retentionBytes, outOfOrderWindow, blockDuration, walEnabled, walSyncOnCommit,
                value, compactionInterval, maxBlockDuration, lockFile, walCompression, samplesPerChunk, compactionDelay,
                maxChunkFileBytes, blockReloadInterval);
    }

    public TsdbOptions withCompactionInterval(Duration value) {
        return new TsdbOptions(path, retention, retentionBytes, outOfOrderWindow, blockDuration, walEnabled, walSyncOnCommit,
                walSegmentBytes, value, maxBlockDuration, lockFile, walCompression, samplesPerChunk, compactionDelay,
                maxChunkFileBytes, blockReloadInterval);
    }

    public TsdbOptions withMaxBlockDuration(Duration value) {
        return new TsdbOptions(path, retention, retentionBytes, outOfOrderWindow, blockDuration, walEnabled, walSyncOnCommit,
                walSegmentBytes, compactionInterval, value, lockFile, walCompression, samplesPerChunk, compactionDelay,
                maxChunkFileBytes, blockReloadInterval);
    }

    public TsdbOptions withLockFile(boolean value) {
        return new TsdbOptions(path, retention, retentionBytes, outOfOrderWindow, blockDuration, walEnabled, walSyncOnCommit,
                walSegmentBytes, compactionInterval, maxBlockDuration, value, walCompression, samplesPerChunk, compactionDelay,
                maxChunkFileBytes, blockReloadInterval);
    }

    public TsdbOptions withSamplesPerChunk(int value) {
        return new TsdbOptions(path, retention, retentionBytes, outOfOrderWindow, blockDuration, walEnabled, walSyncOnCommit,
                walSegmentBytes, compactionInterval, maxBlockDuration, lockFile, walCompression, value, compactionDelay,
                maxChunkFileBytes, blockReloadInterval);
    }

    public TsdbOptions withWalCompression(WalCompression value) {
        return new TsdbOptions(path, retention, retentionBytes, outOfOrderWindow, blockDuration, walEnabled, walSyncOnCommit,
                walSegmentBytes, compactionInterval, maxBlockDuration, lockFile, value, samplesPerChunk, compactionDelay,
                maxChunkFileBytes, blockReloadInterval);
    }

    public TsdbOptions withCompactionDelay(Duration value) {
        return new TsdbOptions(path, retention, retentionBytes, outOfOrderWindow, blockDuration, walEnabled, walSyncOnCommit,
                walSegmentBytes, compactionInterval, maxBlockDuration, lockFile, walCompression, samplesPerChunk, value,
                maxChunkFileBytes, blockReloadInterval);
    }

    public TsdbOptions withMaxChunkFileBytes(long value) {
        return new TsdbOptions(path, retention, retentionBytes, outOfOrderWindow, blockDuration, walEnabled, walSyncOnCommit,
                walSegmentBytes, compactionInterval, maxBlockDuration, lockFile, walCompression, samplesPerChunk, compactionDelay,
                value, blockReloadInterval);
    }

    public TsdbOptions withBlockReloadInterval(Duration value) {
        return new TsdbOptions(path, retention, retentionBytes, outOfOrderWindow, blockDuration, walEnabled, walSyncOnCommit,
                walSegmentBytes, compactionInterval, maxBlockDuration, lockFile, walCompression, samplesPerChunk, compactionDelay,
                maxChunkFileBytes, value);
    }

    /**
     * A compaction delay as Prometheus's {@code delayed-compaction} feature draws it: uniformly
     * in {@code [0, blockDuration * maxPercent / 100)}.
     *
     * @param maxPercent 1 to 100 ({@code --storage.tsdb.delayed-compaction.max-percent})
     */
    public static Duration randomCompactionDelay(Duration blockDuration, int maxPercent, java.util.random.RandomGenerator random) {
        if (maxPercent < 1 || maxPercent > 100) {
            throw new IllegalArgumentException("maxPercent must be between 1 and 100: " + maxPercent);
        }
        long bound = blockDuration.toMillis() * maxPercent / 100;
        return bound <= 0 ? Duration.ZERO : Duration.ofMillis(random.nextLong(bound));
    }
}
