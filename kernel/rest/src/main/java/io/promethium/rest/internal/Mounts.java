package io.promethium.rest.internal;

import io.promethium.api.web.HttpExchange;
import io.promethium.api.web.HttpRoutes;
import java.io.IOException;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * The {@code HttpRoutes} services the whiteboard's applications are served through, one per
 * mounted path, shared by every application's {@link RoutesContainer}. A path may also be
 * <em>reserved</em> by a resource service's {@code promethium.rest.reserve} property before the
 * whiteboard has started (it starts after ready): the path is mounted at once, answers
 * {@code 503 Service Unavailable} while the server is not ready (as Prometheus's API does), and
 * once ready waits (up to {@link #START_WAIT_MILLIS}) for Jersey to serve the resource, then
 * hands the request on. One service per path, its target switched, so a reserved path never
 * meets a route conflict in the web bundle's table.
 */
final class Mounts {

    /** What serves a mounted path: an application's {@link RoutesContainer}. */
    interface Served {
        void serve(HttpExchange exchange) throws IOException;
    }

    /** How long a request to a reserved path waits, once the server is ready, for the whiteboard to serve it. */
    static final long START_WAIT_MILLIS = 30_000;

    /** How long a request whose path was unmounted under it waits for the path to be mounted again. */
    static final long REMOUNT_WAIT_MILLIS = 5_000;

    private final BundleContext context;
    private final BooleanSupplier ready;
    private final Map<String, Slot> slots = new HashMap<>();

    Mounts(BundleContext context, BooleanSupplier ready) {
        this.context = context;
        this.ready = ready;
    }

    /** A resource reserves {@code prefix} (counted: two resources may reserve one path). */
    synchronized void reserve(String prefix) {
        Slot slot = slots.computeIfAbsent(prefix, p -> register(new Slot(p, false)));
        slot.reservations++;
    }

    synchronized void release(String prefix) {
        Slot slot = slots.get(prefix);
        if (slot != null) {
            slot.reservations--;
            dropIfUnused(slot);
        }
    }

    /** {@code container} serves {@code mount}: the path's service (reserved or new) hands requests to it. */
    synchronized void mount(RoutesContainer.Mount mount, Served container) {
        Slot slot = slots.get(mount.prefix());
        if (slot != null && slot.exact != mount.exact()) {
            // Reserved as a prefix, served exactly (or back): the service says which, so it is registered again.
            Slot replaced = new Slot(mount.prefix(), mount.exact());
            replaced.reservations = slot.reservations;
            slot.close();
            slot = register(replaced);
            slots.put(mount.prefix(), slot);
        } else if (slot == null) {
            slot = register(new Slot(mount.prefix(), mount.exact()));
            slots.put(mount.prefix(), slot);
        }
        slot.serve(container);
        notifyAll();
    }

    /**
     * What serves {@code prefix} once it is mounted again, waiting until {@code deadline}: for a
     * request that took a path's service just before it was unmounted (a plugin's resource being
     * swapped), as the route table waits for a replacement. Null when it is not in time.
     */
    synchronized Served awaitRemount(String prefix, long deadline) {
        while (true) {
            Slot slot = slots.get(prefix);
            if (slot != null && slot.target != null) {
                return slot.target;
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return null;
            }
            try {
                wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /** {@code container} no longer serves {@code prefix}; a reserved path stays mounted, waiting again. */
    synchronized void unmount(String prefix, Served container) {
        Slot slot = slots.get(prefix);
        if (slot != null && slot.target == container) {
            slot.serve(null);
            dropIfUnused(slot);
        }
    }

    synchronized void close() {
        slots.values().forEach(Slot::close);
        slots.clear();
    }

    private void dropIfUnused(Slot slot) {
        if (slot.reservations <= 0 && slot.target == null) {
            slots.remove(slot.prefix);
            slot.close();
        }
    }

    private Slot register(Slot slot) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("promethium.rest.path", slot.prefix);
        slot.registration = context.registerService(HttpRoutes.class, slot, props);
        return slot;
    }

    /** One mounted path. */
    private final class Slot implements HttpRoutes {
        final String prefix;
        final boolean exact;
        int reservations;
        volatile Served target;
        ServiceRegistration<HttpRoutes> registration;
        volatile boolean closed;
        private final Object changed = new Object();

        Slot(String prefix, boolean exact) {
            this.prefix = Objects.requireNonNull(prefix);
            this.exact = exact;
        }

        void serve(Served container) {
            synchronized (changed) {
                target = container;
                changed.notifyAll();
            }
        }

        void close() {
            closed = true;
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping: the framework unregistered it
            }
            serve(null);
        }

        @Override
        public String pathPrefix() {
            return prefix;
        }

        @Override
        public boolean exactPath() {
            return exact;
        }

        @Override
        public void handle(HttpExchange exchange) throws IOException {
            Served container = target;
            if (container == null) {
                container = awaitTarget();
            }
            if (container == null && closed && ready.getAsBoolean()) {
                // Unmounted under this request (its resource is being swapped): the path's next service serves it.
                container = awaitRemount(prefix, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REMOUNT_WAIT_MILLIS));
            }
            if (container == null) {
                exchange.respond(503, "text/plain; charset=utf-8", "Service Unavailable\n");
                return;
            }
            container.serve(exchange);
        }

        /** Waits, once the server is ready, for the whiteboard to serve this path; null when it does not in time. */
        private Served awaitTarget() {
            if (!ready.getAsBoolean()) {
                return null;
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_WAIT_MILLIS);
            synchronized (changed) {
                while (target == null) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0 || closed) {
                        return null;
                    }
                    try {
                        changed.wait(left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return null;
                    }
                }
                return target;
            }
        }
    }
}
