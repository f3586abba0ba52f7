package io.promethium.tsdb.internal.wal;

import static java.util.Objects.requireNonNull;

import io.promethium.tsdb.WalCompression;
import io.promethium.tsdb.internal.fs.FileOpener;
import io.promethium.tsdb.internal.fs.Fsync;
import io.promethium.tsdb.internal.fs.WriteFailures;
import io.promethium.tsdb.internal.head.WalLog;
import io.promethium.tsdb.internal.metrics.TsdbMetrics;
import io.promethium.tsdb.internal.util.GrowableBytes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongPredicate;

/**
 * The write-ahead log: numbered segment files of framed records. Each commit is one write; with
 * {@code syncOnCommit} the committer then waits for an fsync, and concurrent committers share
 * one (group commit). Without it the write alone (bytes in the OS page cache) acknowledges the
 * commit, segments are fsynced when they fill and at close, and {@link PeriodicSync} calls
 * {@link #sync()} in between. A failed write is cut back off the file before anything else is
 * written, so a record never follows garbage. With compression each record's payload is
 * compressed by the committing thread before the write lock is taken.
 */
public final class Wal implements WalLog, AutoCloseable {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(Wal.class.getName());
    private final Path dir;
    private final FileOpener opener;
    private final TsdbMetrics metrics;
    private final long segmentBytes;
    private final boolean syncOnCommit;
    private final Object syncLock = new Object();
    private final WalCompression compression;
    /** Idle compressors (each holds its buffers), so concurrent committers rarely build one. */
    private final ArrayBlockingQueue<RecordCompressor> compressors = new ArrayBlockingQueue<>(8);

    // Guarded by this.
    private int segmentIndex;
    private FileChannel channel;
    private long goodSize;
    private boolean needsRepair;
    private long written;
    private boolean closed;
    /** A thread waits in {@link #awaitUnsynced} for the next write. */
    private boolean awaitingWrite;

    /** Bytes of {@code written} known to be on disk; only grows. */
    private final AtomicLong syncedUpTo = new AtomicLong();

    public Wal(Path dir, FileOpener opener, TsdbMetrics metrics, long segmentBytes, boolean syncOnCommit, int firstSegment)
            throws IOException {
        this(dir, opener, metrics, segmentBytes, syncOnCommit, firstSegment, WalCompression.NONE);
    }

    public Wal(Path dir, FileOpener opener, TsdbMetrics metrics, long segmentBytes, boolean syncOnCommit, int firstSegment,
            WalCompression compression) throws IOException {
        this.compression = requireNonNull(compression, "compression is null");
        this.dir = requireNonNull(dir, "dir is null");
        this.opener = requireNonNull(opener, "opener is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.segmentBytes = segmentBytes;
        this.syncOnCommit = syncOnCommit;
        Files.createDirectories(dir);
        openSegment(firstSegment);
    }

    public Path dir() {
        return dir;
    }

    /** How new records are compressed. */
    public WalCompression compression() {
        return compression;
    }

    /** The position just after the last record written (acknowledged to a committer) so far. */
    public synchronized io.promethium.api.storage.WalPosition end() {
        return new io.promethium.api.storage.WalPosition(segmentIndex, goodSize);
    }

    private void openSegment(int index) throws IOException {
        Path path = dir.resolve(WalFiles.segmentName(index));
        FileChannel ch = opener.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        goodSize = ch.size();
        ch.position(goodSize);
        channel = ch;
        segmentIndex = index;
        Fsync.dir(dir);
    }

    @Override
    public void log(byte[] records, int length) throws IOException {
        // The reader stops at the first record whose length runs past the data and cuts the
        // segment there at the next start: a buffer that is not whole records loses later commits.
        assert wholeRecords(records, length) : "WAL write of " + length + " bytes is not a sequence of whole records";
        if (compression == WalCompression.NONE) {
            write(records, length);
            return;
        }
        RecordCompressor c = compressors.poll();
        if (c == null) {
            c = new RecordCompressor(compression);
        }
        try {
            GrowableBytes compressed = c.compress(records, length);
            write(compressed.array(), compressed.length());
        } finally {
            compressors.offer(c);
        }
    }

    /** Whether {@code records[0, length)} is records back to back, each header's length matching its payload. */
    static boolean wholeRecords(byte[] records, int length) {
        int at = 0;
        while (at + WalRecords.HEADER <= length) {
            int payload = (records[at + 1] & 0xff) << 24 | (records[at + 2] & 0xff) << 16 | (records[at + 3] & 0xff) << 8
                    | (records[at + 4] & 0xff);
            if (payload < 0) {
                return false;
            }
            at += WalRecords.HEADER + payload;
        }
        return at == length;
    }

    private void write(byte[] records, int length) throws IOException {
        long end;
        FileChannel ch;
        synchronized (this) {
            if (closed) {
                throw new ClosedChannelException();
            }
            try {
                if (needsRepair) {
                    repair();
                }
                if (goodSize > 0 && goodSize + length > segmentBytes) {
                    roll();
                }
                ByteBuffer buf = ByteBuffer.wrap(records, 0, length);
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
            } catch (IOException e) {
                metrics.walWritesFailed.increment();
                metrics.writeFailures.failed(WriteFailures.Area.WAL, dir.resolve(WalFiles.segmentName(segmentIndex)), e);
                needsRepair = true;
                try {
                    repair();
                } catch (IOException again) {
                    e.addSuppressed(again);
                }
                throw e;
            }
            metrics.writeFailures.succeeded(WriteFailures.Area.WAL, dir);
            goodSize += length;
            written += length;
            end = written;
            ch = channel;
            if (awaitingWrite) {
                awaitingWrite = false;
                notifyAll();
            }
        }
        if (syncOnCommit) {
            sync(end, ch);
        }
    }

    /** Cuts a partial write off so the next record starts at a record boundary. */
    private void repair() throws IOException {
        channel.truncate(goodSize);
        channel.position(goodSize);
        needsRepair = false;
    }

    private void sync(long end, FileChannel ch) throws IOException {
        synchronized (syncLock) {
            if (syncedUpTo.get() >= end) {
                return;
            }
            long target;
            FileChannel current;
            synchronized (this) {
                target = written;
                current = channel;
            }
            try {
                current.force(false);
            } catch (ClosedChannelException e) {
                // Rolled or closed meanwhile: the roll forced the old segment.
            } catch (IOException e) {
                metrics.writeFailures.failed(WriteFailures.Area.WAL_SYNC, dir, e);
                throw e;
            }
            metrics.writeFailures.succeeded(WriteFailures.Area.WAL_SYNC, dir);
            metrics.walFsyncs.increment();
            syncedUpTo.accumulateAndGet(target, Math::max);
        }
    }

    /** Flushes everything written so far to disk; does nothing when nothing new was written. */
    public void sync() throws IOException {
        long end;
        synchronized (this) {
            if (closed) {
                return;
            }
            end = written;
        }
        sync(end, null);
    }

    /**
     * Waits until something written is not yet fsynced, the WAL closes, or {@code giveUp} holds when
     * {@link #wakeAwaiting()} is called; true in the first case. Lets a periodic sync sleep through
     * quiet stretches instead of waking on a timer.
     */
    public synchronized boolean awaitUnsynced(BooleanSupplier giveUp) throws InterruptedException {
        while (!closed && written <= syncedUpTo.get()) {
            if (giveUp.getAsBoolean()) {
                return false;
            }
            awaitingWrite = true;
            wait();
        }
        return !closed;
    }

    /** Wakes the threads in {@link #awaitUnsynced} to look at their {@code giveUp} again. */
    public synchronized void wakeAwaiting() {
        notifyAll();
    }

    /** Whether every byte written so far has been fsynced (tests, metrics). */
    public boolean synced() {
        long end;
        synchronized (this) {
            end = written;
        }
        return syncedUpTo.get() >= end;
    }

    /**
     * Moves on to the next segment. The new one is opened before the old one is closed, so a
     * failure (a full disk) leaves the WAL writing where it was and the next write tries again.
     */
    private void roll() throws IOException {
        if (needsRepair) {
            repair();
        }
        channel.force(false);
        FileChannel previous = channel;
        openSegment(segmentIndex + 1);
        previous.close();
    }

    /** Starts a new segment; returns the index of the last closed one. */
    public synchronized int rollSegment() throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        int last = segmentIndex;
        roll();
        return last;
    }

    /**
     * Starts a new segment and folds the closed ones into a checkpoint, keeping series the head
     * still holds and samples at or after {@code mint}, then deletes them; except that segments
     * a follower has not shipped yet and that were written within {@code hold} stay whole
     * ({@link FollowerHold}), so a remote write queue behind at the cut loses nothing.
     * Prometheus keeps the newest third of the segments whatever its queues need; here the WAL
     * keeps what they need and, when they are caught up, nothing more.
     */
    public void truncate(long mint, LongPredicate keepSeries, java.time.Duration hold) throws IOException {
        metrics.walTruncations.increment();
        try {
            int last = rollSegment();
            int held = FollowerHold.firstHeld(dir, last, System.currentTimeMillis() - hold.toMillis());
            int through = held == Integer.MAX_VALUE ? last : held - 1;
            if (held <= last) {
                LOG.info("WAL segments " + held + " to " + last + " kept at truncation: a WAL follower (remote write) has not sent them yet");
            }
            if (through <= WalFiles.lastCheckpoint(dir)) {
                return;
            }
            Checkpoint.create(dir, through, keepSeries, mint, metrics, compression, opener);
        } catch (IOException | RuntimeException e) {
            metrics.walTruncationsFailed.increment();
            throw e;
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        notifyAll();
        try {
            if (needsRepair) {
                repair();
            }
            channel.force(false);
            syncedUpTo.accumulateAndGet(written, Math::max);
        } finally {
            channel.close();
        }
    }
}
