package io.promethium.scrape.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads a pool's scrapes run on: one timer thread that starts each loop's scrape at its
 * slot, and platform worker threads, as many as scrapes are in flight at once (a handful: a
 * scrape takes milliseconds of an interval of seconds); idle workers end after a while.
 *
 * <p>Why not a virtual thread per loop, as before: every wait of a virtual thread (the sleep to
 * the next slot, each socket read that has to wait) goes through the JDK's delay-scheduler
 * thread, its poller thread and the carrier pool, whose threads park and wake on each hand-off;
 * on a busy 2-core machine that cost more CPU than the scrapes themselves. A platform thread
 * waits in the kernel. Measured with {@code side-by-side --targets=100} (see the module README):
 * the threads scraping went from 7.6-7.8 ms of CPU per second to 3.6. A platform thread per loop
 * would do as well but costs ~100 KB of memory per target; these cost that per scrape in flight.
 */
final class ScrapeWorkers implements Executor {

    private static final long IDLE_SECONDS = 60;

    private final ThreadPoolExecutor threads;
    private final ScheduledThreadPoolExecutor timer;

    ScrapeWorkers(String job) {
        AtomicInteger count = new AtomicInteger();
        this.threads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE_SECONDS, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> Thread.ofPlatform().daemon().name("scrape-" + job + "-" + count.incrementAndGet()).unstarted(r));
        this.timer = new ScheduledThreadPoolExecutor(1, r -> Thread.ofPlatform().daemon().name("scrape-timer-" + job).unstarted(r));
        // A stopped loop's slot leaves the queue at once.
        timer.setRemoveOnCancelPolicy(true);
    }

    /** Runs {@code task} on a worker at wall-clock time {@code wallMillis} (at once if past). */
    ScheduledFuture<?> at(long wallMillis, Runnable task) {
        long delay = Math.max(0, wallMillis - System.currentTimeMillis());
        try {
            return timer.schedule(() -> execute(task), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Shut down: the task runs now, and sees its loop stopped.
            execute(task);
            return null;
        }
    }

    /** Runs {@code task} on a worker; on the caller's thread once the workers are shut down. */
    @Override
    public void execute(Runnable task) {
        try {
            threads.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    /** Ends the timer and idle workers now, the others after their scrape. */
    void shutdown() {
        timer.shutdownNow();
        threads.shutdown();
    }
}
