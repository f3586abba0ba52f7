package io.promethium.rest.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import io.promethium.launcher.spi.Lifecycle;
import org.eclipse.osgitech.rest.runtime.JerseyServiceRuntime;
import org.osgi.framework.BundleContext;
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

    private final Thread starter;
    private volatile boolean stopped;

    @Activate
    public RestWhiteboardComponent(BundleContext context, Map<String, Object> properties, @Reference Lifecycle lifecycle) {
        runtime = new JerseyServiceRuntime<>(context,
                (path, config) -> {
                    try {
                        return new RoutesContainer(context, path, config);
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
    }
}
