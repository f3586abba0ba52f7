package io.promethium.tracing.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.ConfigSection;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.config.SectionContext;
import io.promethium.api.http.HttpClientFactory;
import io.promethium.tracing.Tracer;
import io.promethium.tracing.Tracing;
import io.promethium.tracing.TracingSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The tracing bundle: the {@link Tracing} service the kernel's bundles start spans with, and the
 * owner of {@code prometheus.yml}'s {@code tracing:} section (applied to the
 * {@link Tracing#PROMETHEUS} service at load and every reload; absent, nothing is sent).
 * The in-process Alertmanager applies its own file's section to {@link Tracing#ALERTMANAGER}.
 * Plugins get each service's tracer as the api's {@link io.promethium.api.trace.Tracer}, a
 * service with the property {@code promethium.trace.service}.
 */
@Component(immediate = true, service = {Tracing.class, ConfigSection.class})
public final class TracingComponent implements Tracing, ConfigSection {

    private final TracingManager manager;
    /** The api's tracers for plugins, one per service; none on a flat class path. */
    private final List<ServiceRegistration<?>> apiTracers = new ArrayList<>();

    @Activate
    public TracingComponent(BundleContext context) {
        manager = new TracingManager(context.getBundle().getVersion().toString());
        // Registered by hand rather than as DS components: the tracers are views of this
        // component's manager, and plugins tell them apart by the service property.
        for (String service : List.of(PROMETHEUS, ALERTMANAGER)) {
            apiTracers.add(context.registerService(io.promethium.api.trace.Tracer.class, apiTracer(service),
                    new Hashtable<>(Map.of(io.promethium.api.trace.Tracer.SERVICE_PROPERTY, service))));
        }
    }

    /** On a flat class path (ServiceLoader: {@code check config}, embedders). */
    public TracingComponent() {
        String version = TracingComponent.class.getPackage().getImplementationVersion();
        manager = new TracingManager(version == null ? "unknown" : version);
    }

    /** A service's tracer as the api's {@link io.promethium.api.trace.Tracer}, for plugins. */
    public io.promethium.api.trace.Tracer apiTracer(String service) {
        return new ApiTracer(manager.tracer(service));
    }

    @Deactivate
    public void deactivate() {
        for (ServiceRegistration<?> r : apiTracers) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // The framework unregisters a stopping bundle's services itself.
            }
        }
        manager.close();
    }

    @Override
    public Tracer tracer(String service) {
        return manager.tracer(service);
    }

    @Override
    public void apply(String service, TracingSettings settings, HttpClientFactory tls, Path configDirectory) throws ConfigException {
        manager.apply(service, settings, tls, configDirectory);
    }

    @Override
    public String key() {
        return "tracing";
    }

    @Override
    public void validate(List<PluginConfig> entries, SectionContext context) throws ConfigException {
        parse(entries, context);
    }

    @Override
    public void apply(List<PluginConfig> entries, SectionContext context) throws ConfigException {
        manager.apply(PROMETHEUS, parse(entries, context), context.httpClients(), context.configDirectory());
    }

    private static TracingSettings parse(List<PluginConfig> entries, SectionContext context) throws ConfigException {
        return TracingSettings.parse(entries.isEmpty() ? null : entries.get(0), TracingSettings.Headers.PLAIN, context.httpClients());
    }
}
