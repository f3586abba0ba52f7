package io.promethium.push.internal;

import io.promethium.api.collect.Collector;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.storage.Storage;
import io.promethium.api.web.HttpRoutes;
import io.promethium.launcher.spi.ServerInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The push endpoint as a DS component: reads the {@code --push.*} flags, starts a
 * {@link PushService} and registers its routes on the route whiteboard, so the web bundle serves
 * them behind its TLS and authentication. Binds {@link Storage} dynamically: while there is none,
 * the groups are still served, only not stored. Also the collector of the endpoint's metrics.
 * On deactivation the routes go away and the groups are persisted once more.
 */
@Component(immediate = true, service = Collector.class)
public final class PushComponent implements Collector {

    private static final Logger LOG = Logger.getLogger(PushComponent.class.getName());

    private final List<ServiceRegistration<HttpRoutes>> registrations = new ArrayList<>();
    private final Instant started = Instant.now();
    private final PushService service;
    private volatile Storage storage;
    private volatile ServerInfo serverInfo;

    @Activate
    public PushComponent(BundleContext context) {
        PushSettings settings = PushSettings.from(name -> context.getProperty(PushSettings.FLAG + name));
        if (!settings.enabled()) {
            LOG.info("push endpoint disabled (--push.enabled=false)");
            service = null;
            return;
        }
        service = new PushService(settings, () -> storage, this::status);
        for (Route route : service.routes()) {
            registrations.add(context.registerService(HttpRoutes.class, route,
                    new Hashtable<>(Map.of("promethium.push.path", route.pathPrefix()))));
        }
        LOG.info("push endpoint on /metrics/job (pushed page " + PushEndpoint.PAGE_PATH + "), persistence file "
                + settings.persistenceFile());
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindStorage(Storage s) {
        storage = s;
    }

    public void unbindStorage(Storage s) {
        if (storage == s) {
            storage = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindServerInfo(ServerInfo info) {
        serverInfo = info;
    }

    public void unbindServerInfo(ServerInfo info) {
        if (serverInfo == info) {
            serverInfo = null;
        }
    }

    @Deactivate
    public void deactivate() {
        for (ServiceRegistration<HttpRoutes> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // Already gone with the bundle.
            }
        }
        registrations.clear();
        if (service != null) {
            service.close();
        }
    }

    @Override
    public void collect(MetricWriter writer) {
        if (service != null) {
            service.collect(writer);
        }
    }

    private PushEndpoint.Status status() {
        ServerInfo info = serverInfo;
        if (info == null) {
            return new PushEndpoint.Status(Map.of(), started, Map.of());
        }
        return new PushEndpoint.Status(info.flags(), info.startTime(),
                Map.of("version", info.version(), "revision", info.revision()));
    }
}
