package io.promethium.scrape.internal;

import io.promethium.api.storage.Storage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The storage the scrapes append to, which may be absent for a moment: while a storage plugin is
 * updated the old service is gone before its replacement has opened its WAL. A scrape then waits
 * for it (bounded, see {@link ScrapeLoop}) instead of being lost.
 */
final class StorageSlot implements Supplier<Storage> {

    /** Volatile: each scrape reads it, without the monitor the waits use. */
    private volatile Storage storage;

    @Override
    public Storage get() {
        return storage;
    }

    synchronized void set(Storage newStorage) {
        storage = newStorage;
        notifyAll();
    }

    /** Clears the slot if it holds {@code old}. */
    synchronized void clear(Storage old) {
        if (storage == old) {
            storage = null;
        }
    }

    /** Wakes the waits so they look at their {@code cancelled} again (a loop being stopped). */
    synchronized void wake() {
        notifyAll();
    }

    /** The storage, waiting up to {@code nanos} for one to be set; null if none came or the wait was cancelled. */
    synchronized Storage await(long nanos, java.util.function.BooleanSupplier cancelled) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        while (storage == null && !cancelled.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return storage;
    }
}
