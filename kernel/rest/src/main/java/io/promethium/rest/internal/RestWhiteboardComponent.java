package io.promethium.rest.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import io.promethium.launcher.spi.Lifecycle;
import org.eclipse.osgitech.rest.runtime.JerseyServiceRuntime;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;
import org.osgi.service.jakartars.whiteboard.JakartarsWhiteboardConstants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jakartars.runtime.JakartarsServiceRuntimeConstants;

/**
 * The runtime adapter of the Jakarta RESTful Web Services Whiteboard (OSGi compendium ch. 151):
 * the maintained whiteboard implementation (Eclipse OSGi Technology REST, on Jersey) tracks the
 * applications, resources and extensions plugins register, and hands each application to
 * {@link RoutesContainer}, which serves it through the web bundle's route whiteboard. So a JAX-RS
 * resource is served on the server's port behind its TLS, authentication, route prefix and request
 * metrics, like every other route.
 *
 * <p>Why an adapter of ours: the project's own adapters start a Jetty 11 server of their own
 * ({@code org.eclipse.osgitech.rest.jetty}) or need an OSGi Servlet Whiteboard; the server here is
 * the web bundle's Jetty 12 core, reached through {@code HttpRoutes}. The adapter is the only part
 * written here (this bundle); applications, resource models, extension ordering, the runtime DTOs
 * and failure reporting are the implementation's.
 */
@Component(immediate = true, name = "io.promethium.rest")
public final class RestWhiteboardComponent {

    private static final Logger LOG = Logger.getLogger(RestWhiteboardComponent.class.getName());

    private final JerseyServiceRuntime<RoutesContainer> runtime;
    private final Mounts mounts;
    /** Resources that reserve their path ({@value #RESERVE}) before the whiteboard has started. */
    private final ServiceTracker<Object, String> reservations;

    /**
     * A resource service's property naming the path (below the route prefix) it is served at: the
     * path is mounted before the whiteboard starts, so a request there answers 503 before ready
     * and, after, waits for the resource instead of a 404 (see {@link Mounts}).
     */
    static final String RESERVE = "promethium.rest.reserve";

    private final Thread starter;
    private volatile boolean stopped;

    @Activate
    public RestWhiteboardComponent(BundleContext context, Map<String, Object> properties, @Reference Lifecycle lifecycle)
            throws InvalidSyntaxException {
        mounts = new Mounts(context, lifecycle::ready);
        reservations = new ServiceTracker<>(context,
                context.createFilter("(&(" + JakartarsWhiteboardConstants.JAKARTA_RS_RESOURCE + "=true)(" + RESERVE + "=*))"),
                new ServiceTrackerCustomizer<>() {
                    @Override
                    public String addingService(ServiceReference<Object> reference) {
                        String path = reservedPath(reference);
                        if (path == null) {
                            LOG.warning(RESERVE + " \"" + reference.getProperty(RESERVE) + "\" of a resource of bundle "
                                    + reference.getBundle().getSymbolicName() + " is not a path (/a/b): ignored");
                            return null;
                        }
                        mounts.reserve(path);
                        return path;
                    }

                    @Override
                    public void modifiedService(ServiceReference<Object> reference, String path) {
                    }

                    @Override
                    public void removedService(ServiceReference<Object> reference, String path) {
                        mounts.release(path);
                    }
                });
        reservations.open(true);
        runtime = new JerseyServiceRuntime<>(context,
                (path, config) -> {
                    try {
                        return new RoutesContainer(mounts, path, config);
                    } catch (RuntimeException | LinkageError e) {
                        // The implementation runs this on its executor, which would drop the error unseen.
                        LOG.log(Level.SEVERE, "JAX-RS application at " + path + " cannot be served", e);
                        throw e;
                    }
                },
                (path, container) -> container.close());
        Map<String, Object> runtimeProperties = new HashMap<>(properties);
        // The server's own address is the web bundle's; the endpoint is relative to its route prefix.
        runtimeProperties.put(JakartarsServiceRuntimeConstants.JAKARTA_RS_SERVICE_ENDPOINT, new String[] {"/"});
        // Jersey's first application costs ~1 s of CPU (HK2, the resource model): the whiteboard
        // starts once the server is ready, so it does not delay /-/ready (kernel/rest/README.md).
        starter = Thread.ofVirtual().name("jakarta-rest-whiteboard-start").start(() -> {
            try {
                while (!lifecycle.ready()) {
                    Thread.sleep(READY_POLL_MILLIS);
                }
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                if (stopped) {
                    return;
                }
                long start = System.nanoTime();
                runtime.start(runtimeProperties);
                LOG.fine(() -> "Jakarta REST whiteboard started in " + (System.nanoTime() - start) / 1_000_000 + " ms");
            }
        });
    }

    private static final long READY_POLL_MILLIS = 50;

    @Deactivate
    void deactivate() {
        starter.interrupt();
        synchronized (this) {
            stopped = true;
        }
        runtime.teardown(5, TimeUnit.SECONDS);
        reservations.close();
        mounts.close();
    }

    /** The reserved path: {@code /} and literal segments, no trailing slash; null when it is not one. */
    static String reservedPath(ServiceReference<?> reference) {
        Object value = reference.getProperty(RESERVE);
        String path = value instanceof String s ? s.strip() : null;
        if (path == null || !path.matches("(/[^/{}\\s]+)+")) {
            return null;
        }
        return path;
    }
}
