package io.promethium.launcher;

import io.promethium.launcher.spi.Lifecycle;
import io.promethium.launcher.spi.PluginDirectory;
import io.promethium.launcher.spi.ServerInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;

import org.osgi.framework.launch.Framework;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The server process: boots Felix, installs the core bundles, hands every flag to the bundles as
 * a framework property {@code promethium.flag.<name>} (and the kernel's query and web settings
 * through Configuration Admin), loads the config, watches the plugin folder, and stops on
 * SIGTERM/SIGINT within 10 seconds. SIGHUP reloads the config.
 */
final class Server implements Lifecycle, ServerInfo {

    private static final Logger LOG = Logger.getLogger(Server.class.getName());
    private static final long STOP_TIMEOUT_MS = 10_000;
    private static final long CONFIG_SERVICE_WAIT_MS = 30_000;
    private static final String CORE_LOCATION = "promethium-core:";
    private static final String WEB_BUNDLE = "promethium-web";
    /** The old generation's size below which {@link OldGenPacer} starts no collection (Go's minimum heap is 4 MB). */
    private static final long PACER_FLOOR_BYTES = 16L << 20;

    private final Flags flags;
    private final Path home;
    private final Instant startTime = Instant.now();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final Properties versionInfo = new Properties();
    private volatile boolean ready;
    private final java.util.concurrent.atomic.AtomicReference<String> listening = new java.util.concurrent.atomic.AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicBoolean announced = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile Framework framework;

    Server(Flags flags, Path home) {
        this.flags = Objects.requireNonNull(flags, "flags is null");
        this.home = Objects.requireNonNull(home, "home is null");
        try (InputStream in = Server.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                versionInfo.load(in);
            }
        } catch (IOException e) {
            LOG.fine("no version information: " + e.getMessage());
        }
    }

    /** Runs until stopped; returns the process exit code. */
    int run() throws Exception {
        int gcPercent = gcPercent(System.getProperty("promethium.gc.percent"));
        // Read before anything starts: a trust store that cannot be read stops the server, naming the flag.
        PluginSignatures signatures = PluginSignatures.fromFlag(flags.get(PluginSignatures.FLAG));
        FrameworkCache cache = null;
        Framework fw = null;
        Path kept = FrameworkCache.keptDir(flags.all());
        if (kept != null) {
            try {
                fw = newFramework(kept, false);
                cache = new FrameworkCache(kept, true);
            } catch (BundleException | RuntimeException e) {
                LOG.info("Bundle cache " + kept + " is not usable (" + e.getMessage() + "); using a temporary one");
            }
        }
        if (fw == null) {
            cache = FrameworkCache.temporary();
            fw = newFramework(cache.dir(), true);
        }
        framework = fw;
        BundleContext context = fw.getBundleContext();
        List<Bundle> core = installCoreBundles(context, Path.of(flags.get("bundles.dir")));
        fw.start();
        installSignalHandlers();
        PluginWatcher plugins = new PluginWatcher(context, Path.of(flags.get("plugins.dir")), signatures);
        if (signatures.enforced()) {
            LOG.info("Plugins start only when signed by a key of the " + signatures);
        }
        context.registerService(Lifecycle.class, this, null);
        context.registerService(ServerInfo.class, this, null);
        context.registerService(PluginDirectory.class, plugins, null);

        // Configuration Admin first, and the kernel's settings written into it before any
        // component starts: no component activates with a previous run's settings and is then
        // restarted with these.
        Bundle webBundle = null;
        for (Bundle bundle : core) {
            if (bundle.getSymbolicName() != null && bundle.getSymbolicName().startsWith("org.apache.felix.configadmin")) {
                start(bundle);
            } else if (WEB_BUNDLE.equals(bundle.getSymbolicName())) {
                webBundle = bundle;
            }
        }
        configure(context);
        // The web bundle (Jersey and Jetty: the longest activation) starts on its own thread as
        // soon as the config service it needs is there, alongside the other bundles and the
        // first config load instead of after them; /-/ready answers 503 until the server is ready.
        Thread webStart = null;
        if (webBundle != null) {
            Bundle web = webBundle;
            webStart = Thread.ofPlatform().name("web-start").start(() -> startWeb(context, web));
        }
        for (Bundle bundle : core) {
            if (bundle != webBundle && bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null && bundle.getState() != Bundle.ACTIVE) {
                start(bundle);
            }
        }
        LOG.info("Started " + core.size() + " core bundles from " + flags.get("bundles.dir"));
        plugins.scan();

        String loadError = loadConfig(context);
        if (loadError != null) {
            System.err.println(loadError);
            stopFramework();
            cache.release();
            return 1;
        }
        if (webStart != null) {
            webStart.join(CONFIG_SERVICE_WAIT_MS);
        }
        ready = true;
        // Paced from here on: start-up and WAL replay only add live data, which full collections
        // at each doubling from 16 MB would mark again and again (a 51k-series replay: three
        // of them, 0.8 s of pauses, replay to ready 4.0 -> 6.7 s). The first young collection
        // after this starts one full collection that measures the live size.
        java.util.Optional<OldGenPacer> pacer = OldGenPacer.start(gcPercent, PACER_FLOOR_BYTES);
        if (!announceReady() && listening.get() == null) {
            LOG.warning("The config is loaded, but the web listener has not started (see the errors above): no web requests are received yet");
        }

        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "plugin-watcher");
            t.setDaemon(true);
            return t;
        });
        long scanMillis = io.promethium.launcher.Durations.millis(flags.get("plugins.scan-interval"));
        watcher.scheduleWithFixedDelay(() -> {
            try {
                plugins.scan();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "plugin scan failed", e);
            }
        }, scanMillis, scanMillis, TimeUnit.MILLISECONDS);

        stopRequested.await();
        LOG.info("Stopping Promethium...");
        watcher.shutdownNow();
        boolean stopped = stopFramework();
        pacer.ifPresent(OldGenPacer::stop);
        cache.release();
        LOG.info(stopped ? "See you next time!" : "Stopped with bundles still running after 10s");
        return 0;
    }

    /**
     * The old generation's growth over its last live size that starts a full collection, in
     * percent (system property {@code promethium.gc.percent}, set by bin/promethium from
     * {@code PROMETHIUM_GC_PERCENT}): 100 when unset, 0 for {@code off}, as Go's GOGC.
     */
    static int gcPercent(String value) {
        if (value == null || value.isBlank()) {
            return 100;
        }
        if (value.strip().equalsIgnoreCase("off")) {
            return 0;
        }
        try {
            int percent = Integer.parseInt(value.strip());
            if (percent > 0) {
                return percent;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("promethium.gc.percent (PROMETHIUM_GC_PERCENT) must be a positive whole number of percent or 'off', got '" + value + "'");
    }

    /** A framework initialised on the cache folder (bundles of a kept cache are there, not started). */
    private Framework newFramework(Path cache, boolean clean) throws BundleException {
        Map<String, String> props = new HashMap<>();
        props.put(Constants.FRAMEWORK_STORAGE, cache.toString());
        if (clean) {
            props.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        }
        props.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA,
                "io.promethium.launcher.spi;version=1.2.0,org.osgi.service.cm;version=1.6.1,sun.misc"); // the spi version: its package-info
        props.put("felix.log.level", "1");
        // A plugin's update is installed beside the version it replaces until it has resolved (PluginWatcher).
        props.put(Constants.FRAMEWORK_BSNVERSION, Constants.FRAMEWORK_BSNVERSION_MULTIPLE);
        props.put("promethium.home", home.toString());
        props.put("promethium.config.file", flags.get("config.file"));
        flags.all().forEach((name, value) -> props.put("promethium.flag." + name, value));
        props.put(ExternalUrl.PROPERTY, ExternalUrl.resolve(flags.get("web.external-url"), flags.get("web.listen-address")));
        Framework fw = new org.apache.felix.framework.FrameworkFactory().newFramework(props);
        fw.init();
        return fw;
    }

    /**
     * Installs the core bundles, reusing those a kept cache holds from the last run when their
     * jar did not change (the location names the jar's size and time). Everything else in the
     * cache is uninstalled first: changed or removed core jars, and the plugins, which the plugin
     * watcher installs again from the plugin folder as it finds it.
     */
    static List<Bundle> installCoreBundles(BundleContext context, Path dir) throws IOException {
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.jar")) {
            stream.forEach(jars::add);
        }
        jars.sort(null);
        Map<String, Path> wanted = new java.util.LinkedHashMap<>();
        for (Path jar : jars) {
            wanted.put(CORE_LOCATION + jar.getFileName() + ";size=" + Files.size(jar)
                    + ";modified=" + Files.getLastModifiedTime(jar).toMillis(), jar);
        }
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getBundleId() != 0 && !wanted.containsKey(bundle.getLocation())) {
                try {
                    bundle.uninstall();
                } catch (BundleException | RuntimeException e) {
                    LOG.warning("Cannot remove " + bundle.getLocation() + " from the bundle cache: " + e.getMessage());
                }
            }
        }
        List<Bundle> installed = new ArrayList<>();
        for (Map.Entry<String, Path> entry : wanted.entrySet()) {
            Bundle cached = context.getBundle(entry.getKey());
            if (cached != null) {
                installed.add(cached);
                continue;
            }
            try (InputStream in = Files.newInputStream(entry.getValue())) {
                installed.add(context.installBundle(entry.getKey(), in));
            } catch (BundleException e) {
                LOG.severe("Core bundle " + entry.getValue().getFileName() + " cannot be installed: " + e.getMessage());
            }
        }
        return installed;
    }

    /** Starts a core bundle for this run only: a kept cache must not start it by itself next time. */
    private static void start(Bundle bundle) {
        try {
            bundle.start(Bundle.START_TRANSIENT);
        } catch (BundleException | RuntimeException e) {
            LOG.severe("Core bundle " + bundle.getSymbolicName() + " cannot start: " + e.getMessage());
        }
    }

    /** Starts the web bundle once the config service it needs is registered (at most 30 s later). */
    private static void startWeb(BundleContext context, Bundle web) {
        try {
            ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context,
                    context.createFilter("(objectClass=io.promethium.config.ConfigService)"), null);
            tracker.open();
            try {
                tracker.waitForService(CONFIG_SERVICE_WAIT_MS);
            } finally {
                tracker.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        start(web);
    }

    /** Hands the kernel bundles' flag values to them through Configuration Admin. */
    private void configure(BundleContext context) throws Exception {
        ServiceTracker<ConfigurationAdmin, ConfigurationAdmin> tracker = new ServiceTracker<>(context, ConfigurationAdmin.class, null);
        tracker.open();
        try {
            ConfigurationAdmin admin = tracker.waitForService(CONFIG_SERVICE_WAIT_MS);
            if (admin == null) {
                throw new IllegalStateException("Configuration Admin did not start; is its bundle in " + flags.get("bundles.dir") + "?");
            }
            update(admin, "io.promethium.promql", Map.of(
                    "lookbackDelta", flags.get("query.lookback-delta"),
                    "timeout", flags.get("query.timeout"),
                    "maxConcurrency", flags.get("query.max-concurrency"),
                    "maxSamples", flags.get("query.max-samples")));
            update(admin, "io.promethium.web", Map.of(
                    "listenAddress", flags.get("web.listen-address"),
                    "webConfigFile", flags.get("web.config.file"),
                    "externalUrl", flags.get("web.external-url"),
                    "enableLifecycle", flags.get("web.enable-lifecycle"),
                    "enableAdminApi", flags.get("web.enable-admin-api"),
                    "enableRemoteWriteReceiver", flags.get("web.enable-remote-write-receiver"),
                    "maxConnections", flags.get("web.max-connections"),
                    "readTimeout", flags.get("web.read-timeout")));
        } finally {
            tracker.close();
        }
    }

    private static void update(ConfigurationAdmin admin, String pid, Map<String, String> values) throws IOException {
        Configuration configuration = admin.getConfiguration(pid, "?");
        Dictionary<String, Object> dictionary = new Hashtable<>(values);
        configuration.update(dictionary);
    }

    /** The first config load; returns the error, or null. */
    private String loadConfig(BundleContext context) throws Exception {
        Callable<String> command = reloadCommand(context, CONFIG_SERVICE_WAIT_MS);
        if (command == null) {
            return "error: the config bundle did not start; no config loaded";
        }
        String error = command.call();
        return error == null || error.isEmpty() ? null : error;
    }

    @SuppressWarnings("unchecked")
    private static Callable<String> reloadCommand(BundleContext context, long waitMillis) throws Exception {
        ServiceTracker<Callable<?>, Callable<?>> tracker = new ServiceTracker<>(context,
                context.createFilter("(&(objectClass=java.util.concurrent.Callable)(promethium.command=config.reload))"), null);
        tracker.open();
        try {
            return (Callable<String>) tracker.waitForService(waitMillis);
        } finally {
            tracker.close();
        }
    }

    private boolean stopFramework() throws InterruptedException {
        Framework fw = framework;
        if (fw == null) {
            return true;
        }
        try {
            fw.stop();
        } catch (BundleException e) {
            LOG.warning("stopping the framework failed: " + e.getMessage());
        }
        return fw.waitForStop(STOP_TIMEOUT_MS).getType() != org.osgi.framework.FrameworkEvent.WAIT_TIMEDOUT;
    }

    private void installSignalHandlers() {
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> shutdown());
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> shutdown());
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
            Thread.ofPlatform().name("sighup-reload").start(() -> {
                LOG.info("Received SIGHUP, reloading configuration");
                reload();
            });
        });
    }

    @Override
    public String reload() {
        Framework fw = framework;
        if (fw == null) {
            return "server not started";
        }
        try {
            Callable<String> command = reloadCommand(fw.getBundleContext(), 5_000);
            if (command == null) {
                return "the config bundle is not running";
            }
            String error = command.call();
            return error == null ? "" : error;
        } catch (Exception e) {
            return "reload failed: " + e.getMessage();
        }
    }

    @Override
    public void shutdown() {
        stopRequested.countDown();
    }

    @Override
    public boolean ready() {
        return ready;
    }

    @Override
    public void listening(String address) {
        listening.set(address);
        announceReady();
    }

    /** Says once that the server is ready, when the config is loaded and the web listens; whether it said so now. */
    private boolean announceReady() {
        if (ready && listening.get() != null && announced.compareAndSet(false, true)) {
            LOG.info("Server is ready to receive web requests.");
            return true;
        }
        return announced.get();
    }

    @Override
    public Map<String, String> flags() {
        return flags.all();
    }

    @Override
    public Instant startTime() {
        return startTime;
    }

    @Override
    public String version() {
        return versionInfo.getProperty("version", "unknown");
    }

    @Override
    public String revision() {
        return versionInfo.getProperty("revision", "");
    }

    @Override
    public Path home() {
        return home;
    }


}
