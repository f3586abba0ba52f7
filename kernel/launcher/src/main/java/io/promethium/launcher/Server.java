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

    private final Flags flags;
    private final Path home;
    private final Instant startTime = Instant.now();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final Properties versionInfo = new Properties();
    private volatile boolean ready;
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
        Path cache = Files.createTempDirectory("promethium-felix-");
        Map<String, String> props = new HashMap<>();
        props.put(Constants.FRAMEWORK_STORAGE, cache.toString());
        props.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        props.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA,
                "io.promethium.launcher.spi;version=1.0.0,org.osgi.service.cm;version=1.6.1,sun.misc");
        props.put("felix.log.level", "1");
        props.put("promethium.home", home.toString());
        props.put("promethium.config.file", flags.get("config.file"));
        flags.all().forEach((name, value) -> props.put("promethium.flag." + name, value));
        props.put(ExternalUrl.PROPERTY, ExternalUrl.resolve(flags.get("web.external-url"), flags.get("web.listen-address")));

        Framework fw = new org.apache.felix.framework.FrameworkFactory().newFramework(props);
        framework = fw;
        fw.init();
        fw.start();
        installSignalHandlers();
        BundleContext context = fw.getBundleContext();
        PluginWatcher plugins = new PluginWatcher(context, Path.of(flags.get("plugins.dir")));
        context.registerService(Lifecycle.class, this, null);
        context.registerService(ServerInfo.class, this, null);
        context.registerService(PluginDirectory.class, plugins, null);

        startCoreBundles(context, Path.of(flags.get("bundles.dir")));
        configure(context);
        plugins.scan();

        String loadError = loadConfig(context);
        if (loadError != null) {
            System.err.println(loadError);
            stopFramework();
            deleteQuietly(cache);
            return 1;
        }
        ready = true;
        LOG.info("Server is ready to receive web requests.");

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
        deleteQuietly(cache);
        LOG.info(stopped ? "See you next time!" : "Stopped with bundles still running after 10s");
        return 0;
    }

    private void startCoreBundles(BundleContext context, Path dir) throws IOException {
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.jar")) {
            stream.forEach(jars::add);
        }
        jars.sort(null);
        List<Bundle> installed = new ArrayList<>();
        for (Path jar : jars) {
            try (InputStream in = Files.newInputStream(jar)) {
                installed.add(context.installBundle("promethium-core:" + jar.getFileName(), in));
            } catch (BundleException e) {
                LOG.severe("Core bundle " + jar.getFileName() + " cannot be installed: " + e.getMessage());
            }
        }
        for (Bundle bundle : installed) {
            if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null) {
                continue;
            }
            try {
                bundle.start();
            } catch (BundleException e) {
                LOG.severe("Core bundle " + bundle.getSymbolicName() + " cannot start: " + e.getMessage());
            }
        }
        LOG.info("Started " + installed.size() + " core bundles from " + dir);
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

    private static void deleteQuietly(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // Best effort: a leftover cache folder in tmp is harmless.
                }
            });
        } catch (IOException e) {
            // Best effort.
        }
    }

}
