package io.promethium.tsdb.internal.wal;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Batched fsync for a WAL whose commits do not wait for the disk: every {@code every}, the
 * active segment is fsynced if anything was written since the last sync. This bounds what a
 * power loss can take to about one interval, at the cost of one fsync per interval.
 */
public final class PeriodicSync implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PeriodicSync.class.getName());

    private final ScheduledExecutorService timer;

    public PeriodicSync(Wal wal, Duration every) {
        requireNonNull(wal, "wal is null");
        requireNonNull(every, "every is null");
        if (every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException("sync interval must be positive, got " + every);
        }
        // Its own thread: a long compaction must not hold the sync back.
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tsdb-wal-sync " + wal.dir());
            t.setDaemon(true);
            return t;
        });
        long millis = every.toMillis();
        timer.scheduleWithFixedDelay(() -> syncQuietly(wal), millis, millis, TimeUnit.MILLISECONDS);
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
     * Stops the timer and waits for a sync in progress. Not shutdownNow: interrupting a thread
     * inside FileChannel.force closes the channel under the WAL, and its own close then fails.
     */
    @Override
    public void close() {
        timer.shutdown();
        try {
            timer.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
