package io.promethium.scrape.internal;

import io.promethium.api.storage.Storage;
import io.promethium.config.lifecycle.PluginTracker;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The storage the scrapes append to, kept by the kernel's plugin lifecycle rule
 * ({@link PluginTracker}): the newest bound storage serves, and while a storage plugin is updated
 * (the old service gone before its replacement has opened its WAL) a scrape may wait for the
 * replacement ({@link #await}) instead of being lost.
 */
final class StorageSlot implements Supplier<Storage>, AutoCloseable {

    private static final String TYPE = "storage";

    private final PluginTracker<Storage> tracker = new PluginTracker<>("storage", "", storage -> TYPE, PluginTracker.DEFAULT_GRACE, null);

    @Override
    public Storage get() {
        return tracker.current(TYPE);
    }

    void set(Storage storage) {
        tracker.add(storage);
    }

    void clear(Storage old) {
        tracker.remove(old);
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
        tracker.close();
    }
}
