package io.promethium.remote.write;

import io.promethium.api.collect.Collector;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.config.ConfigException;
import io.promethium.api.config.ConfigSection;
import io.promethium.api.config.Durations;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.config.SectionContext;
import io.promethium.api.storage.MetadataSource;
import io.promethium.api.storage.WalWatchable;
import io.promethium.api.trace.Tracer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Owns {@code remote_write:}: one {@link QueueManager} per entry, following the storage's WAL
 * ({@link WalWatchable}). A reload keeps queues whose entry did not change and restarts the
 * others, which resume from their persisted positions. Also the collector of every queue's
 * {@code prometheus_remote_storage_*} metrics. Without a WAL to follow (no storage yet), queues
 * start when one appears.
 */
@Component(service = {ConfigSection.class, Collector.class})
public final class RemoteWriteComponent implements ConfigSection, Collector {
    private static final Logger LOG = Logger.getLogger(RemoteWriteComponent.class.getName());
    static final String USER_AGENT = "Promethium/0.1 (remote write 1.0)";
    static final String FLUSH_DEADLINE_PROPERTY = "promethium.flag.storage.remote.flush-deadline";
    /** Prometheus's default --storage.remote.flush-deadline. */
    static final Duration DEFAULT_FLUSH_DEADLINE = Duration.ofMinutes(1);

    private final Map<String, QueueManager> queues = new LinkedHashMap<>();
    private List<RemoteWriteSettings> wanted = List.of();
    private volatile WalWatchable log;
    private volatile MetadataSource metadataSource;
    private volatile Tracer tracer = Tracer.NONE;
    private final long shardUpdateMillis;
    private volatile Duration flushDeadline = DEFAULT_FLUSH_DEADLINE;

    public RemoteWriteComponent() {
        this(QueueManager.SHARD_UPDATE_MILLIS);
    }

    /** On a flat class path (embedders, tests): {@code flushDeadline} as {@code --storage.remote.flush-deadline}. */
    public RemoteWriteComponent(Duration flushDeadline) {
        this(QueueManager.SHARD_UPDATE_MILLIS);
        this.flushDeadline = flushDeadline;
    }

    RemoteWriteComponent(long shardUpdateMillis) {
        this.shardUpdateMillis = shardUpdateMillis;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindWalWatchable(WalWatchable service) {
        synchronized (this) {
            log = service;
            restartAll();
        }
    }

    public void unbindWalWatchable(WalWatchable service) {
        synchronized (this) {
            if (log == service) {
                log = null;
                stopAll();
            }
        }
    }

    /**
     * The server's tracer for Prometheus's spans, when the tracing bundle runs; queues read it
     * once per batch, so binding it (or tracing being switched on) reaches running queues.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY,
            target = "(" + Tracer.SERVICE_PROPERTY + "=" + Tracer.PROMETHEUS + ")")
    public void bindTracer(Tracer service) {
        tracer = service;
    }

    public void unbindTracer(Tracer service) {
        if (tracer == service) {
            tracer = Tracer.NONE;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindMetadataSource(MetadataSource service) {
        metadataSource = service;
    }

    public void unbindMetadataSource(MetadataSource service) {
        if (metadataSource == service) {
            metadataSource = null;
        }
    }

    @Override
    public String key() {
        return RemoteWriteSettings.KEY;
    }

    @Override
    public void validate(List<PluginConfig> entries, SectionContext context) throws ConfigException {
        parseAll(entries, context);
    }

    private static List<RemoteWriteSettings> parseAll(List<PluginConfig> entries, SectionContext context) throws ConfigException {
        List<RemoteWriteSettings> result = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> urls = new HashSet<>();
        for (PluginConfig entry : entries) {
            RemoteWriteSettings s = RemoteWriteSettings.parse(entry, context);
            String name = entry.string("name", "");
            if (!name.isEmpty() && !names.add(name)) {
                throw entry.error("name", "found multiple remote write configs with job name \"" + name + "\"");
            }
            if (!urls.add(s.fingerprint())) {
                throw entry.error("url", "duplicate remote write configs are not allowed, found duplicate for URL: " + s.url());
            }
            result.add(s);
        }
        return result;
    }

    @Override
    public synchronized void apply(List<PluginConfig> entries, SectionContext context) throws ConfigException {
        wanted = entries.isEmpty() ? List.of() : parseAll(entries, context);
        List<String> errors = restartChanged();
        if (!errors.isEmpty()) {
            // A client that cannot be built (an unreadable ca_file) fails the reload, as in Prometheus; the others run.
            throw new ConfigException(String.join("; ", errors));
        }
    }

    /** Stops queues no longer wanted, starts new ones; returns why a queue could not start. */
    private List<String> restartChanged() {
        Map<String, RemoteWriteSettings> next = new LinkedHashMap<>();
        for (RemoteWriteSettings s : wanted) {
            next.put(identity(s), s);
        }
        List<QueueManager> stopping = new ArrayList<>();
        queues.entrySet().removeIf(e -> {
            if (!next.containsKey(e.getKey()) || log == null) {
                stopping.add(e.getValue());
                return true;
            }
            return false;
        });
        closeAll(stopping);
        WalWatchable current = log;
        List<String> errors = new ArrayList<>();
        if (current == null) {
            return errors;
        }
        for (Map.Entry<String, RemoteWriteSettings> e : next.entrySet()) {
            if (!queues.containsKey(e.getKey())) {
                HttpSender sender = null;
                try {
                    sender = new HttpSender(e.getValue(), USER_AGENT);
                    QueueManager q = new QueueManager(e.getValue(), current, sender, this::metadata, shardUpdateMillis, () -> tracer);
                    q.start();
                    queues.put(e.getKey(), q);
                } catch (IOException | ConfigException ex) {
                    if (sender != null) {
                        sender.close();
                    }
                    String message = "remote_write " + e.getValue().queueName() + ": cannot start: " + ex.getMessage();
                    LOG.log(Level.SEVERE, message, ex);
                    errors.add(message);
                }
            }
        }
        return errors;
    }

    /** A queue is kept across reloads while its entry and the external labels stay the same. */
    private static String identity(RemoteWriteSettings s) {
        return s.fingerprint() + "|" + s.externalLabels();
    }

    private List<MetadataSource.FamilyMetadata> metadata() {
        MetadataSource source = metadataSource;
        return source == null ? List.of() : source.metadata();
    }

    private void restartAll() {
        stopAll();
        restartChanged();
    }

    private void stopAll() {
        closeAll(new ArrayList<>(queues.values()));
        queues.clear();
    }

    /** Closes the queues side by side, each flushing for up to the flush deadline, as Prometheus does on shutdown and reload. */
    private void closeAll(List<QueueManager> stopping) {
        Duration deadline = flushDeadline;
        List<Thread> closers = new ArrayList<>();
        for (QueueManager q : stopping) {
            closers.add(Thread.ofVirtual().name("remote-write-close").start(() -> q.close(deadline)));
        }
        for (Thread t : closers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Reads {@code --storage.remote.flush-deadline} (this bundle's flag, see bnd.bnd). */
    @Activate
    public void activate(BundleContext context) throws ConfigException {
        flushDeadline = flushDeadline(context.getProperty(FLUSH_DEADLINE_PROPERTY));
    }

    static Duration flushDeadline(String value) throws ConfigException {
        if (value == null || value.isBlank()) {
            return DEFAULT_FLUSH_DEADLINE;
        }
        try {
            Duration d = Durations.parse(value.strip());
            if (d.isNegative()) {
                throw new IllegalArgumentException("must not be negative");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--storage.remote.flush-deadline: invalid duration \"" + value + "\": " + e.getMessage());
        }
    }

    @Deactivate
    public synchronized void deactivate() {
        stopAll();
    }

    /** The running queues (tests, benchmarks). */
    synchronized List<QueueManager> queues() {
        return List.copyOf(queues.values());
    }

    @Override
    public void collect(MetricWriter writer) {
        List<QueueManager> current = queues();
        double highest = 0;
        long in = 0;
        long exemplarsIn = 0;
        long histogramsIn = 0;
        List<QueueMetrics> metrics = new ArrayList<>();
        for (QueueManager q : current) {
            highest = Math.max(highest, q.highestInMillis() / 1000.0);
            in = Math.max(in, q.samplesRead());
            exemplarsIn = Math.max(exemplarsIn, q.exemplarsRead());
            histogramsIn = Math.max(histogramsIn, q.histogramsRead());
            metrics.add(q.metrics());
        }
        QueueMetrics.writeGlobal(writer, highest, in, exemplarsIn, histogramsIn);
        QueueMetrics.writeQueues(writer, metrics);
    }
}
