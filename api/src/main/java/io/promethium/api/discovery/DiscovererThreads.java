package io.promethium.api.discovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The threads of a discoverer that polls or watches from threads of its own, and their stop, so
 * {@link Discoverer#close()} keeps its contract: {@link #close()} wakes every {@link #pause},
 * interrupts the threads (ending a blocking call in flight), waits up to 10 s for them, and after
 * it returns {@link #send} sends nothing. Hold {@link #lock()} to check {@link #isClosed()} and
 * act (start a thread, change what is watched, send) as one step. Thread-safe.
 *
 * @since 1.2
 */
public final class DiscovererThreads implements AutoCloseable {

    private static final Duration JOIN = Duration.ofSeconds(10);

    private final ThreadFactory factory;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final Set<Thread> running = new LinkedHashSet<>();
    private boolean closed;

    /** Threads from {@code factory} (the plugin context's). */
    public DiscovererThreads(ThreadFactory factory) {
        this.factory = Objects.requireNonNull(factory, "factory is null");
    }

    /** The lock behind {@link #isClosed()} and {@link #send}; reentrant. */
    public ReentrantLock lock() {
        return lock;
    }

    /**
     * Starts {@code task} on a new thread, stopped by {@link #close()}.
     *
     * @throws IllegalStateException once closed
     */
    public Thread start(Runnable task) {
        Objects.requireNonNull(task, "task is null");
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("discoverer closed");
            }
            Thread[] self = new Thread[1];
            Thread thread = factory.newThread(() -> {
                try {
                    task.run();
                } finally {
                    forget(self[0]);
                }
            });
            self[0] = thread;
            running.add(thread);
            thread.start();
            return thread;
        } finally {
            lock.unlock();
        }
    }

    private void forget(Thread thread) {
        lock.lock();
        try {
            running.remove(thread);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits {@code duration}, or less when closed.
     *
     * @return false once closed
     * @throws InterruptedException when the thread is interrupted (by {@link #close()}, or by its owner)
     */
    public boolean pause(Duration duration) throws InterruptedException {
        lock.lock();
        try {
            long left = duration.toNanos();
            while (left > 0 && !closed) {
                left = wake.awaitNanos(left);
            }
            return !closed;
        } finally {
            lock.unlock();
        }
    }

    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Passes {@code groups} to {@code updates} unless closed, under the lock; whether it did. */
    public boolean send(Consumer<List<TargetGroup>> updates, List<TargetGroup> groups) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            updates.accept(groups);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Stops everything started here; returns once the threads ended, or after 10 s. Idempotent. */
    @Override
    public void close() {
        List<Thread> threads;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            threads = new ArrayList<>(running);
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        threads.forEach(Thread::interrupt);
        long deadline = System.nanoTime() + JOIN.toNanos();
        for (Thread thread : threads) {
            if (thread == Thread.currentThread()) {
                continue;
            }
            try {
                thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
