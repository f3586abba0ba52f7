package io.promethium.config.internal;

import io.promethium.api.collect.Collector;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.config.ConfigException;
import io.promethium.api.config.ConfigSection;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.http.HttpClientFactory;
import io.promethium.api.plugin.MetricsRegistrar;
import io.promethium.api.model.MetricType;
import io.promethium.config.ConfigConsumer;
import io.promethium.config.ConfigLoader;
import io.promethium.config.ConfigService;
import io.promethium.config.PluginKeys;
import io.promethium.config.ReloadListener;
import io.promethium.config.lifecycle.Closing;
import io.promethium.config.lifecycle.PluginBuilder;
import io.promethium.config.lifecycle.PluginTracker;
import io.promethium.config.lifecycle.PluginUse;
import io.promethium.config.model.PrometheusConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * The config bundle's runtime: owns the config in force, reloads it on request and hands it to
 * every {@link ConfigConsumer}. The first load is triggered by the launcher (through the
 * {@code promethium.command=config.reload} service) once all startup bundles are active, so
 * that every plugin's config keys are known by then.
 */
@Component(immediate = true, service = {ConfigService.class, Collector.class})
public final class ConfigComponent implements ConfigService, Collector {

    /** Framework property with the config file path (set by the launcher from --config.file). */
    public static final String CONFIG_FILE_PROPERTY = "promethium.config.file";

    private static final Logger LOG = Logger.getLogger(ConfigComponent.class.getName());

    /**
     * Prometheus's top-level keys a plugin owns here: without the plugin they wait for it instead
     * of failing the load. A third-party key waits once its plugin has been seen (an update, a
     * stop); before that it is unknown, as a typo would be.
     */
    static final java.util.Set<String> WAITING_SECTION_KEYS = java.util.Set.of("remote_write", "remote_read", "tracing");

    private final Map<String, DiscovererFactory> discovery = new ConcurrentHashMap<>();
    private final Map<String, ConfigSection> sections = new ConcurrentHashMap<>();
    /** Every section key an owner registered while the server ran: its entries wait when the owner goes. */
    private final java.util.Set<String> sectionKeysSeen = ConcurrentHashMap.newKeySet();
    /** The one lifecycle rule for plugin-owned top-level keys. */
    private final PluginTracker<ConfigSection> sectionTracker;
    /** The parts of the config in force, by key. Guarded by this. */
    private final Map<String, PluginUse<ConfigSection, ConfigSection>> sectionUses = new java.util.LinkedHashMap<>();
    private final List<ConfigConsumer> consumers = new CopyOnWriteArrayList<>();
    private final Path file;
    private final boolean agentMode;
    private final ServiceRegistration<?> reloadCommand;
    private volatile PrometheusConfig current;
    private volatile ReloadResult lastReload = new ReloadResult(false, Instant.EPOCH, "config not loaded yet");
    private volatile Instant lastSuccess = Instant.EPOCH;
    private final MetricsRegistrar registry;
    private final HttpClientFactory httpClients;
    /** With {@code --enable-feature=auto-reload-config}; else null. */
    private final AutoReloader autoReloader;
    /** Told the outcome of every load (the server's notifications follow it). */
    private final List<ReloadListener> reloadListeners = new CopyOnWriteArrayList<>();
    private volatile boolean startedUp;

    @Activate
    public ConfigComponent(BundleContext context, @Reference MetricsRegistrar registry, @Reference HttpClientFactory httpClients) {
        this.registry = registry;
        this.httpClients = httpClients;
        this.sectionTracker = new PluginTracker<>("config section", "", ConfigSection::key, java.time.Duration.ofSeconds(5), registry);
        String path = context.getProperty(CONFIG_FILE_PROPERTY);
        this.file = Path.of(path == null ? "prometheus.yml" : path);
        this.agentMode = Boolean.parseBoolean(context.getProperty("promethium.flag.agent"));
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("promethium.command", "config.reload");
        Callable<String> command = () -> reload().error();
        this.reloadCommand = context.registerService(Callable.class, command, props);
        this.autoReloader = autoReload(context.getProperty("promethium.flag.enable-feature"))
                ? new AutoReloader(file, this, autoReloadInterval(context.getProperty("promethium.flag.config.auto-reload-interval")))
                : null;
    }

    static boolean autoReload(String features) {
        return features != null && java.util.Arrays.stream(features.split(",")).map(String::strip)
                .anyMatch("auto-reload-config"::equals);
    }

    static java.time.Duration autoReloadInterval(String flag) {
        if (flag == null || flag.isBlank()) {
            return java.time.Duration.ofSeconds(30);
        }
        try {
            return io.promethium.api.config.Durations.parse(flag.strip());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--config.auto-reload-interval: not a valid duration: " + flag, e);
        }
    }

    @Deactivate
    void deactivate() {
        if (autoReloader != null) {
            autoReloader.stop();
        }
        reloadCommand.unregister();
        synchronized (this) {
            sectionUses.clear();
            sectionTracker.close();
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindDiscovererFactory(DiscovererFactory factory) {
        discovery.put(factory.type(), factory);
    }

    void unbindDiscovererFactory(DiscovererFactory factory) {
        discovery.remove(factory.type(), factory);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    synchronized void bindConfigSection(ConfigSection section) {
        sections.put(section.key(), section);
        sectionKeysSeen.add(section.key());
        // A part of the config waiting for this key starts now; one served by an older version is
        // handed over (the old owner stops, the new one resumes: remote write from its WAL position).
        sectionTracker.add(section);
        PrometheusConfig config = current;
        if (config != null && !sectionUses.containsKey(section.key()) && sectionTracker.current(section.key()) == section) {
            applySection(section, config);
        }
    }

    synchronized void unbindConfigSection(ConfigSection section) {
        sections.remove(section.key(), section);
        sectionTracker.remove(section);
    }

    /** Hands a section owner its entries (none when the file lacks the key); returns the error, or null. */
    private String applySection(ConfigSection section, PrometheusConfig config) {
        try {
            section.apply(config.sections().entries(section.key()), config.sections().context());
            return null;
        } catch (ConfigException | RuntimeException e) {
            LOG.log(Level.WARNING, "applying " + section.key() + " failed: " + e.getMessage(), e);
            return e.getMessage();
        }
    }

    /**
     * The config's plugin-owned top-level keys as parts of the plugin tracker: a key whose plugin
     * is installed is applied to it, one whose plugin is not waits for it (and is counted in
     * {@code promethium_config_waiting_plugin{key}}). A key dropped from the file releases its part
     * (the owner gets an empty list). Returns the errors, joined, or empty.
     */
    private String applySections(PrometheusConfig config) {
        StringBuilder errors = new StringBuilder();
        Map<String, java.util.List<io.promethium.api.config.PluginConfig>> wanted = config.sections().all();
        java.util.Set<String> released = new java.util.HashSet<>();
        for (String key : new java.util.ArrayList<>(sectionUses.keySet())) {
            if (!wanted.containsKey(key)) {
                sectionUses.remove(key).close(); // its owner heard of it: an empty list
                released.add(key);
            }
        }
        for (String key : wanted.keySet()) {
            PluginUse<ConfigSection, ConfigSection> use = sectionUses.get(key);
            if (use != null && use.get() == null) {
                // Waiting, or its owner refused the previous entries: built afresh from these.
                sectionUses.remove(key).close();
                use = null;
            }
            if (use == null) {
                use = sectionTracker.use(key, "top-level key " + key, new SectionBuilder(key));
                sectionUses.put(key, use);
                if (!use.error().isEmpty()) {
                    errors.append(errors.isEmpty() ? "" : "; ").append(use.error());
                }
            } else {
                String error = applySection(use.get(), config);
                if (error != null) {
                    errors.append(errors.isEmpty() ? "" : "; ").append(error);
                }
            }
        }
        // Owners whose key the file lacks still hear of it: they stop what they ran for it.
        for (ConfigSection section : sections.values()) {
            if (!wanted.containsKey(section.key()) && !released.contains(section.key())) {
                String error = applySection(section, config);
                if (error != null) {
                    errors.append(errors.isEmpty() ? "" : "; ").append(error);
                }
            }
        }
        return errors.toString();
    }

    /** Builds a key's part from its owner: the entries of the config in force, validated by the owner, then applied. */
    private final class SectionBuilder implements PluginBuilder<ConfigSection, ConfigSection> {
        private final String key;

        SectionBuilder(String key) {
            this.key = key;
        }

        @Override
        public ConfigSection build(ConfigSection section) throws Exception {
            PrometheusConfig config = current;
            if (config != null) {
                java.util.List<io.promethium.api.config.PluginConfig> entries = config.sections().entries(key);
                section.validate(entries, config.sections().context());
                section.apply(entries, config.sections().context());
            }
            return section;
        }

        @Override
        public void close(ConfigSection section, Closing why) {
            if (why == Closing.GONE) {
                return; // its bundle is stopping: none of its code runs again
            }
            // Replaced or dropped from the file: the owner stops first (persisting where it was),
            // so its successor resumes there without two of them sending.
            PrometheusConfig config = current;
            if (config != null) {
                try {
                    section.apply(java.util.List.of(), config.sections().context());
                } catch (ConfigException | RuntimeException e) {
                    LOG.log(Level.WARNING, "stopping " + key + " failed: " + e.getMessage(), e);
                }
            }
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindConfigConsumer(ConfigConsumer consumer) {
        consumers.add(consumer);
        PrometheusConfig config = current;
        if (config != null) {
            try {
                consumer.applyConfig(config);
            } catch (ConfigException | RuntimeException e) {
                LOG.log(Level.WARNING, "config consumer " + consumer.getClass().getName() + " rejected the config: " + e.getMessage(), e);
            }
        }
    }

    void unbindConfigConsumer(ConfigConsumer consumer) {
        consumers.remove(consumer);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    synchronized void bindReloadListener(ReloadListener listener) {
        reloadListeners.add(listener);
        if (startedUp) {
            tell(listener, lastReload);
        }
    }

    void unbindReloadListener(ReloadListener listener) {
        reloadListeners.remove(listener);
    }

    private static void tell(ReloadListener listener, ReloadResult result) {
        try {
            listener.reloaded(result);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "reload listener " + listener.getClass().getName() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public PrometheusConfig current() {
        return current;
    }

    @Override
    public synchronized ReloadResult reload() {
        ReloadResult result = load();
        // The launcher loads the config once every start-up bundle is active, storage (its WAL replayed) included.
        startedUp = true;
        for (ReloadListener listener : reloadListeners) {
            tell(listener, result);
        }
        return result;
    }

    private ReloadResult load() {
        String checksum = autoReloader == null ? null : autoReloader.checksumNow();
        PrometheusConfig config;
        try {
            config = new ConfigLoader(pluginKeys(), agentMode).load(file);
        } catch (ConfigException e) {
            return failed("error loading config from \"" + file + "\": " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "unexpected error loading config", e);
            return failed("error loading config from \"" + file + "\": " + e);
        }
        StringBuilder errors = new StringBuilder();
        current = config;
        errors.append(applySections(config));
        for (ConfigConsumer consumer : consumers) {
            try {
                consumer.applyConfig(config);
            } catch (ConfigException | RuntimeException e) {
                errors.append(errors.isEmpty() ? "" : "; ").append(e.getMessage());
                LOG.log(Level.WARNING, "applying config failed in " + consumer.getClass().getName(), e);
            }
        }
        if (!errors.isEmpty()) {
            return failed("one or more errors occurred while applying the new configuration (--config.file=\"" + file + "\"): " + errors);
        }
        Instant now = Instant.now();
        lastSuccess = now;
        lastReload = new ReloadResult(true, now, "");
        if (autoReloader != null) {
            autoReloader.loaded(checksum);
        }
        LOG.info("Completed loading of configuration file " + file);
        return lastReload;
    }

    private ReloadResult failed(String message) {
        LOG.severe(message);
        lastReload = new ReloadResult(false, Instant.now(), message);
        return lastReload;
    }

    @Override
    public ReloadResult lastReload() {
        return lastReload;
    }

    private PluginKeys pluginKeys() {
        // The running server starts with keys whose plugin is not installed yet: their parts wait
        // for it (the discovery manager shows them and starts them when it arrives).
        java.util.Set<String> waiting = new java.util.HashSet<>(WAITING_SECTION_KEYS);
        waiting.addAll(sectionKeysSeen);
        return new DiscoveryKeys(discovery, sections, registry, httpClients, true, waiting);
    }

    /** Plugin-owned top-level keys of the config in force waiting for their plugin, with their part count. */
    public Map<String, Integer> waitingSections() {
        return sectionTracker.waiting();
    }

    @Override
    public void collect(MetricWriter writer) {
        writer.family("prometheus_config_last_reload_successful", MetricType.GAUGE,
                "Whether the last configuration reload attempt was successful.", "");
        writer.sample("prometheus_config_last_reload_successful", lastReload.success() ? 1 : 0);
        writer.family("prometheus_config_last_reload_success_timestamp_seconds", MetricType.GAUGE,
                "Timestamp of the last successful configuration reload.", "");
        writer.sample("prometheus_config_last_reload_success_timestamp_seconds", lastSuccess.toEpochMilli() / 1000.0);
    }
}
