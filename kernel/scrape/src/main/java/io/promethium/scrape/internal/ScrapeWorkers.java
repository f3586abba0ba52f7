package io.promethium.scrape.internal;

import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The threads scrapes run on (one set per scrape manager): platform workers that take the loops'
 * slots from one queue, as many as scrapes are in flight at once (a handful: a scrape takes
 * milliseconds of an interval of seconds); idle workers end after a while.
 *
 * <p>Leader and followers: one idle worker, the leader, waits for the earliest slot and runs it
 * itself, so a scrape starts with the wake-up of the thread that runs it and no other. Someone
 * must watch the next slot while it runs: when that slot is near (or the scrape is expected to
 * take long) an idle follower is woken now to lead; otherwise the running worker keeps the watch
 * itself and takes the next slot when it is back. A scrape waits for its target's answer in the
 * fetchers, which ask {@link #watchNanos()} how long they may wait and call {@link #handOff()} (a
 * follower then leads) when the answer is slower, so a slow target never delays another's slot.
 * A stall outside the fetchers (a commit waiting for the head's truncation) is not watched: the
 * slots due meanwhile start when the stalled worker is back, each on a worker of its own.
 *
 * <p>Why not a timer thread handing each slot to an idle worker, as before: that is two thread
 * wake-ups per scrape (the timer's, the worker's) and the JDK's executors spin before they park;
 * at 100 targets the timer and the hand-off were ~17% of the server's CPU (async-profiler, see the
 * module README). Why not a virtual thread per loop: every wait of a virtual thread goes through
 * the JDK's delay-scheduler thread, its poller thread and the carrier pool, whose parking and
 * waking cost more CPU than the scrapes on a busy 2-core machine. A platform thread per loop would
 * do as well but costs ~100 KB of memory per target.
 */
final class ScrapeWorkers implements Executor {

    private static final Logger LOG = Logger.getLogger(ScrapeWorkers.class.getName());
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** A next slot nearer than this (plus twice the scrape's expected time) gets a leader of its own at once. */
    static final long NEAR_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** How long before the watched slot a waiting scrape hands the watch off: the follower's wake-up. */
    private static final long LEAD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long NONE = Long.MAX_VALUE;

    /** A task due at a time; {@link #cancel} takes it out of the queue unless it has started. */
    final class Slot implements Comparable<Slot> {
        private final long deadline;
        private final long sequence;
        private final long expectedNanos;
        private final Runnable task;

        private Slot(long deadline, long sequence, long expectedNanos, Runnable task) {
            this.deadline = deadline;
            this.sequence = sequence;
            this.expectedNanos = expectedNanos;
            this.task = task;
        }

        /** True when the task had not started and now never will. */
        boolean cancel() {
            lock.lock();
            try {
                // The leader may wake once for nothing: it sees the new head and waits again.
                return queue.remove(this);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public int compareTo(Slot o) {
            int c = Long.compare(deadline - o.deadline, 0);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }

    /** A worker thread; {@link #watch} is the time (nanos) by which it must hand the next slot's watch off while it runs a task. */
    private final class Worker extends Thread {
        private long watch = NONE;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        @Override
        public void run() {
            work(this);
        }

        ScrapeWorkers owner() {
            return ScrapeWorkers.this;
        }
    }

    private final String name;
    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock:
    private final PriorityQueue<Slot> queue = new PriorityQueue<>();
    private final ArrayDeque<Worker> followers = new ArrayDeque<>();
    /** The idle worker waiting for the queue's head, or null. */
    private Worker leader;
    /** The running worker that keeps the watch of the queue's head while there is no leader, or null. */
    private Worker watcher;
    private long sequence;
    private int started;
    private boolean shutdown;

    /** {@code name}: the threads are named {@code scrape-<name>-N}, or {@code scrape-N} when it is empty. */
    ScrapeWorkers(String name) {
        this.name = name;
    }

    /** Runs {@code task} on a worker at wall-clock time {@code wallMillis} (at once if past); null once shut down (it ran on the caller's thread). */
    Slot at(long wallMillis, Runnable task) {
        return at(wallMillis, 0, task);
    }

    /**
     * As {@link #at(long, Runnable)}; {@code expectedNanos}: how long the task is expected to run
     * besides its waits in a fetcher (the loop's last parse, append and commit), which decides
     * whether another worker watches the next slot at once.
     */
    Slot at(long wallMillis, long expectedNanos, Runnable task) {
        long delay = TimeUnit.MILLISECONDS.toNanos(Math.max(0, wallMillis - System.currentTimeMillis()));
        Slot slot = enqueue(System.nanoTime() + delay, expectedNanos, task);
        if (slot == null) {
            // Shut down: the task runs now, and sees its loop stopped.
            task.run();
        }
        return slot;
    }

    /** Runs {@code task} on a worker; on the caller's thread once the workers are shut down. */
    @Override
    public void execute(Runnable task) {
        if (enqueue(System.nanoTime(), 0, task) == null) {
            task.run();
        }
    }

    private Slot enqueue(long deadline, long expectedNanos, Runnable task) {
        lock.lock();
        try {
            if (shutdown) {
                return null;
            }
            Slot slot = new Slot(deadline, sequence++, expectedNanos, task);
            queue.add(slot);
            if (queue.peek() == slot) {
                // A new head: whoever watches the head must know.
                if (leader != null) {
                    LockSupport.unpark(leader);
                } else if (watcher != null && watcher == Thread.currentThread()) {
                    // The watcher itself (a loop setting its next slot): it is not waiting now.
                    watcher.watch = Math.min(watcher.watch, deadline - LEAD_NANOS);
                } else {
                    promote();
                }
            }
            return slot;
        } finally {
            lock.unlock();
        }
    }

    /** Makes a follower the leader (waking it), or starts a worker to lead. Holding the lock, with no leader. */
    private void promote() {
        watcher = null;
        Worker w = followers.pollFirst();
        if (w != null) {
            leader = w;
            LockSupport.unpark(w);
            return;
        }
        w = new Worker("scrape-" + (name.isEmpty() ? "" : name + "-") + ++started);
        leader = w;
        w.start();
    }

    /**
     * How long (nanos) the calling thread may wait for I/O before it must {@link #handOff()} the
     * watch of the next slot; {@link Long#MAX_VALUE} when it watches nothing.
     */
    static long watchNanos() {
        if (Thread.currentThread() instanceof ScrapeWorkers.Worker w && w.watch != NONE) {
            return w.watch - System.nanoTime();
        }
        return NONE;
    }

    /** The calling scrape is about to wait (longer than {@link #watchNanos()}): another worker takes the watch of the next slot. */
    static void handOff() {
        if (Thread.currentThread() instanceof ScrapeWorkers.Worker w && w.watch != NONE) {
            w.owner().handOff(w);
        }
    }

    private void handOff(Worker w) {
        lock.lock();
        try {
            w.watch = NONE;
            if (watcher == w) {
                watcher = null;
                if (leader == null && !queue.isEmpty() && !shutdown) {
                    promote();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void work(Worker me) {
        long idleSince = System.nanoTime();
        lock.lock();
        try {
            while (!shutdown) {
                Slot head = queue.peek();
                long now = System.nanoTime();
                if (head != null && head.deadline - now <= 0) {
                    queue.poll();
                    if (leader == me) {
                        leader = null;
                    }
                    if (leader == null) {
                        Slot next = queue.peek();
                        if (next != null && next.deadline - now < NEAR_NANOS + 2 * head.expectedNanos) {
                            promote();
                        } else {
                            watcher = me;
                            me.watch = next == null ? NONE : next.deadline - LEAD_NANOS;
                        }
                    }
                    lock.unlock();
                    try {
                        head.task.run();
                    } catch (RuntimeException | Error e) {
                        LOG.log(Level.WARNING, "scrape task failed", e);
                    } finally {
                        lock.lock();
                        me.watch = NONE;
                        if (watcher == me) {
                            watcher = null;
                        }
                    }
                    idleSince = System.nanoTime();
                    continue;
                }
                if (leader == null) {
                    leader = me;
                }
                if (leader == me) {
                    if (head == null && now - idleSince >= IDLE_NANOS) {
                        leader = null;
                        break;
                    }
                    lock.unlock();
                    try {
                        LockSupport.parkNanos(this, head == null ? IDLE_NANOS : head.deadline - now);
                    } finally {
                        lock.lock();
                    }
                } else {
                    if (now - idleSince >= IDLE_NANOS) {
                        break;
                    }
                    followers.addFirst(me);
                    lock.unlock();
                    try {
                        LockSupport.parkNanos(this, IDLE_NANOS);
                    } finally {
                        lock.lock();
                        // Still there: not promoted (a timeout, or a spurious wake-up).
                        followers.remove(me);
                    }
                }
            }
        } finally {
            followers.remove(me);
            if (leader == me) {
                leader = null;
                if (!queue.isEmpty() && !shutdown) {
                    promote();
                }
            }
            lock.unlock();
        }
    }

    /** Ends the idle workers now and the others after their task; the slots not yet started never run. */
    void shutdown() {
        lock.lock();
        try {
            shutdown = true;
            queue.clear();
            if (leader != null) {
                LockSupport.unpark(leader);
            }
            for (Worker w : followers) {
                LockSupport.unpark(w);
            }
        } finally {
            lock.unlock();
        }
    }
}
