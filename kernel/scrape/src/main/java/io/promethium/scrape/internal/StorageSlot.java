package io.promethium.scrape.internal;

import io.promethium.api.storage.Storage;
import io.promethium.config.lifecycle.PluginTracker;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The storage the scrapes append to, kept by the kernel's plugin lifecycle rule
 * ({@link PluginTracker}): the newest bound storage serves, and while a storage plugin is updated
 * (the old service gone before its replacement has opened its WAL) a scrape may wait for the
 * replacement ({@link #await}) instead of being lost.
 */
final class StorageSlot implements Supplier<Storage>, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(StorageSlot.class.getName());
    private static final String TYPE = "storage";

    private volatile boolean closed;
    private final PluginTracker<Storage> tracker = new PluginTracker<>("storage", "", storage -> TYPE, PluginTracker.DEFAULT_GRACE, null);

    @Override
    public Storage get() {
        return tracker.current(TYPE);
    }

    /** Logs how long the scrapes were without a storage, as that is what a swap cost them. */
    void set(Storage storage) {
        Long went = tracker.wentAt(TYPE);
        tracker.add(storage);
        if (went != null) {
            long ms = (System.nanoTime() - went) / 1_000_000;
            LOG.log(Level.INFO, () -> "storage back after " + ms + " ms without one");
        }
    }

    void clear(Storage old) {
        tracker.remove(old);
    }

    /**
     * Whether the storage went less than the grace period ago and none has come since (one is
     * being replaced), the scrapes not being stopped.
     */
    boolean replacing() {
        return !closed && tracker.wentAt(TYPE) != null;
    }

    /**
     * The storage; when there is none because one went within the grace period, waits up to
     * {@code max} for its replacement. Null when none is there (or never was).
     */
    Storage await(Duration max) throws InterruptedException {
        return tracker.awaitService(TYPE, max);
    }

    /** Ends every wait: the scrapes are being stopped. */
    @Override
    public void close() {
        closed = true;
        tracker.close();
    }
}
