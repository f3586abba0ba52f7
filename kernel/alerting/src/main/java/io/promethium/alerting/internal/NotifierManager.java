package io.promethium.alerting.internal;

import io.promethium.alerting.AlertSender;
import io.promethium.alerting.AlertmanagerTargets;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.api.notify.Alert;
import io.promethium.config.http.KernelHttpClientFactory;
import io.promethium.config.model.AlertingConfig;
import io.promethium.config.model.AlertmanagerConfig;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.config.plugin.PluginMetricsRegistry;
import io.promethium.discovery.DiscoveryService;
import io.promethium.discovery.DiscoveryManager;
import io.promethium.config.relabel.Relabeler;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Prometheus's notifier: a bounded queue of alerts (oldest dropped when full, and counted) and a
 * dispatcher that sends batches of up to {@code --alertmanager.notification-batch-size} (default
 * {@value #MAX_BATCH}) to every Alertmanager of every set,
 * each post on its own virtual thread with the set's timeout. {@link #send} never blocks, so a
 * slow or dead Alertmanager never holds up rule evaluation.
 */
public final class NotifierManager implements AlertSender, AlertmanagerTargets {

    private static final Logger LOG = Logger.getLogger(NotifierManager.class.getName());
    static final int MAX_BATCH = 256;

    private final int capacity;
    private final int batchSize;
    private final ArrayDeque<Alert> queue = new ArrayDeque<>();
    /** Guards {@link #queue}; a lock rather than a monitor so the waiting virtual thread never pins its carrier (Java 21). */
    private final ReentrantLock queueLock = new ReentrantLock();
    private final Condition queueNotEmpty = queueLock.newCondition();
    private final NotifierMetrics metrics = new NotifierMetrics();
    private final Object configLock = new Object();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final boolean drainOnShutdown;
    private volatile List<AlertmanagerSet> sets = List.of();
    private volatile Labels externalLabels = Labels.EMPTY;
    private volatile Relabeler alertRelabeler = Relabeler.NONE;
    private final Thread dispatcher;

    /** The consumer name in the discovery manager and its metrics, as Prometheus's. */
    static final String CONSUMER = "notify";

    private final DiscoveryService discovery;
    /** The discovery manager this instance made for itself (flat class path), else null. */
    private final DiscoveryManager ownDiscovery;

    /** A notifier with a discovery manager of its own (flat class path, tests): add plugins with {@link #addDiscovererFactory}. */
    public NotifierManager(int capacity, boolean drainOnShutdown) {
        this(capacity, MAX_BATCH, drainOnShutdown);
    }

    /** As {@link #NotifierManager(int, boolean)}, sending at most {@code batchSize} alerts per post. */
    public NotifierManager(int capacity, int batchSize, boolean drainOnShutdown) {
        this(capacity, batchSize, drainOnShutdown, new DiscoveryManager(Duration.ofSeconds(5), new PluginMetricsRegistry(),
                new KernelHttpClientFactory()), true);
    }

    /** A notifier fed by a shared discovery service. */
    public NotifierManager(int capacity, boolean drainOnShutdown, DiscoveryService discovery) {
        this(capacity, MAX_BATCH, drainOnShutdown, discovery, false);
    }

    /** A notifier fed by a shared discovery service, sending at most {@code batchSize} alerts per post. */
    public NotifierManager(int capacity, int batchSize, boolean drainOnShutdown, DiscoveryService discovery) {
        this(capacity, batchSize, drainOnShutdown, discovery, false);
    }

    private NotifierManager(int capacity, int batchSize, boolean drainOnShutdown, DiscoveryService discovery, boolean owned) {
        this.discovery = java.util.Objects.requireNonNull(discovery, "discovery is null");
        this.ownDiscovery = owned ? (DiscoveryManager) discovery : null;
        if (capacity < 1) {
            throw new IllegalArgumentException("notification queue capacity must be positive: " + capacity);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("notification batch size must be positive: " + batchSize);
        }
        this.capacity = capacity;
        this.batchSize = batchSize;
        this.drainOnShutdown = drainOnShutdown;
        this.dispatcher = Thread.ofVirtual().name("alert-dispatcher").start(this::dispatch);
    }

    public int capacity() {
        return capacity;
    }

    public int queueLength() {
        queueLock.lock();
        try {
            return queue.size();
        } finally {
            queueLock.unlock();
        }
    }

    public long dropped() {
        return metrics.dropped.sum();
    }

    /** For a manager with its own discovery: a discovery plugin arrived. */
    public void addDiscovererFactory(DiscovererFactory factory) {
        ownDiscovery().addFactory(factory);
    }

    /** For a manager with its own discovery: a discovery plugin went away (its Alertmanagers go too). */
    public void removeDiscovererFactory(DiscovererFactory factory) {
        ownDiscovery().removeFactory(factory);
    }

    private DiscoveryManager ownDiscovery() {
        if (ownDiscovery == null) {
            throw new IllegalStateException("this notifier follows a shared discovery service; add plugins there");
        }
        return ownDiscovery;
    }

    /** Rebuilds the Alertmanager sets from the {@code alerting} section; discovery keeps unchanged discoverers running. */
    public void applyConfig(PrometheusConfig config) throws ConfigException {
        AlertingConfig alerting = config.alerting();
        Path baseDir = config.file() == null ? Path.of("").toAbsolutePath() : config.file().toAbsolutePath().getParent();
        List<AlertmanagerSet> fresh = new ArrayList<>();
        Map<String, List<PluginConfig>> discoverySets = new LinkedHashMap<>();
        Map<String, Integer> staticTargets = new LinkedHashMap<>();
        for (int i = 0; i < alerting.alertmanagers().size(); i++) {
            AlertmanagerConfig am = alerting.alertmanagers().get(i);
            AlertmanagerSet set = new AlertmanagerSet("config-" + i, am, baseDir);
            fresh.add(set);
            discoverySets.put(set.name(), am.discoveryConfigs());
            staticTargets.put(set.name(), io.promethium.config.model.StaticConfig.targetCount(am.staticConfigs()));
        }
        ConfigException discoveryError = null;
        synchronized (configLock) {
            List<AlertmanagerSet> old = sets;
            for (AlertmanagerSet set : fresh) {
                for (AlertmanagerSet previous : old) {
                    if (previous.name().equals(set.name())) {
                        // Until the discovery manager's next update, keep what the set had found.
                        set.replaceDiscovered(previous.discovered());
                    }
                }
            }
            externalLabels = config.global().externalLabels();
            alertRelabeler = new Relabeler(alerting.alertRelabelConfigs());
            sets = List.copyOf(fresh);
            for (AlertmanagerSet s : old) {
                s.close();
            }
        }
        try {
            discovery.apply(CONSUMER, discoverySets, staticTargets, baseDir, this::discovered);
        } catch (ConfigException e) {
            discoveryError = e;
        }
        if (discoveryError != null) {
            throw discoveryError;
        }
    }

    /** The discovery manager's groups for every Alertmanager set. */
    private void discovered(Map<String, List<TargetGroup>> groupsBySet) {
        for (AlertmanagerSet set : sets) {
            List<TargetGroup> groups = groupsBySet.get(set.name());
            if (groups != null) {
                set.replaceDiscovered(groups);
            }
        }
    }

    /** Adds external labels (without overriding), applies {@code alert_relabel_configs}, and queues. */
    @Override
    public void send(List<Alert> alerts) {
        List<Alert> prepared = io.promethium.alerting.AlertPreparation.prepare(alerts, externalLabels, alertRelabeler);
        if (prepared.isEmpty()) {
            return;
        }
        queueLock.lock();
        try {
            List<Alert> incoming = prepared;
            if (incoming.size() > capacity) {
                metrics.dropped.add(incoming.size() - capacity);
                incoming = incoming.subList(incoming.size() - capacity, incoming.size());
            }
            int overflow = queue.size() + incoming.size() - capacity;
            for (int i = 0; i < overflow; i++) {
                queue.pollFirst();
            }
            if (overflow > 0) {
                metrics.dropped.add(overflow);
            }
            queue.addAll(incoming);
            queueNotEmpty.signalAll();
        } finally {
            queueLock.unlock();
        }
    }

    private void dispatch() {
        while (true) {
            List<Alert> batch = new ArrayList<>(Math.min(batchSize, MAX_BATCH));
            queueLock.lock();
            try {
                while (queue.isEmpty() && running.get()) {
                    try {
                        queueNotEmpty.await();
                    } catch (InterruptedException e) {
                        if (!running.get()) {
                            break;
                        }
                    }
                }
                if (queue.isEmpty() && !running.get()) {
                    return;
                }
                if (!running.get() && !drainOnShutdown) {
                    return;
                }
                while (batch.size() < batchSize && !queue.isEmpty()) {
                    batch.add(queue.pollFirst());
                }
            } finally {
                queueLock.unlock();
            }
            if (!sendAll(batch)) {
                metrics.dropped.add(batch.size());
            }
        }
    }

    /** Sends to every Alertmanager; true when at least one took the alerts. */
    boolean sendAll(List<Alert> batch) {
        List<AlertmanagerSet> current = sets;
        List<Thread> threads = new ArrayList<>();
        AtomicBoolean anyOk = new AtomicBoolean(false);
        for (AlertmanagerSet set : current) {
            List<URI> targets = set.active();
            if (targets.isEmpty()) {
                continue;
            }
            List<Alert> alerts = batch;
            if (!set.alertRelabeler().isEmpty()) {
                alerts = new ArrayList<>();
                for (Alert a : batch) {
                    Labels l = set.alertRelabeler().process(a.labels());
                    if (l != null && !l.isEmpty()) {
                        alerts.add(new Alert(l, a.annotations(), a.startsAt(), a.endsAt(), a.generatorUrl()));
                    }
                }
                if (alerts.isEmpty()) {
                    continue;
                }
            }
            byte[] body = AlertJson.encode(alerts);
            int count = alerts.size();
            for (URI url : targets) {
                threads.add(Thread.ofVirtual().name("alert-post " + url).start(() -> {
                    if (set.post(url, body, metrics.target(url.toString()), count)) {
                        anyOk.set(true);
                    } else {
                        LOG.log(Level.FINE, () -> "sending " + count + " alerts to " + url + " failed");
                    }
                }));
            }
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return anyOk.get();
            }
        }
        return anyOk.get();
    }

    @Override
    public List<URI> activeAlertmanagers() {
        List<URI> out = new ArrayList<>();
        for (AlertmanagerSet s : sets) {
            out.addAll(s.active());
        }
        return out;
    }

    @Override
    public List<URI> droppedAlertmanagers() {
        List<URI> out = new ArrayList<>();
        for (AlertmanagerSet s : sets) {
            out.addAll(s.dropped());
        }
        return out;
    }

    public void collect(MetricWriter w) {
        metrics.collect(w, queueLength(), capacity, () -> activeAlertmanagers().size());
    }

    /** Stops discovery and the dispatcher, sending what is queued first when draining is on (bounded wait). */
    public void close(Duration drainTimeout) {
        discovery.remove(CONSUMER);
        if (ownDiscovery != null) {
            ownDiscovery.close();
        }
        running.set(false);
        queueLock.lock();
        try {
            queueNotEmpty.signalAll();
        } finally {
            queueLock.unlock();
        }
        try {
            dispatcher.join(drainOnShutdown ? drainTimeout : Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        dispatcher.interrupt();
        for (AlertmanagerSet s : sets) {
            s.close();
        }
    }
}
