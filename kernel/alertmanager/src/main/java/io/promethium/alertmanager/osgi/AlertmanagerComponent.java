package io.promethium.alertmanager.osgi;

import io.promethium.alertmanager.api.AlertmanagerApi;
import io.promethium.alertmanager.api.AlertmanagerResource;
import io.promethium.alertmanager.api.AlertmanagerV2;
import io.promethium.alertmanager.api.V2Errors;
import io.promethium.alertmanager.runtime.AlertmanagerRuntime;
import io.promethium.alerting.AlertPreparation;
import io.promethium.alerting.AlertSender;
import io.promethium.api.collect.Collector;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.config.ConfigException;
import io.promethium.api.config.Durations;
import io.promethium.api.model.Labels;
import io.promethium.api.notify.Alert;
import io.promethium.api.http.HttpClientFactory;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.plugin.MetricsRegistrar;
import io.promethium.api.web.HttpRoutes;
import io.promethium.config.ConfigConsumer;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.config.relabel.Relabeler;
import jakarta.ws.rs.container.ContainerResponseFilter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The in-process Alertmanager as a DS component. Idle unless {@code --alertmanager.config.file}
 * is set; then it loads that file, registers an {@link AlertSender} (the rules bundle sends to
 * every AlertSender, so alerts reach this one beside any external Alertmanagers), the API v2
 * ({@code /api/v2/alerts} as a route, the rest as a JAX-RS resource) and its metrics, and reloads the file whenever the server's config reloads (SIGHUP,
 * {@code /-/reload}), as a {@link ConfigConsumer}. Notifier plugins are handed to the runtime
 * as they come and go (its tracker closes what a plugin that went built, rebuilds from a
 * replacement at once, and lets receivers of a key no plugin owns wait); a config that failed
 * to load is loaded again when a plugin arrives.
 *
 * <p>Flags read: {@code promethium.flag.alertmanager.config.file},
 * {@code promethium.flag.alertmanager.storage.path}, {@code promethium.flag.alertmanager.data.retention},
 * {@code promethium.flag.alertmanager.fault.pause-before-log} (fault tests only),
 * {@code promethium.external-url} (resolved by the launcher).
 */
@Component(immediate = true, service = {})
public final class AlertmanagerComponent {

    private static final Logger LOG = Logger.getLogger(AlertmanagerComponent.class.getName());

    private final List<NotifierFactory> factories = new ArrayList<>();
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private volatile AlertmanagerRuntime runtime;
    private volatile Labels externalLabels = Labels.EMPTY;
    private volatile Relabeler relabel = Relabeler.NONE;
    /** The api tracer notifiers get: their HTTP sends are client spans (bound below, optional and dynamic). */
    private final BoundTracer notifierTracer = new BoundTracer();

    @Activate
    public AlertmanagerComponent(BundleContext context, @Reference MetricsRegistrar pluginMetrics,
                                 @Reference HttpClientFactory httpClients,
                                 @Reference(cardinality = ReferenceCardinality.OPTIONAL,
                                         policyOption = org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY)
                                 io.promethium.tracing.Tracing tracing) {
        io.promethium.tracing.Tracing traced = tracing == null ? io.promethium.tracing.Tracing.NONE : tracing;
        String file = context.getProperty("promethium.flag.alertmanager.config.file");
        if (file == null || file.isBlank()) {
            LOG.fine("no --alertmanager.config.file: the in-process Alertmanager is off");
            return;
        }
        Path storage = storagePath(name -> context.getProperty("promethium.flag." + name));
        String retentionFlag = context.getProperty("promethium.flag.alertmanager.data.retention");
        Duration retention;
        try {
            retention = retentionFlag == null || retentionFlag.isBlank() ? Duration.ofHours(120) : Durations.parse(retentionFlag.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--alertmanager.data.retention: not a valid duration: " + retentionFlag, e);
        }
        AlertmanagerRuntime rt = new AlertmanagerRuntime(Path.of(file.strip()), storage, retention,
                context.getProperty("promethium.external-url"),
                Clock.systemUTC(), pluginMetrics, httpClients, traced, notifierTracer);
        String held = context.getProperty("promethium.flag.alertmanager.fault.pause-before-log");
        if (held != null && !held.isBlank()) {
            rt.holdNotificationLogEntriesOf(held.strip());
        }
        synchronized (factories) {
            factories.forEach(rt::addFactory);
            runtime = rt;
        }
        // The first load comes with the server's first config load (applyConfig), once every
        // startup bundle, notifier plugins included, is active; a bad file then stops the start.
        AlertSender sender = this::send;
        ConfigConsumer consumer = this::applyConfig;
        Collector collector = this::collect;
        registrations.add(context.registerService(AlertSender.class, sender, null));
        registrations.add(context.registerService(ConfigConsumer.class, consumer, null));
        registrations.add(context.registerService(Collector.class, collector, null));
        AlertmanagerV2 api = new AlertmanagerV2(() -> runtime, () -> traced.tracer(io.promethium.tracing.Tracing.ALERTMANAGER));
        registrations.add(context.registerService(HttpRoutes.class, new AlertmanagerApi(api), null));
        // The rest of /api/v2 through the Jakarta REST whiteboard, which starts after ready: the
        // reserved path answers 503 before ready (as Prometheus's API) and then waits for Jersey.
        Dictionary<String, Object> errors = new Hashtable<>();
        errors.put("osgi.jakartars.extension", Boolean.TRUE);
        errors.put("osgi.jakartars.name", V2Errors.NAME);
        registrations.add(context.registerService(ContainerResponseFilter.class, new V2Errors(), errors));
        Dictionary<String, Object> resource = new Hashtable<>();
        resource.put("osgi.jakartars.resource", Boolean.TRUE);
        resource.put("promethium.rest.reserve", "/api/v2");
        registrations.add(context.registerService(AlertmanagerResource.class, new AlertmanagerResource(api), resource));
    }

    /**
     * Where the silences and the notification log live: {@code --alertmanager.storage.path}
     * (Alertmanager's own {@code --storage.path}) when set, else {@code alertmanager} in the
     * server's data folder ({@code --storage.tsdb.path}), so a server started on another data
     * folder does not share the silences of the install's default one.
     *
     * @param flags a flag's value by name ({@code storage.tsdb.path}), null when not set
     */
    static Path storagePath(java.util.function.Function<String, String> flags) {
        String storage = flags.apply("alertmanager.storage.path");
        if (storage != null && !storage.isBlank()) {
            return Path.of(storage.strip());
        }
        String tsdb = flags.apply("storage.tsdb.path");
        return Path.of(tsdb == null || tsdb.isBlank() ? "data" : tsdb.strip()).resolve("alertmanager");
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            target = "(" + io.promethium.api.trace.Tracer.SERVICE_PROPERTY + "=" + io.promethium.api.trace.Tracer.ALERTMANAGER + ")")
    public void bindTracer(io.promethium.api.trace.Tracer tracer) {
        notifierTracer.bind(tracer);
    }

    public void unbindTracer(io.promethium.api.trace.Tracer tracer) {
        notifierTracer.unbind(tracer);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void bindNotifierFactory(NotifierFactory factory) {
        AlertmanagerRuntime rt;
        synchronized (factories) {
            factories.add(factory);
            rt = runtime;
            if (rt != null) {
                rt.addFactory(factory);
            }
        }
        if (rt != null && rt.active() != null && !rt.lastReloadOk()) {
            try {
                rt.reload();
            } catch (ConfigException e) {
                LOG.log(Level.FINE, "reload after notifier " + factory.type() + " arrived still fails", e);
            }
        }
    }

    public void unbindNotifierFactory(NotifierFactory factory) {
        synchronized (factories) {
            factories.remove(factory);
            AlertmanagerRuntime rt = runtime;
            if (rt != null) {
                rt.removeFactory(factory);
            }
        }
    }

    @Deactivate
    public void deactivate() {
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                LOG.log(Level.FINE, "already unregistered", e);
            }
        }
        registrations.clear();
        AlertmanagerRuntime rt = runtime;
        runtime = null;
        if (rt != null) {
            rt.close();
        }
    }

    private void applyConfig(PrometheusConfig config) throws ConfigException {
        externalLabels = config.global().externalLabels();
        relabel = new Relabeler(config.alerting().alertRelabelConfigs());
        AlertmanagerRuntime rt = runtime;
        if (rt != null) {
            rt.reload();
        }
    }

    private void send(List<Alert> alerts) {
        AlertmanagerRuntime rt = runtime;
        if (rt != null) {
            rt.receive(AlertPreparation.prepare(alerts, externalLabels, relabel));
        }
    }

    private void collect(MetricWriter writer) {
        AlertmanagerRuntime rt = runtime;
        if (rt != null) {
            rt.collect(writer);
        }
    }
}
