package io.promethium.alertmanager.runtime;

import io.promethium.alertmanager.config.AlertmanagerConfig;
import io.promethium.alertmanager.config.AlertmanagerConfigLoader;
import io.promethium.alertmanager.config.IntegrationConfig;
import io.promethium.alertmanager.config.ReceiverConfig;
import io.promethium.alertmanager.dispatch.DispatchMetrics;
import io.promethium.alertmanager.dispatch.Dispatcher;
import io.promethium.alertmanager.dispatch.Inhibitor;
import io.promethium.alertmanager.dispatch.Integration;
import io.promethium.alertmanager.dispatch.Notifications;
import io.promethium.alertmanager.dispatch.Route;
import io.promethium.alertmanager.eventrecorder.EventRecorder;
import io.promethium.alertmanager.eventrecorder.Events;
import io.promethium.alertmanager.store.AlertStore;
import io.promethium.alertmanager.store.NotificationLog;
import io.promethium.alertmanager.store.SilenceStore;
import io.promethium.alertmanager.store.StoredAlert;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.config.ConfigException;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.promethium.api.notify.Alert;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.config.lifecycle.PluginTracker;
import io.promethium.config.lifecycle.PluginUse;
import io.promethium.templates.notification.NotificationTemplates;
import io.promethium.tracing.Tracing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The in-process Alertmanager: the alerts, silences and notification log (kept across config
 * reloads, the latter two on disk), and the dispatcher of the config in force. A reload that
 * fails keeps the previous config. Thread-safe.
 */
public final class AlertmanagerRuntime implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AlertmanagerRuntime.class.getName());

    /** The parts that belong to one loaded config. */
    public record Active(AlertmanagerConfig config, Dispatcher dispatcher, Notifications notifications,
                         Map<String, List<Integration>> integrations, String hash) {
    }

    private final Path configFile;
    private final Clock clock;
    private final io.promethium.api.plugin.MetricsRegistrar pluginMetrics;
    private final io.promethium.api.http.HttpClientFactory httpClients;
    private final String externalUrl;
    private final AlertStore alerts = new AlertStore();
    private final SilenceStore silences;
    private final NotificationLog nflog;
    private final DispatchMetrics metrics = new DispatchMetrics();
    /** The notifier plugins, and the integrations built from them (the kernel's one lifecycle rule). */
    private final PluginTracker<NotifierFactory> notifiers;
    private final ScheduledExecutorService maintenance;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong receivedResolved = new AtomicLong();
    private final AtomicLong invalid = new AtomicLong();
    /** Alertmanager 0.34's event recorder: outputs from the config's {@code event_recorder} block, swapped on reload. */
    private final EventRecorder events;
    private volatile boolean startupRecorded;
    private volatile Active active;
    private volatile boolean lastReloadOk;
    private final Tracing tracing;
    private final io.promethium.api.trace.Tracer notifierTracer;
    private volatile Instant lastReloadSuccess = Instant.EPOCH;
    private volatile String lastError = "not loaded yet";

    /** A runtime whose notifiers' metrics go to a registry of its own (tests, embedders). */
    public AlertmanagerRuntime(Path configFile, Path storage, Duration retention, String externalUrl, Clock clock) {
        this(configFile, storage, retention, externalUrl, clock, new io.promethium.config.plugin.PluginMetricsRegistry(),
                new io.promethium.config.http.KernelHttpClientFactory());
    }

    /**
     * @param pluginMetrics the server's plugin metrics registrar: what notifiers register shows on {@code /metrics}
     * @param httpClients the server's {@code http_config} implementation, handed to notifiers
     */
    public AlertmanagerRuntime(Path configFile, Path storage, Duration retention, String externalUrl, Clock clock,
                               io.promethium.api.plugin.MetricsRegistrar pluginMetrics,
                               io.promethium.api.http.HttpClientFactory httpClients) {
        this(configFile, storage, retention, externalUrl, clock, pluginMetrics, httpClients, Tracing.NONE);
    }

    /**
     * @param tracing where the config's {@code tracing:} section is applied (service
     *                {@link Tracing#ALERTMANAGER}) and the notification pipeline's spans go
     */
    public AlertmanagerRuntime(Path configFile, Path storage, Duration retention, String externalUrl, Clock clock,
                               io.promethium.api.plugin.MetricsRegistrar pluginMetrics,
                               io.promethium.api.http.HttpClientFactory httpClients, Tracing tracing) {
        this(configFile, storage, retention, externalUrl, clock, pluginMetrics, httpClients, tracing, io.promethium.api.trace.Tracer.NONE);
    }

    /**
     * @param notifierTracer the Alertmanager's tracer as the api offers it (its spans share the
     *                       {@code tracing} ones' current span): notifiers get it in their context, and
     *                       their HTTP clients' sends are client spans under {@code notify.Integration.Notify}
     */
    public AlertmanagerRuntime(Path configFile, Path storage, Duration retention, String externalUrl, Clock clock,
                               io.promethium.api.plugin.MetricsRegistrar pluginMetrics,
                               io.promethium.api.http.HttpClientFactory httpClients, Tracing tracing,
                               io.promethium.api.trace.Tracer notifierTracer) {
        this.notifierTracer = Objects.requireNonNull(notifierTracer, "notifierTracer is null");
        this.tracing = Objects.requireNonNull(tracing, "tracing is null");
        this.pluginMetrics = Objects.requireNonNull(pluginMetrics, "pluginMetrics is null");
        this.httpClients = Objects.requireNonNull(httpClients, "httpClients is null");
        this.configFile = Objects.requireNonNull(configFile, "configFile is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.externalUrl = externalUrl == null ? "" : externalUrl;
        this.notifiers = new PluginTracker<>("notifier", "_configs", NotifierFactory::type, Duration.ofSeconds(15), pluginMetrics);
        this.silences = new SilenceStore(storage == null ? null : storage.resolve("silences.json"), retention);
        this.nflog = new NotificationLog(storage == null ? null : storage.resolve("nflog.json"), retention);
        this.events = new EventRecorder(hostname(), httpClients, clock, System.out);
        silences.subscribe((s, created) -> events.record(() -> created ? Events.silenceCreated(s) : Events.silenceUpdated(s)));
        alerts.subscribe(a -> {
            Active current = active;
            if (current != null) {
                current.dispatcher().dispatch(a);
            }
        });
        maintenance = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("alertmanager-gc").factory());
        maintenance.scheduleWithFixedDelay(this::gc, 1, 1, TimeUnit.MINUTES);
    }

    public Path configFile() {
        return configFile;
    }

    /**
     * A notifier plugin arrived: the integrations of its type that waited are built from it, and
     * those built from an older version are rebuilt from it, at once (no reload).
     */
    public void addFactory(NotifierFactory f) {
        notifiers.add(f);
    }

    /**
     * A notifier plugin went: every notifier built from it is closed (attempts in flight are
     * interrupted), and its integrations wait for a replacement; the dispatcher, notification
     * log and silences are untouched.
     */
    public void removeFactory(NotifierFactory f) {
        notifiers.remove(f);
    }

    /** Receivers with integrations that have no notifier: receiver to why ({@code teams_configs[0]: waiting for plugin `teams`}). */
    public Map<String, List<String>> waitingReceivers() {
        Active current = active;
        Map<String, List<String>> result = new java.util.TreeMap<>();
        if (current == null) {
            return result;
        }
        for (Map.Entry<String, List<Integration>> receiver : current.integrations().entrySet()) {
            for (Integration i : receiver.getValue()) {
                String why = i.slot().why();
                if (!why.isEmpty()) {
                    result.computeIfAbsent(receiver.getKey(), r -> new ArrayList<>()).add(i.config().name() + ": " + why);
                }
            }
        }
        return result;
    }

    /** Loads the config file again; on failure the previous config stays and the error is thrown. */
    public synchronized void reload() throws ConfigException {
        AlertmanagerConfig config;
        Map<String, List<Integration>> integrations;
        NotificationTemplates templates;
        try {
            // Keys whose plugin is not installed wait for it instead of failing the load.
            config = new AlertmanagerConfigLoader(notifiers::current, true).load(configFile);
            templates = NotificationTemplates.load(config.templateFiles(), clock);
            integrations = build(config, templates);
            // As Alertmanager's ApplyConfig: a tracing section that cannot be applied (an unreadable TLS file) fails the reload.
            try {
                tracing.apply(Tracing.ALERTMANAGER, config.tracing(), httpClients, configFile.toAbsolutePath().getParent());
            } catch (ConfigException | RuntimeException e) {
                closeAll(integrations);
                throw e;
            }
        } catch (ConfigException | RuntimeException e) {
            lastReloadOk = false;
            lastError = e.getMessage();
            LOG.log(Level.SEVERE, "Loading configuration file failed: " + configFile + ": " + e.getMessage());
            if (e instanceof ConfigException ce) {
                throw ce;
            }
            throw new ConfigException(configFile + ": " + e, e);
        }
        Inhibitor inhibitor = new Inhibitor(config.inhibitRules(), alerts);
        Notifications notifications = new Notifications(config, integrations, inhibitor, silences, nflog, metrics, externalUrl, clock,
                templates, events, tracing.tracer(Tracing.ALERTMANAGER));
        events.apply(config.eventRecorder());
        if (!startupRecorded) {
            startupRecorded = true;
            events.record(() -> Events.startup(version(), "(java=" + Runtime.version() + ", platform=" + System.getProperty("os.name")
                    + "/" + System.getProperty("os.arch") + ")"));
        }
        Dispatcher dispatcher = new Dispatcher(config, notifications, clock);
        Active previous = active;
        active = new Active(config, dispatcher, notifications, integrations, hash(config.source()));
        if (previous != null) {
            previous.dispatcher().close();
            closeAll(previous.integrations());
        }
        for (StoredAlert a : alerts.list()) {
            dispatcher.dispatch(a);
        }
        lastReloadOk = true;
        lastReloadSuccess = clock.instant();
        lastError = "";
        LOG.info("Completed loading of configuration file " + configFile);
    }

    private Map<String, List<Integration>> build(AlertmanagerConfig config, NotificationTemplates templates) throws ConfigException {
        Map<String, List<Integration>> out = new HashMap<>();
        try {
            for (ReceiverConfig r : config.receivers()) {
                List<Integration> list = new ArrayList<>();
                for (IntegrationConfig ic : r.integrations()) {
                    Path dir = config.file().toAbsolutePath().getParent();
                    IntegrationSlot slot = new IntegrationSlot(r.name(), ic, dir, config.globals(), templates, pluginMetrics, httpClients,
                            notifierTracer, this::retryFailed);
                    list.add(new Integration(r.name(), ic, slot));
                    out.put(r.name(), list);
                    slot.attach(notifiers.use(ic.type(), "receiver \"" + r.name() + "\" " + ic.name(), slot));
                    PluginUse<NotifierFactory, Integration.Built> use = slot.use();
                    if (use.get() == null && !use.waiting()) {
                        throw new ConfigException(use.error().isEmpty() ? ic.config().location() + ": receiver \"" + r.name() + "\": "
                                + ic.name() + ": the notifier plugin failed" : use.error());
                    }
                }
                out.put(r.name(), List.copyOf(list));
            }
        } catch (ConfigException | RuntimeException e) {
            closeAll(out);
            throw e;
        }
        return out;
    }

    /** A receiver's notifier plugin arrived: its groups whose last flush failed flush again now. */
    private void retryFailed(String receiver) {
        Active current = active;
        if (current != null) {
            current.dispatcher().retryFailed(receiver);
        }
    }

    private static void closeAll(Map<String, List<Integration>> integrations) {
        for (List<Integration> list : integrations.values()) {
            for (Integration i : list) {
                try {
                    i.slot().close();
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "closing notifier failed", e);
                }
            }
        }
    }

    public Active active() {
        return active;
    }

    public boolean lastReloadOk() {
        return lastReloadOk;
    }

    public String lastError() {
        return lastError;
    }

    public AlertStore alerts() {
        return alerts;
    }

    /** Fault testing only: see {@link NotificationLog#holdEntriesOf}. */
    public void holdNotificationLogEntriesOf(String receiver) {
        nflog.holdEntriesOf(receiver);
    }

    public SilenceStore silences() {
        return silences;
    }

    public Clock clock() {
        return clock;
    }

    public String externalUrl() {
        return externalUrl;
    }

    /**
     * Takes alerts in, as Alertmanager's API does: a missing start is now, a missing end is now
     * plus {@code resolve_timeout} (the alert then resolves unless it is sent again).
     */
    public void receive(List<Alert> incoming) {
        Instant now = clock.instant();
        Active current = active;
        Duration resolveTimeout = current == null ? Duration.ofMinutes(5) : current.config().resolveTimeout();
        for (Alert a : incoming) {
            Instant startsAt = a.startsAt();
            boolean timeout = a.endsAt() == null;
            Instant endsAt = timeout ? now.plus(resolveTimeout) : a.endsAt();
            if (a.resolvedAt(now)) {
                receivedResolved.incrementAndGet();
            } else {
                received.incrementAndGet();
            }
            Alert alert = new Alert(a.labels(), a.annotations(), startsAt, endsAt, a.generatorUrl());
            // Recorded before the put: the put hands the alert to the dispatcher, whose events come after (0.34's order).
            if (events.enabled() && alerts.get(Alert.fingerprint(a.labels())) == null) {
                events.record(() -> Events.alertCreated(alert, now));
            }
            alerts.put(alert, timeout, now);
        }
    }

    public void countInvalid() {
        invalid.incrementAndGet();
    }

    private void gc() {
        try {
            Instant now = clock.instant();
            // Groups hold their own copies, so a resolved alert still to be notified is not lost here.
            alerts.gc(now);
            silences.gc(now);
            nflog.gc(now);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "alertmanager maintenance failed", e);
        }
    }

    /** The receivers an alert routes to, in route order. */
    public List<String> receivers(Labels labels) {
        Active current = active;
        if (current == null) {
            return List.of();
        }
        Map<String, Boolean> names = new LinkedHashMap<>();
        for (Route r : current.dispatcher().root().match(labels)) {
            names.put(r.config().receiver(), true);
        }
        return new ArrayList<>(names.keySet());
    }

    /** The event recorder (its outputs follow the config's {@code event_recorder} block). */
    public EventRecorder events() {
        return events;
    }

    /** The host's name, the {@code instance} of events (Go's os.Hostname reads the kernel's). */
    private static String hostname() {
        try {
            Path kernel = Path.of("/proc/sys/kernel/hostname");
            if (java.nio.file.Files.isReadable(kernel)) {
                return java.nio.file.Files.readString(kernel).trim();
            }
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
    }

    private static String version() {
        String v = AlertmanagerRuntime.class.getPackage().getImplementationVersion();
        return v == null ? "" : v;
    }

    public void collect(MetricWriter w) {
        events.collect(w);
        Instant now = clock.instant();
        Active current = active;
        w.family("alertmanager_config_last_reload_successful", MetricType.GAUGE, "Whether the last configuration reload attempt was successful.", "");
        w.sample("alertmanager_config_last_reload_successful", lastReloadOk ? 1 : 0);
        w.family("alertmanager_config_last_reload_success_timestamp_seconds", MetricType.GAUGE, "Timestamp of the last successful configuration reload.", "");
        w.sample("alertmanager_config_last_reload_success_timestamp_seconds", lastReloadSuccess.toEpochMilli() / 1000.0);
        if (current != null) {
            w.family("alertmanager_config_hash", MetricType.GAUGE, "Hash of the currently loaded alertmanager configuration.", "");
            w.sample("alertmanager_config_hash", Long.parseUnsignedLong(current.hash().substring(0, 12), 16));
        }
        int active = 0;
        int suppressed = 0;
        for (StoredAlert a : alerts.list()) {
            if (a.resolvedAt(now)) {
                continue;
            }
            if (current != null && current.notifications().suppression(a, now).suppressed()) {
                suppressed++;
            } else {
                active++;
            }
        }
        w.family("alertmanager_alerts", MetricType.GAUGE, "How many alerts by state.", "");
        w.sample("alertmanager_alerts", Labels.of("state", "active"), active);
        w.sample("alertmanager_alerts", Labels.of("state", "suppressed"), suppressed);
        w.family("alertmanager_alerts_received_total", MetricType.COUNTER, "The total number of received alerts.", "");
        w.sample("alertmanager_alerts_received_total", Labels.of("status", "firing", "version", "v2"), received.get());
        w.sample("alertmanager_alerts_received_total", Labels.of("status", "resolved", "version", "v2"), receivedResolved.get());
        w.family("alertmanager_alerts_invalid_total", MetricType.COUNTER, "The total number of received alerts that were invalid.", "");
        w.sample("alertmanager_alerts_invalid_total", Labels.of("version", "v2"), invalid.get());
        Map<String, Integer> states = new LinkedHashMap<>(Map.of("active", 0, "pending", 0, "expired", 0));
        silences.list().forEach(s -> states.merge(s.state(now), 1, Integer::sum));
        w.family("alertmanager_silences", MetricType.GAUGE, "How many silences by state.", "");
        for (String state : List.of("active", "expired", "pending")) {
            w.sample("alertmanager_silences", Labels.of("state", state), states.get(state));
        }
        w.family("alertmanager_dispatcher_aggregation_groups", MetricType.GAUGE, "Number of active aggregation groups", "");
        w.sample("alertmanager_dispatcher_aggregation_groups", current == null ? 0 : current.dispatcher().groupCount());
        w.family("alertmanager_nflog_entries", MetricType.GAUGE, "Number of entries in the notification log.", "");
        w.sample("alertmanager_nflog_entries", nflog.size());
        // Snapshots are written at every change, so a failed write is Alertmanager's failed maintenance.
        w.family("alertmanager_nflog_maintenance_errors_total", MetricType.COUNTER,
                "How many maintenances were executed for the notification log that failed.", "");
        w.sample("alertmanager_nflog_maintenance_errors_total", nflog.writeFailures());
        w.family("alertmanager_silences_maintenance_errors_total", MetricType.COUNTER,
                "How many maintenances were executed for silences that failed.", "");
        w.sample("alertmanager_silences_maintenance_errors_total", silences.writeFailures());
        Map<String, DispatchMetrics.PerIntegration> per = new java.util.TreeMap<>(metrics.all());
        if (current != null) {
            current.integrations().values().forEach(l -> l.forEach(i -> per.computeIfAbsent(i.config().type(), metrics::of)));
        }
        w.family("alertmanager_notifications_total", MetricType.COUNTER, "The total number of attempted notifications.", "");
        per.forEach((k, m) -> w.sample("alertmanager_notifications_total", Labels.of("integration", k), m.notifications.get()));
        w.family("alertmanager_notifications_failed_total", MetricType.COUNTER, "The total number of failed notifications.", "");
        per.forEach((k, m) -> {
            for (int r = 0; r < DispatchMetrics.FAILURE_REASONS.length; r++) {
                w.sample("alertmanager_notifications_failed_total",
                        Labels.of("integration", k, "reason", DispatchMetrics.FAILURE_REASONS[r]), m.failed[r].get());
            }
        });
        w.family("alertmanager_notification_requests_total", MetricType.COUNTER, "The total number of attempted notification requests.", "");
        per.forEach((k, m) -> w.sample("alertmanager_notification_requests_total", Labels.of("integration", k), m.requests.get()));
        w.family("alertmanager_notification_requests_failed_total", MetricType.COUNTER, "The total number of failed notification requests.", "");
        per.forEach((k, m) -> w.sample("alertmanager_notification_requests_failed_total", Labels.of("integration", k), m.requestsFailed.get()));
        w.family("alertmanager_notification_latency_seconds", MetricType.HISTOGRAM, "The latency of notifications in seconds.", "");
        per.forEach((k, m) -> {
            for (int i = 0; i < DispatchMetrics.LATENCY_BUCKETS.length; i++) {
                w.sample("alertmanager_notification_latency_seconds_bucket",
                        Labels.of("integration", k, "le", io.promethium.goformat.GoFloat.formatG(DispatchMetrics.LATENCY_BUCKETS[i])),
                        m.latencyBuckets[i].get());
            }
            w.sample("alertmanager_notification_latency_seconds_bucket", Labels.of("integration", k, "le", "+Inf"), m.latencyCount.get());
            w.sample("alertmanager_notification_latency_seconds_sum", Labels.of("integration", k), m.latencySum.sum());
            w.sample("alertmanager_notification_latency_seconds_count", Labels.of("integration", k), m.latencyCount.get());
        });
    }

    private static String hash(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder();
            for (byte b : d) {
                sb.append(String.format("%02x", b));
            }
            return sb.toString();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        events.record(Events::shutdown);
        try {
            tracing.apply(Tracing.ALERTMANAGER, null, httpClients, null);
        } catch (ConfigException e) {
            LOG.log(Level.FINE, "stopping the Alertmanager's tracing", e);
        }
        maintenance.shutdownNow();
        notifiers.close();
        nflog.close();
        Active current = active;
        if (current != null) {
            current.dispatcher().close();
            closeAll(current.integrations());
        }
        events.close();
    }
}
