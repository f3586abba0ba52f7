package io.promethium.web.internal.routes;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The requests one bound instance of routes serves now, and its drain on removal. Entering counts
 * first and then looks whether the drain began, the drain marks itself and then counts: of a
 * request and a removal racing, either the request sees the drain and backs out (to look the path
 * up again) or the drain sees the request and waits for it.
 */
public final class InFlight {

    private final AtomicInteger count = new AtomicInteger();
    private volatile boolean draining;

    /** Counts a request in; false (and not counted) once the drain began. */
    boolean enter() {
        count.incrementAndGet();
        if (draining) {
            leave();
            return false;
        }
        return true;
    }

    void leave() {
        if (count.decrementAndGet() == 0 && draining) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    int count() {
        return count.get();
    }

    /** Lets no request in any more and waits up to {@code nanos} for those in; whether none is left. */
    synchronized boolean drain(long nanos) throws InterruptedException {
        draining = true;
        long deadline = System.nanoTime() + nanos;
        for (long left = nanos; count.get() > 0 && left > 0; left = deadline - System.nanoTime()) {
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return count.get() == 0;
    }
}
