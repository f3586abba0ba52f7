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
 */
public record TsdbOptions(Path path, Duration retention, long retentionBytes, Duration outOfOrderWindow, Duration blockDuration,
        boolean walEnabled, boolean walSyncOnCommit, long walSegmentBytes, Duration compactionInterval,
        Duration maxBlockDuration, boolean lockFile, WalCompression walCompression, int samplesPerChunk) {

    public static final Duration DEFAULT_RETENTION = Duration.ofDays(15);
    public static final Duration DEFAULT_BLOCK_DURATION = Duration.ofHours(2);
    public static final long DEFAULT_WAL_SEGMENT_BYTES = 128L << 20;
    public static final int DEFAULT_SAMPLES_PER_CHUNK = 120;

    public TsdbOptions {
        requireNonNull(path, "path is null");
        requireNonNull(retention, "retention is null");
        requireNonNull(outOfOrderWindow, "outOfOrderWindow is null");
        requireNonNull(blockDuration, "blockDuration is null");
        requireNonNull(compactionInterval, "compactionInterval is null");
        requireNonNull(maxBlockDuration, "maxBlockDuration is null");
        requireNonNull(walCompression, "walCompression is null");
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
                DEFAULT_SAMPLES_PER_CHUNK);
    }

    public TsdbOptions withRetention(Duration value) {
        return new TsdbOptions(path, value, retentionBytes, outOfOrderWindow, blockDuration, walEnabled, walSyncOnCommit,
                walSegmentBytes, compactionInterval, maxBlockDuration, lockFile, walCompression, samplesPerChunk);
    }

    public TsdbOptions withRetentionBytes(long value) {
        return new TsdbOptions(path, retention, value, outOfOrderWindow, blockDuration, walEnabled, walSyncOnCommit,
                walSegmentBytes, compactionInterval, maxBlockDuration, lockFile, walCompression, samplesPerChunk);
    }

    public TsdbOptions withOutOfOrderWindow(Duration value) {
        return new TsdbOptions(path, retention, retentionBytes, value, blockDuration, walEnabled, walSyncOnCommit,
                walSegmentBytes, compactionInterval, maxBlockDuration, lockFile, walCompression, samplesPerChunk);
    }

    public TsdbOptions withBlockDuration(Duration value) {
        return new TsdbOptions(path, retention, retentionBytes, outOfOrderWindow, value, walEnabled, walSyncOnCommit,
                walSegmentBytes, compactionInterval, maxBlockDuration, lockFile, walCompression, samplesPerChunk);
    }

    public TsdbOptions withWal(boolean enabled, boolean syncOnCommit) {
        return new TsdbOptions(path, retention, retentionBytes, outOfOrderWindow, blockDuration, enabled, syncOnCommit,
                walSegmentBytes, compactionInterval, maxBlockDuration, lockFile, walCompression, samplesPerChunk);
    }

    public TsdbOptions withWalSegmentBytes(long value) {
        return new TsdbOptions(path, retention, retentionBytes, outOfOrderWindow, blockDuration, walEnabled, walSyncOnCommit,
                value, compactionInterval, maxBlockDuration, lockFile, walCompression, samplesPerChunk);
    }

    public TsdbOptions withCompactionInterval(Duration value) {
        return new TsdbOptions(path, retention, retentionBytes, outOfOrderWindow, blockDuration, walEnabled, walSyncOnCommit,
                walSegmentBytes, value, maxBlockDuration, lockFile, walCompression, samplesPerChunk);
    }

    public TsdbOptions withMaxBlockDuration(Duration value) {
        return new TsdbOptions(path, retention, retentionBytes, outOfOrderWindow, blockDuration, walEnabled, walSyncOnCommit,
                walSegmentBytes, compactionInterval, value, lockFile, walCompression, samplesPerChunk);
    }

    public TsdbOptions withLockFile(boolean value) {
        return new TsdbOptions(path, retention, retentionBytes, outOfOrderWindow, blockDuration, walEnabled, walSyncOnCommit,
                walSegmentBytes, compactionInterval, maxBlockDuration, value, walCompression, samplesPerChunk);
    }

    public TsdbOptions withSamplesPerChunk(int value) {
        return new TsdbOptions(path, retention, retentionBytes, outOfOrderWindow, blockDuration, walEnabled, walSyncOnCommit,
                walSegmentBytes, compactionInterval, maxBlockDuration, lockFile, walCompression, value);
    }

    public TsdbOptions withWalCompression(WalCompression value) {
        return new TsdbOptions(path, retention, retentionBytes, outOfOrderWindow, blockDuration, walEnabled, walSyncOnCommit,
                walSegmentBytes, compactionInterval, maxBlockDuration, lockFile, value, samplesPerChunk);
    }
}
