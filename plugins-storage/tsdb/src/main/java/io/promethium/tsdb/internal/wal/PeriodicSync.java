package io.promethium.tsdb.internal.wal;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Batched fsync for a WAL whose commits do not wait for the disk: one interval after a write that is
 * not yet on disk, the active segment is fsynced, with whatever else was written meanwhile. This
 * bounds what a power loss can take to about one interval, at the cost of one fsync per interval.
 * While nothing is written the thread sleeps in {@link Wal#awaitUnsynced} rather than waking every
 * interval: on an idle virtual machine each wake-up after a quiet stretch costs milliseconds of CPU
 * (docs/performance.md).
 */
public final class PeriodicSync implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PeriodicSync.class.getName());

    private final Wal wal;
    private final long millis;
    private final Thread thread;
    /** close() wakes the interval's wait on it. */
    private final Object pause = new Object();
    private volatile boolean stopped;

    public PeriodicSync(Wal wal, Duration every) {
        this.wal = requireNonNull(wal, "wal is null");
        requireNonNull(every, "every is null");
        if (every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException("sync interval must be positive, got " + every);
        }
        millis = every.toMillis();
        // Its own thread: a long compaction must not hold the sync back.
        thread = new Thread(this::run, "tsdb-wal-sync " + wal.dir());
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (wal.awaitUnsynced(() -> stopped)) {
                // Writes within the interval share its fsync.
                long end = System.nanoTime() + millis * 1_000_000L;
                synchronized (pause) {
                    long left;
                    while (!stopped && (left = end - System.nanoTime()) > 0) {
                        pause.wait(Math.max(1, left / 1_000_000L));
                    }
                }
                if (stopped) {
                    return; // the WAL's close fsyncs what is left
                }
                syncQuietly(wal);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void syncQuietly(Wal wal) {
        try {
            wal.sync();
        } catch (IOException e) {
            // Logged by the WAL once per episode of failing fsyncs (WriteFailures), not every second.
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "periodic fsync of the WAL in " + wal.dir() + " failed; will retry", e);
        }
    }

    /**
     * Stops the thread and waits for a sync in progress. Not an interrupt: interrupting a thread
     * inside FileChannel.force closes the channel under the WAL, and its own close then fails.
     */
    @Override
    public void close() {
        stopped = true;
        synchronized (pause) {
            pause.notifyAll();
        }
        wal.wakeAwaiting();
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
