package io.promethium.push.internal;

import io.promethium.api.collect.Collector;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.storage.Storage;
import io.promethium.api.web.HttpRoutes;
import io.promethium.launcher.spi.ServerInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The push endpoint as a DS component: reads the {@code --push.*} flags, restores the groups
 * from the persistence file, registers the Pushgateway's routes on the route whiteboard (so the
 * web bundle serves them behind its TLS and authentication), and runs the background work: expiry
 * by time to live, persistence on an interval, appending to the storage on an interval. Binds
 * {@link Storage} dynamically: while there is none, the groups are still served, only not stored.
 * On deactivation the routes go away and the groups are persisted once more.
 */
@Component(immediate = true, service = Collector.class)
public final class PushComponent implements Collector {

    private static final Logger LOG = Logger.getLogger(PushComponent.class.getName());

    private final PushSettings settings;
    private final List<ServiceRegistration<HttpRoutes>> registrations = new ArrayList<>();
    private volatile Storage storage;
    private volatile ServerInfo serverInfo;
    private final Instant started = Instant.now();
    private GroupStore store;
    private ScheduledExecutorService background;
    private long persistedVersion = -1;
    private final PushMetrics metrics = new PushMetrics();

    @Activate
    public PushComponent(BundleContext context) {
        this.settings = PushSettings.from(name -> context.getProperty(PushSettings.FLAG + name));
        if (!settings.enabled()) {
            LOG.info("push endpoint disabled (--push.enabled=false)");
            return;
        }
        store = new GroupStore(settings.limits(), GroupStore::wallClockNanos);
        restore();
        background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "push-endpoint");
            t.setDaemon(true);
            return t;
        });
        background.scheduleWithFixedDelay(this::expire, 1, 1, TimeUnit.SECONDS);
        long persistMillis = settings.persistenceInterval().toMillis();
        background.scheduleWithFixedDelay(this::persist, persistMillis, persistMillis, TimeUnit.MILLISECONDS);
        if (settings.storageEnabled()) {
            StorageFeeder feeder = new StorageFeeder(store, settings.honorLabels(), settings.storageJob(), settings.storageInstance(), metrics);
            long storeMillis = settings.storageInterval().toMillis();
            background.scheduleAtFixedRate(() -> feed(feeder), storeMillis, storeMillis, TimeUnit.MILLISECONDS);
        }
        PushEndpoint endpoint = new PushEndpoint(store, settings, this::status, metrics);
        for (Route route : endpoint.routes()) {
            registrations.add(context.registerService(HttpRoutes.class, route, new Hashtable<>(Map.of("promethium.push.path", route.pathPrefix()))));
        }
        LOG.info("push endpoint on /metrics/job (pushed page " + PushEndpoint.PAGE_PATH + "), persistence file " + settings.persistenceFile());
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
        if (background != null) {
            background.shutdownNow();
            try {
                background.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            persist();
        }
    }

    @Override
    public void collect(MetricWriter writer) {
        if (store != null) {
            metrics.collect(writer, store);
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

    private synchronized void persist() {
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

    private void expire() {
        try {
            int n = store.expire();
            if (n > 0) {
                LOG.fine(() -> "push: " + n + " groups expired");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "push: expiry failed", e);
        }
    }

    private void feed(StorageFeeder feeder) {
        try {
            feeder.tick(storage, System.currentTimeMillis());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "push: storing the pushed groups failed", e);
        }
    }
}
