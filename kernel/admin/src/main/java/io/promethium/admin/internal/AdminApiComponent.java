package io.promethium.admin.internal;

import io.promethium.config.lifecycle.PluginStates;
import io.promethium.launcher.spi.PluginDirectory;
import io.promethium.launcher.spi.PluginThreads;
import io.promethium.web.spi.AdminAccess;
import jakarta.ws.rs.container.ContainerResponseFilter;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Set;
import java.util.logging.Logger;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Registers the plugin admin API as a JAX-RS resource of the Jakarta REST whiteboard
 * ({@code osgi.jakartars.resource}), once the web bundle says who may use it ({@link AdminAccess}).
 * The whiteboard starts after the server is ready; until it serves the resource, promethium-rest
 * holds the path ({@code promethium.rest.reserve}): {@code 503} before ready, then the request
 * waits for the resource (kernel/admin/README.md).
 */
@Component(immediate = true)
public final class AdminApiComponent {

    private static final Logger LOG = Logger.getLogger(AdminApiComponent.class.getName());

    /** Where the resource is served (its {@code @Path}), below the route prefix. */
    static final String PATH = "/api/v1/admin/plugins";

    private volatile PluginStates states;
    private final ServiceRegistration<PluginAdminResource> registration;
    private final ServiceRegistration<ContainerResponseFilter> plainErrors;

    @Activate
    public AdminApiComponent(BundleContext context, @Reference PluginDirectory plugins, @Reference PluginThreads threads,
                             @Reference(service = AdminAccess.class) ServiceReference<AdminAccess> accessReference) {
        AdminAccess access = context.getService(accessReference);
        if (access == null) {
            throw new IllegalStateException("the web bundle's AdminAccess went away");
        }
        // The framework, the web bundle and this one: stopping either through this API would take it down mid-answer.
        Set<Long> kept = Set.of(0L, accessReference.getBundle().getBundleId(), context.getBundle().getBundleId());
        PluginAdminResource resource = new PluginAdminResource(context, plugins, access, () -> states, threads, kept);
        Dictionary<String, Object> extension = new Hashtable<>();
        extension.put("osgi.jakartars.extension", Boolean.TRUE);
        extension.put("osgi.jakartars.name", PlainErrors.NAME);
        plainErrors = context.registerService(ContainerResponseFilter.class, new PlainErrors(), extension);
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("osgi.jakartars.resource", Boolean.TRUE);
        properties.put("promethium.rest.reserve", PATH);
        registration = context.registerService(PluginAdminResource.class, resource, properties);
        LOG.fine("Plugin admin API registered with the Jakarta REST whiteboard at " + PATH);
    }

    @Deactivate
    void deactivate() {
        unregister(registration);
        unregister(plainErrors);
    }

    private static void unregister(ServiceRegistration<?> registration) {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping: the framework unregistered it
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindPluginStates(PluginStates service) {
        states = service;
    }

    void unbindPluginStates(PluginStates service) {
        if (states == service) {
            states = null;
        }
    }
}
