package io.promethium.launcher;

import io.promethium.launcher.spi.Lifecycle;
import io.promethium.launcher.spi.PluginDirectory;
import io.promethium.launcher.spi.PluginThreads;
import io.promethium.launcher.spi.ServerInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

import org.osgi.framework.launch.Framework;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The server process: boots Felix, installs the core bundles, hands every flag to the bundles as
 * a framework property {@code promethium.flag.<name>} (each bundle reads its own), loads the config, watches the plugin folder, and stops on
 * SIGTERM/SIGINT within 10 seconds. SIGHUP reloads the config.
 */
final class Server implements Lifecycle, ServerInfo {

    private static final Logger LOG = Logger.getLogger(Server.class.getName());
    private static final long STOP_TIMEOUT_MS = 10_000;
    private static final long CONFIG_SERVICE_WAIT_MS = 30_000;
    /** Felix installs a bundle of this location prefix from the file in place, keeping no copy. */
    private static final String REFERENCE = "reference:";
    /**
     * A core bundle's manifest header: an LDAP filter of the service it waits for. Such a bundle
     * (the web bundle, whose Jetty start is the longest activation) starts on a thread of its own
     * once a matching service is registered (at most 30 s later), alongside the other bundles and
     * the first config load instead of after them.
     */
    static final String START_ASIDE_HEADER = "Promethium-Start-Aside";
    /** The old generation's size below which {@link OldGenPacer} starts no collection (Go's minimum heap is 4 MB). */
    private static final long PACER_FLOOR_BYTES = 16L << 20;
    /** With the plugin folder watched, how often it is still scanned for changes its file system did not report. */
    private static final long PLUGIN_FOLDER_QUIET_MILLIS = 60_000;
    /** The free committed heap below which {@link G1HeapGiveBack} asks for nothing. */
    private static final long GIVE_BACK_SLACK_BYTES = 64L << 20;

    private final Flags flags;
    private final Path home;
    private final Instant startTime = Instant.now();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final Properties versionInfo = new Properties();
    private volatile boolean ready;
    private volatile boolean saidReady;
    private final java.util.concurrent.atomic.AtomicReference<String> listening = new java.util.concurrent.atomic.AtomicReference<>();
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
        long giveBackMillis = giveBackSeconds(System.getProperty("promethium.gc.giveback")) * 1000;
        // Read before anything starts: a trust store that cannot be read stops the server, naming the flag.
        PluginSignatures signatures = PluginSignatures.fromFlag(flags.get(PluginSignatures.FLAG));
        // A config file that is not there fails before some sixty bundles start only to stop again (seconds);
        // the config bundle words it the same way when the file goes missing later, at a reload.
        Path configFile = Path.of(flags.get("config.file"));
        if (!Files.exists(configFile)) {
            System.err.println("error loading config from \"" + configFile + "\": " + configFile + ": no such file");
            return 1;
        }
        FrameworkCache cache = null;
        Framework fw = null;
        FrameworkCache.removeOldDataCache(flags.all().get(
                Boolean.parseBoolean(flags.all().getOrDefault("agent", "false")) ? "storage.agent.path" : "storage.tsdb.path"));
        String frameworkStamp = FrameworkCache.frameworkStamp();
        Path kept = FrameworkCache.keptDir(flags.get(FrameworkCache.FLAG));
        java.nio.channels.FileLock hold = kept == null ? null : FrameworkCache.lock(kept);
        if (kept != null && hold == null) {
            LOG.info("Bundle cache " + kept + " is in use by another server of this installation; using a temporary one (--"
                    + FrameworkCache.FLAG + " gives a server a folder of its own)");
            kept = null;
        }
        if (kept != null) {
            try {
                if (FrameworkCache.stale(kept, frameworkStamp)) {
                    LOG.info("Bundle cache " + kept + " was made by another framework or version; rebuilding it");
                    FrameworkCache.empty(kept);
                }
                FrameworkCache.dropMissingReferences(kept);
                fw = newFramework(kept);
            } catch (BundleException | IOException | RuntimeException e) {
                // A cache Felix cannot open is rebuilt once.
                try {
                    FrameworkCache.empty(kept);
                    fw = newFramework(kept);
                    LOG.info("Bundle cache " + kept + " could not be opened (" + e.getMessage() + "); rebuilt it");
                } catch (BundleException | IOException | RuntimeException again) {
                    LOG.info("Bundle cache " + kept + " is not usable (" + again.getMessage() + "); using a temporary one");
                }
            }
            if (fw != null) {
                cache = new FrameworkCache(kept, true, hold);
            } else {
                FrameworkCache.unlock(hold);
            }
        }
        if (fw == null) {
            cache = FrameworkCache.temporary();
            fw = newFramework(cache.dir());
        }
        framework = fw;
        BundleContext context = fw.getBundleContext();
        List<Bundle> core = installCoreBundles(context, Path.of(flags.get("bundles.dir")), cache.dir(), frameworkStamp);
        fw.start();
        installSignalHandlers();
        PluginWatcher plugins = new PluginWatcher(context, Path.of(flags.get("plugins.dir")), signatures);
        // Here, on the system bundle, it sees every bundle's stop, whoever caused it (the folder, the admin API).
        ThreadLeakWatch threads = new ThreadLeakWatch(context, ThreadLeakWatch.DEFAULT_GRACE);
        if (signatures.enforced()) {
            LOG.info("Plugins start only when signed by a key of the " + signatures);
        }
        context.registerService(Lifecycle.class, this, null);
        context.registerService(ServerInfo.class, this, null);
        context.registerService(PluginDirectory.class, plugins, null);
        context.registerService(PluginThreads.class, threads, null);

        // Configuration Admin first: the components that take configurations find it running.
        // Flags reach the bundles as framework properties (promethium.flag.<name>), set above.
        List<Bundle> aside = new ArrayList<>();
        for (Bundle bundle : core) {
            if (bundle.getSymbolicName() != null && bundle.getSymbolicName().startsWith("org.apache.felix.configadmin")) {
                start(bundle);
            } else if (bundle.getHeaders().get(START_ASIDE_HEADER) != null) {
                aside.add(bundle);
            }
        }
        // The bundles that start aside (the web bundle) do so on threads of their own as soon as
        // the service they need is there; /-/ready answers 503 until the server is ready.
        List<Thread> asideStarts = new ArrayList<>();
        for (Bundle bundle : aside) {
            String filter = bundle.getHeaders().get(START_ASIDE_HEADER);
            asideStarts.add(Thread.ofPlatform().name(bundle.getSymbolicName() + "-start").start(() -> startAside(context, bundle, filter)));
        }
        for (Bundle bundle : core) {
            if (!aside.contains(bundle) && bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null && bundle.getState() != Bundle.ACTIVE) {
                start(bundle);
            }
        }
        LOG.info("Started " + core.size() + " core bundles from " + flags.get("bundles.dir"));
        plugins.scan();
        // The storage opened (its WAL replayed) before the config loads and the server is ready.
        ReadyServices readyServices = ReadyServices.await(context, CONFIG_SERVICE_WAIT_MS);

        String loadError = loadConfig(context);
        if (loadError != null) {
            System.err.println(loadError);
            threads.close();
            stopFramework();
            readyServices.close();
            cache.release();
            return 1;
        }
        for (Thread start : asideStarts) {
            start.join(CONFIG_SERVICE_WAIT_MS);
        }
        ready = true;
        // Paced from here on: start-up and WAL replay only add live data, which full collections
        // at each doubling from 16 MB would mark again and again (a 51k-series replay: three
        // of them, 0.8 s of pauses, replay to ready 4.0 -> 6.7 s). The first young collection
        // after this starts one full collection that measures the live size.
        java.util.Optional<OldGenPacer> pacer = OldGenPacer.start(gcPercent, PACER_FLOOR_BYTES);
        java.util.Optional<G1HeapGiveBack> giveBack = G1HeapGiveBack.start(giveBackMillis, GIVE_BACK_SLACK_BYTES);
        if (!announceReady() && listening.get() == null) {
            LOG.warning("The config is loaded, but the web listener has not started (see the errors above): no web requests are received yet");
        }

        long scanMillis = io.promethium.launcher.Durations.millis(flags.get("plugins.scan-interval"));
        BooleanSupplier scanPlugins = () -> {
            plugins.scan();
            return plugins.waiting();
        };
        Thread watcher = new Thread(new PluginFolderWatch(Path.of(flags.get("plugins.dir")), scanPlugins, scanMillis,
                PLUGIN_FOLDER_QUIET_MILLIS), "plugin-watcher");
        watcher.setDaemon(true);
        watcher.start();

        stopRequested.await();
        LOG.info("Stopping Promethium...");
        watcher.interrupt();
        threads.close();
        boolean stopped = stopFramework();
        readyServices.close();
        pacer.ifPresent(OldGenPacer::stop);
        giveBack.ifPresent(G1HeapGiveBack::stop);
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

    /**
     * How long G1's heap must stay more than half free after young collections before
     * {@link G1HeapGiveBack} asks for a concurrent cycle, in seconds (system property
     * {@code promethium.gc.giveback}, set by bin/promethium from {@code PROMETHIUM_GC_GIVEBACK}):
     * 60 when unset, 0 for {@code off}.
     */
    static long giveBackSeconds(String value) {
        if (value == null || value.isBlank()) {
            return 60;
        }
        if (value.strip().equalsIgnoreCase("off")) {
            return 0;
        }
        try {
            long seconds = Long.parseLong(value.strip());
            if (seconds > 0) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("promethium.gc.giveback (PROMETHIUM_GC_GIVEBACK) must be a positive whole number of seconds or 'off', got '" + value + "'");
    }

    /** A framework initialised on the cache folder (bundles of a kept cache are there, not started). */
    private Framework newFramework(Path cache) throws BundleException {
        Map<String, String> props = new HashMap<>();
        // Never Felix's storage clean: the launcher empties a cache itself, keeping its lock file.
        props.put(Constants.FRAMEWORK_STORAGE, cache.toString());
        props.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA,
                "io.promethium.launcher.spi;version=1.3.0,org.osgi.service.cm;version=1.6.1,sun.misc"); // the spi version: its package-info
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
     * Installs the core bundles by reference ({@code reference:file:}: Felix reads the jar of
     * {@code bundles/} in place instead of copying it into the cache), reusing those the cache
     * holds from the last run when their jar did not change (its size and time, in the cache's
     * stamp file). Everything else in the cache is uninstalled first: changed or removed core
     * jars, and the plugins, which the plugin watcher installs again from the plugin folder as it
     * finds it (copied, not referenced: a plugin jar may be replaced while its bundle runs).
     */
    static List<Bundle> installCoreBundles(BundleContext context, Path dir, Path cacheDir, String framework) throws IOException {
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.jar")) {
            stream.forEach(jars::add);
        }
        jars.sort(null);
        Properties cached = FrameworkCache.readStamps(cacheDir);
        Map<String, Path> wanted = new java.util.LinkedHashMap<>();
        Map<String, String> stamps = new HashMap<>();
        for (Path jar : jars) {
            String location = REFERENCE + jar.toAbsolutePath().normalize().toUri();
            wanted.put(location, jar);
            stamps.put(location, FrameworkCache.stampOf(jar));
        }
        for (Bundle bundle : context.getBundles()) {
            String location = bundle.getLocation();
            if (bundle.getBundleId() != 0 && (!wanted.containsKey(location) || !stamps.get(location).equals(cached.getProperty(location)))) {
                try {
                    bundle.uninstall();
                } catch (BundleException | RuntimeException e) {
                    LOG.warning("Cannot remove " + location + " from the bundle cache: " + e.getMessage());
                }
            }
        }
        List<Bundle> installed = new ArrayList<>();
        Map<String, String> kept = new HashMap<>();
        for (Map.Entry<String, Path> entry : wanted.entrySet()) {
            Bundle bundle = context.getBundle(entry.getKey());
            if (bundle == null) {
                try {
                    bundle = context.installBundle(entry.getKey());
                } catch (BundleException | RuntimeException e) {
                    LOG.severe("Core bundle " + entry.getValue().getFileName() + " cannot be installed: " + e.getMessage());
                    continue;
                }
            }
            installed.add(bundle);
            kept.put(entry.getKey(), stamps.get(entry.getKey()));
        }
        try {
            FrameworkCache.writeStamps(cacheDir, framework, kept);
        } catch (IOException e) {
            // The next run then installs every core bundle again: slower, not wrong.
            LOG.warning("Cannot write the bundle cache's stamp file in " + cacheDir + ": " + e.getMessage());
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

    /** Starts a bundle once a service matching its {@value #START_ASIDE_HEADER} filter is registered (at most 30 s later). */
    private static void startAside(BundleContext context, Bundle bundle, String filter) {
        try {
            ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context, context.createFilter(filter), null);
            tracker.open();
            try {
                tracker.waitForService(CONFIG_SERVICE_WAIT_MS);
            } finally {
                tracker.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (InvalidSyntaxException e) {
            LOG.warning("Core bundle " + bundle.getSymbolicName() + ": bad " + START_ASIDE_HEADER + " filter " + filter + " ("
                    + e.getMessage() + "); starting it now");
        }
        start(bundle);
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
        LogSetup.quietWhileStopping();
        stopRestWhiteboard(fw);
        try {
            fw.stop();
        } catch (BundleException e) {
            LOG.warning("stopping the framework failed: " + e.getMessage());
        }
        return fw.waitForStop(STOP_TIMEOUT_MS).getType() != org.osgi.framework.FrameworkEvent.WAIT_TIMEDOUT;
    }

    /**
     * Stops the bundle hosting the JAX-RS whiteboard (the one registering its
     * {@code JakartarsServiceRuntime}) before the framework stops the others in reverse install
     * order. Otherwise the bundles serving resources go first, and the whiteboard rebuilds its
     * application at each resource that leaves, asking bundles already stopping for their
     * services and logging an error when one is gone.
     */
    private static void stopRestWhiteboard(Framework fw) {
        try {
            ServiceReference<?>[] runtimes = fw.getBundleContext()
                    .getAllServiceReferences("org.osgi.service.jakartars.runtime.JakartarsServiceRuntime", null);
            for (ServiceReference<?> runtime : runtimes == null ? new ServiceReference<?>[0] : runtimes) {
                Bundle host = runtime.getBundle();
                if (host != null) {
                    host.stop(Bundle.STOP_TRANSIENT);
                }
            }
        } catch (BundleException | InvalidSyntaxException | RuntimeException e) {
            // The framework's own stop follows and stops it anyway.
            LOG.warning("stopping the JAX-RS whiteboard first failed: " + e.getMessage());
        }
    }

    private void installSignalHandlers() {
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> shutdown());
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> shutdown());
        sun.misc.SignalHandler previous = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
            Thread.ofPlatform().name("sighup-reload").start(() -> {
                LOG.info("Received SIGHUP, reloading configuration");
                reload();
            });
        });
        if (previous == sun.misc.SignalHandler.SIG_IGN) {
            // The JVM leaves a signal ignored at its start ignored (nohup); bin/promethium resets it where env can.
            LOG.warning("SIGHUP was ignored when the server started (nohup?) and stays ignored: reload with POST /-/reload (--web.enable-lifecycle)");
        }
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
        // Only once the log has said so: a client that sees /-/ready answer 200 finds the line.
        return saidReady;
    }

    @Override
    public void listening(String address) {
        listening.set(address);
        announceReady();
    }

    /**
     * Says once that the server is ready, when the config is loaded and the web listens; whether it has said so.
     * Synchronized so that the line is logged once and {@link #ready()} turns true only after it.
     */
    private synchronized boolean announceReady() {
        if (!saidReady && ready && listening.get() != null) {
            LOG.info("Server is ready to receive web requests.");
            saidReady = true;
        }
        return saidReady;
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
