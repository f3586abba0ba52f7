package io.promethium.push.internal;

import io.promethium.api.collect.MetricWriter;
import io.promethium.api.storage.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The push endpoint at work, without OSGi: restores the groups from the persistence file, offers
 * the routes, and runs the background work on one thread: expiry when the next group outlives its
 * time to live, persistence every interval when something changed, appending to the storage every
 * interval. Expiry waits for its deadline rather than looking every second: on an idle virtual
 * machine each wake-up after a quiet stretch costs milliseconds of CPU (docs/performance.md).
 * {@link #close()} stops the thread and persists once more.
 */
final class PushService implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PushService.class.getName());

    private final PushSettings settings;
    private final GroupStore store;
    private final PushMetrics metrics = new PushMetrics();
    private final PushEndpoint endpoint;
    private final ScheduledExecutorService background;
    private long persistedVersion = -1;
    /** The expiry waiting on the background thread, and the deadline it waits for; guarded by itself. */
    private final Object expiryLock = new Object();
    private ScheduledFuture<?> expiry;
    private long expiryAtNanos = Long.MAX_VALUE;

    /**
     * @param storage the current storage, or null while there is none
     */
    PushService(PushSettings settings, Supplier<Storage> storage, Supplier<PushEndpoint.Status> status) {
        this.settings = settings;
        background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "push-endpoint");
            t.setDaemon(true);
            return t;
        });
        this.store = new GroupStore(settings.limits(), settings.names(), GroupStore::wallClockNanos, this::expireBy);
        restore();
        this.endpoint = new PushEndpoint(store, settings, status, metrics);
        long persistMillis = settings.persistenceInterval().toMillis();
        background.scheduleWithFixedDelay(this::persist, persistMillis, persistMillis, TimeUnit.MILLISECONDS);
        if (settings.storageEnabled()) {
            StorageFeeder feeder = new StorageFeeder(store, settings.honorLabels(), settings.storageJob(), settings.storageInstance(), metrics);
            long storeMillis = settings.storageInterval().toMillis();
            background.scheduleAtFixedRate(() -> feed(feeder, storage), storeMillis, storeMillis, TimeUnit.MILLISECONDS);
        }
    }

    List<Route> routes() {
        return endpoint.routes();
    }

    GroupStore store() {
        return store;
    }

    void collect(MetricWriter writer) {
        metrics.collect(writer, store);
    }

    @Override
    public void close() {
        background.shutdownNow();
        try {
            background.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        persist();
    }

    private void restore() {
        Path file = settings.persistenceFile();
        try {
            List<MetricGroup> groups = GroupFile.read(file);
            store.restore(groups);
            persistedVersion = store.version();
            if (!groups.isEmpty()) {
                LOG.info("push: restored " + groups.size() + " groups from " + file);
            }
        } catch (IOException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + System.currentTimeMillis());
            LOG.severe("push: could not restore the pushed groups: " + e.getMessage() + "; starting empty, the file is kept as " + aside);
            try {
                Files.move(file, aside);
            } catch (IOException moveFailed) {
                LOG.log(Level.WARNING, "push: could not move " + file + " aside", moveFailed);
            }
        }
    }

    /** Writes the persistence file if the groups changed since the last write. */
    synchronized void persist() {
        long version = store.version();
        if (version == persistedVersion) {
            return;
        }
        try {
            GroupFile.write(settings.persistenceFile(), store.groups());
            persistedVersion = version;
            metrics.lastPersistSeconds = System.currentTimeMillis() / 1000.0;
        } catch (IOException | RuntimeException e) {
            metrics.persistFailures.increment();
            LOG.log(Level.WARNING, "push: writing " + settings.persistenceFile() + " failed; retried at the next interval", e);
        }
    }

    /** Makes the expiry run by {@code atNanos} (on the store's clock), unless it already runs earlier. */
    private void expireBy(long atNanos) {
        synchronized (expiryLock) {
            if (atNanos >= expiryAtNanos) {
                return;
            }
            if (expiry != null) {
                expiry.cancel(false);
            }
            try {
                expiry = background.schedule(this::expire, Math.max(0, atNanos - store.nowNanos()), TimeUnit.NANOSECONDS);
                expiryAtNanos = atNanos;
            } catch (RejectedExecutionException closing) {
                // Stopping: the persistence file keeps the group, and the next start expires it.
                expiry = null;
                expiryAtNanos = Long.MAX_VALUE;
            }
        }
    }

    private void expire() {
        synchronized (expiryLock) {
            expiry = null;
            expiryAtNanos = Long.MAX_VALUE;
        }
        long next = Long.MAX_VALUE;
        try {
            int n = store.expire();
            if (n > 0) {
                LOG.fine(() -> "push: " + n + " groups expired");
            }
            next = store.nextDeadlineNanos();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "push: expiry failed; tried again in a second", e);
            next = store.nowNanos() + TimeUnit.SECONDS.toNanos(1);
        }
        if (next != Long.MAX_VALUE) {
            expireBy(next);
        }
    }

    private static void feed(StorageFeeder feeder, Supplier<Storage> storage) {
        try {
            feeder.tick(storage.get(), System.currentTimeMillis());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "push: storing the pushed groups failed", e);
        }
    }
}
