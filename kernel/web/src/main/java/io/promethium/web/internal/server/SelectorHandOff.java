package io.promethium.web.internal.server;

import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.util.thread.Scheduler;
import org.eclipse.jetty.util.thread.TryExecutor;

/**
 * The executor of a listener's selectors: a request runs on the thread that read it, and the
 * selecting passes to another thread only once the request has run {@link #HAND_OFF_NANOS}, as Go
 * hands a blocked goroutine's processor on. Jetty's own way (execute-produce-consume) wakes a
 * reserved thread to select at the start of every request, and that thread sleeps again at
 * once: two threads put to sleep per request instead of one, and after a pause it is the waking
 * that costs (this virtual machine's idle cores wake slowly). One host's hour of disk io time
 * from the week harness's data, median of the five requests right after a half-second pause:
 * 0.54 ms with Jetty's way, 0.39–0.41 with this (the module's README). Running every request on
 * the selecting thread (Jetty's produce-consume) gave the same figures in a bare Jetty but held
 * every other connection of the selector back behind a long query; here a long one holds them
 * back about {@link #HAND_OFF_NANOS} to twice that.
 *
 * <p>Jetty's strategy asks {@link #tryExecute} for a thread to take the selecting over before it
 * runs a request on the selecting thread. The answer is yes, but the hand-over is kept back: when
 * the request ends and its thread is about to select again ({@link #beforeSelect}) the kept
 * hand-over is run there, where it finds the thread selecting and ends at once; if the request is
 * still running after {@link #HAND_OFF_NANOS}, a tick on the listener's scheduler gives the
 * hand-over to a thread of the pool, as Jetty would have at the start. The ticks run every
 * {@link #HAND_OFF_NANOS} while requests come, and stop {@link #LINGER_NANOS} after the last.
 */
final class SelectorHandOff implements TryExecutor {

    /** How long a request holds its selector's other connections before the selecting passes on. */
    static final long HAND_OFF_NANOS = 1_000_000;
    /**
     * How long the ticks go on after the last kept hand-over: a burst of requests (a dashboard's
     * panels) starts them once. Each tick wakes the scheduler's thread, so requests that trickle in
     * kept them going with a linger of 100 ms: at a request every 60 ms the server took 3.1-3.6% of
     * a core, 1.2-1.3% with this one and 0.8-0.9% with Jetty's way (the module's README).
     */
    static final long LINGER_NANOS = 10_000_000;

    private final Executor pool;
    private final TryExecutor poolTry;
    private final Scheduler scheduler;
    private final long handOffNanos;
    /** The hand-over a selecting thread keeps back while it runs a request, if any. */
    private final ThreadLocal<Kept> kept = new ThreadLocal<>();
    private final ConcurrentLinkedQueue<Kept> outstanding = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean ticking = new AtomicBoolean();
    private volatile long lastKept;

    /** A hand-over kept back; whoever sets it first (the selecting thread or a tick) runs it. */
    private static final class Kept extends AtomicBoolean {
        final Runnable handOver;
        final long since;

        Kept(Runnable handOver, long since) {
            this.handOver = handOver;
            this.since = since;
        }

        boolean take() {
            return compareAndSet(false, true);
        }
    }

    SelectorHandOff(Executor pool, Scheduler scheduler) {
        this(pool, scheduler, HAND_OFF_NANOS);
    }

    /** With another hand-off time (tests). */
    SelectorHandOff(Executor pool, Scheduler scheduler, long handOffNanos) {
        this.handOffNanos = handOffNanos;
        this.pool = Objects.requireNonNull(pool, "pool is null");
        this.poolTry = TryExecutor.asTryExecutor(pool);
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler is null");
    }

    @Override
    public void execute(Runnable task) {
        pool.execute(task);
    }

    /**
     * Called by a selector's strategy on its selecting thread, with the strategy itself as the
     * task, before that thread runs a request: kept back, see the class comment.
     */
    @Override
    public boolean tryExecute(Runnable task) {
        Kept previous = kept.get();
        if (previous != null && !previous.get()) {
            // Not expected (the strategy asks again only once the last hand-over ran): as Jetty would.
            return poolTry.tryExecute(task);
        }
        long now = System.nanoTime();
        Kept k = new Kept(task, now);
        kept.set(k);
        outstanding.add(k);
        lastKept = now;
        if (ticking.compareAndSet(false, true)) {
            schedule();
        }
        return true;
    }

    /** On a selecting thread about to select: the hand-over it kept back, if no tick took it, runs here and finds it selecting. */
    void beforeSelect() {
        Kept k = kept.get();
        if (k != null) {
            kept.remove();
            if (k.take()) {
                outstanding.remove(k);
                k.handOver.run();
            }
        }
    }

    private void schedule() {
        try {
            scheduler.schedule(this::tick, handOffNanos, TimeUnit.NANOSECONDS);
        } catch (RuntimeException e) {
            // The listener is stopping: its selectors stop with it.
            ticking.set(false);
        }
    }

    /** Gives the hand-overs kept past the hand-off time to the pool; goes on while requests come. */
    void tick() {
        long now = System.nanoTime();
        for (Kept k : outstanding) {
            if (k.get()) {
                outstanding.remove(k);
            } else if (now - k.since >= handOffNanos && k.take()) {
                outstanding.remove(k);
                if (!poolTry.tryExecute(k.handOver)) {
                    pool.execute(k.handOver);
                }
            }
        }
        if (!outstanding.isEmpty() || now - lastKept < LINGER_NANOS) {
            schedule();
            return;
        }
        ticking.set(false);
        // A hand-over kept between the look above and the flag's clearing found the ticks on: start them again.
        if (!outstanding.isEmpty() && ticking.compareAndSet(false, true)) {
            schedule();
        }
    }
}
