package io.promethium.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The services the started bundles say the server needs before it is ready: a bundle names one in
 * its {@link #HEADER} header (an LDAP filter; the TSDB names {@code Storage}). Before the first
 * config load the launcher waits for each to be registered (DS may register it after the bundle
 * is active: a component enabled by another is registered asynchronously) and then gets it, which
 * activates a delayed component, so the storage has opened and replayed its WAL before
 * {@code /-/ready} answers 200, as Prometheus's does. Without this, a server on a week of blocks
 * answered ready and then 503 "storage is not available" to queries for half a second.
 *
 * <p>The services are held until {@link #close}: a delayed component whose last user lets go is
 * deactivated, and the storage would close and open again. A registration that does not come
 * within the wait is logged and the server becomes ready without it; the get itself is not timed
 * (a replay takes as long as the WAL is long), and a get that fails (the component's activation
 * threw) is logged with the bundle's name. When another thread activates the component first,
 * SCR answers this get null once its lock timeout passes; such a get is asked again (without
 * this, a restart whose replay took over 5 s answered ready while the storage was still
 * replaying).
 */
final class ReadyServices implements AutoCloseable {

    static final String HEADER = "Promethium-Ready-When";
    static final String SCR_LOCK_TIMEOUT = "ds.lock.timeout.milliseconds";
    private static final long SCR_DEFAULT_LOCK_TIMEOUT_MS = 5_000;

    private static final Logger LOG = Logger.getLogger(ReadyServices.class.getName());

    private final List<ServiceTracker<Object, Object>> trackers;

    private ReadyServices(List<ServiceTracker<Object, Object>> trackers) {
        this.trackers = trackers;
    }

    /**
     * Waits for the services the active bundles of {@code context} name, each registration at
     * most {@code registrationWaitMillis}.
     */
    static ReadyServices await(BundleContext context, long registrationWaitMillis) throws InterruptedException {
        List<ServiceTracker<Object, Object>> trackers = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            String filter = bundle.getState() == Bundle.ACTIVE ? bundle.getHeaders().get(HEADER) : null;
            if (filter == null || filter.isBlank()) {
                continue;
            }
            try {
                trackers.add(awaitOne(context, bundle, filter.strip(), registrationWaitMillis));
            } catch (InvalidSyntaxException e) {
                LOG.warning("Bundle " + bundle.getSymbolicName() + ": bad " + HEADER + " filter " + filter + " (" + e.getMessage()
                        + "); not waited for");
            }
        }
        return new ReadyServices(trackers);
    }

    private static ServiceTracker<Object, Object> awaitOne(BundleContext context, Bundle bundle, String filter, long waitMillis)
            throws InvalidSyntaxException, InterruptedException {
        CountDownLatch registered = new CountDownLatch(1);
        // The service got, or null when the get failed; the tracker counts it only after addingService returns.
        CompletableFuture<Object> got = new CompletableFuture<>();
        long lockWaitNanos = lockTimeoutMillis(context) * 800_000L;
        ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context, context.createFilter(filter), null) {
            private boolean toldWaiting;

            @Override
            public Object addingService(ServiceReference<Object> reference) {
                registered.countDown();
                Object service = null;
                try {
                    while (true) {
                        long start = System.nanoTime();
                        // Activates a delayed component: the storage opens and replays here.
                        service = super.addingService(reference);
                        if (service != null || System.nanoTime() - start < lockWaitNanos || reference.getBundle() == null) {
                            return service;
                        }
                        // Another thread is activating it (a consumer bound it first) and SCR stopped
                        // waiting for that thread: ask again, as the replay may take minutes.
                        if (!toldWaiting) {
                            toldWaiting = true;
                            LOG.info("Bundle " + bundle.getSymbolicName() + ": its service " + filter
                                    + " is still being activated; the server becomes ready once it is");
                        }
                    }
                } finally {
                    got.complete(service);
                }
            }
        };
        tracker.open();
        if (!registered.await(waitMillis, TimeUnit.MILLISECONDS)) {
            LOG.warning("Bundle " + bundle.getSymbolicName() + " says the server is ready once a service " + filter
                    + " is registered; none was within " + waitMillis / 1000 + " s: ready without it");
            return tracker;
        }
        if (gotService(got) == null) {
            LOG.warning("Bundle " + bundle.getSymbolicName() + ": its service " + filter
                    + " is registered but could not be got (see the errors above): ready without it");
        }
        return tracker;
    }

    /**
     * How long Felix SCR waits for another thread's activation of a component before a get gives
     * up with null ({@code ds.lock.timeout.milliseconds}, 5 s by default): a null that took 80% of
     * it or more was such a wait, not a failed activation, which answers at once.
     */
    private static long lockTimeoutMillis(BundleContext context) {
        String value = context.getProperty(SCR_LOCK_TIMEOUT);
        try {
            return value == null ? SCR_DEFAULT_LOCK_TIMEOUT_MS : Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return SCR_DEFAULT_LOCK_TIMEOUT_MS;
        }
    }

    /** The completed get, waited for however long the activation takes, interruptibly. */
    private static Object gotService(CompletableFuture<Object> got) throws InterruptedException {
        try {
            return got.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("completed only with a value", e);
        }
    }

    /** Lets go of the services; after the framework stopped there is nothing left to let go of. */
    @Override
    public void close() {
        for (ServiceTracker<Object, Object> tracker : trackers) {
            try {
                tracker.close();
            } catch (IllegalStateException stopped) {
                // The framework has stopped: its services are gone with it.
            }
        }
    }
}
