package io.promethium.scrape.internal;

import io.promethium.api.collect.Exporter;
import io.promethium.api.plugin.MetricsRegistrar;
import io.promethium.config.lifecycle.PluginFailure;
import io.promethium.config.lifecycle.PluginTracker;
import io.promethium.exposition.ExpositionWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The exporter services by name, and which scrape targets are one of them on this server: a
 * target whose URL is {@code /exporters/<name>/metrics} on a loopback address (or the listen
 * host) at the server's own port. Those are scraped in-process; any other target goes over HTTP,
 * so a config pointing at another Promethium's exporter keeps working. Thread-safe.
 */
public final class Exporters {

    static final String PATH_PREFIX = "/exporters";
    private static final String PAGE = "/metrics";

    private static final Logger LOG = Logger.getLogger(Exporters.class.getName());
    private static final Pattern NAME = Pattern.compile("[a-z0-9_-]+");

    /** How long a scrape of an exporter that went waits for its replacement (a plugin update). */
    static final java.time.Duration GRACE = java.time.Duration.ofSeconds(10);

    /** The {@code kind} label of the exporters' failures in {@code promethium_plugin_failures_total}. */
    static final String KIND = "exporter";

    private final Map<String, Exporter> byName = new ConcurrentHashMap<>();
    /**
     * The kernel's lifecycle rule: knows when an exporter went, so a scrape can wait for its
     * replacement; keeps each exporter's last failure for the console and counts failures in
     * {@code promethium_plugin_failures_total{plugin,kind="exporter"}}, as for the other kinds.
     */
    private final PluginTracker<Exporter> tracker;
    private volatile List<Listener> listeners = List.of(new Listener("", 9090));

    /** Exporters whose failures are logged only (tests, embedders without the kernel's metrics). */
    public Exporters() {
        this(null);
    }

    /** {@code registrar}: the kernel's, where the failures are counted and the console finds them; null: nowhere. */
    public Exporters(MetricsRegistrar registrar) {
        this.tracker = new PluginTracker<>(KIND, "", Exporter::name, GRACE, registrar);
    }

    /**
     * Adds an exporter; one whose name is not a path segment of lower-case letters, digits,
     * {@code _} or {@code -}, or is taken by another exporter, is refused and logged (the first
     * one keeps the page, as with two routes on one prefix).
     */
    public void add(Exporter exporter) {
        String name = exporter.name();
        if (name == null || !NAME.matcher(name).matches()) {
            LOG.warning("exporter " + exporter.getClass().getName() + " refused: name \"" + name
                    + "\" is not lower-case letters, digits, _ or -");
            return;
        }
        Exporter existing = byName.putIfAbsent(name, exporter);
        if (existing != null && existing != exporter) {
            LOG.warning("exporter " + exporter.getClass().getName() + " refused: /exporters/" + name
                    + "/metrics is already served by " + existing.getClass().getName());
            return;
        }
        tracker.add(exporter);
    }

    public void remove(Exporter exporter) {
        if (byName.remove(exporter.name(), exporter)) {
            tracker.remove(exporter);
        }
    }

    Exporter get(String name) {
        return byName.get(name);
    }

    /**
     * The exporter {@code name}; when it went less than {@link #GRACE} ago (its plugin is being
     * updated), waits up to {@code max} for the replacement, so a scrape in the gap reads the new
     * version instead of failing (its series stay continuous). Null when there is none.
     */
    Exporter await(String name, java.time.Duration max) throws InterruptedException {
        Exporter exporter = byName.get(name);
        if (exporter != null) {
            return exporter;
        }
        tracker.awaitService(name, max);
        return byName.get(name);
    }

    List<String> names() {
        List<String> names = new ArrayList<>(byName.keySet());
        names.sort(null);
        return names;
    }

    /**
     * The server's {@code --web.listen-address} ({@code host:port}, {@code [v6]:port}), several
     * separated by commas when the flag is repeated; an unparsable one is left out (none: the
     * default port 9090).
     */
    public void setListenAddress(String value) {
        if (value == null) {
            return;
        }
        List<Listener> parsed = new ArrayList<>();
        for (String address : value.split(",")) {
            String a = address.strip();
            int colon = a.lastIndexOf(':');
            if (colon < 0) {
                continue;
            }
            int port;
            try {
                port = Integer.parseInt(a.substring(colon + 1));
            } catch (NumberFormatException e) {
                continue;
            }
            String host = a.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            parsed.add(new Listener(host, port));
        }
        if (!parsed.isEmpty()) {
            listeners = List.copyOf(parsed);
        }
    }

    /** One address the server listens on. */
    private record Listener(String host, int port) {
    }

    /** The exporter name when {@code url} is one of this server's exporter pages, else null. */
    String inProcessName(URI url) {
        String path = url.getPath();
        if (path == null || !path.startsWith(PATH_PREFIX + "/") || !path.endsWith(PAGE)) {
            return null;
        }
        String name = path.substring(PATH_PREFIX.length() + 1, path.length() - PAGE.length());
        if (name.isEmpty() || name.indexOf('/') >= 0) {
            return null;
        }
        for (Listener listener : listeners) {
            if (url.getPort() == listener.port() && isSelf(url.getHost(), listener.host())) {
                return name;
            }
        }
        return null;
    }

    private static boolean isSelf(String host, String listenHost) {
        if (host == null) {
            return false;
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        // Literals only: a DNS lookup on every pool reload could hang, and names other than
        // localhost may point anywhere.
        return host.equalsIgnoreCase("localhost") || host.startsWith("127.") || host.equals("::1")
                || host.equals("0:0:0:0:0:0:0:1")
                || (!listenHost.isEmpty() && !listenHost.equals("0.0.0.0") && !listenHost.equals("::")
                        && host.equalsIgnoreCase(listenHost));
    }

    /**
     * Writes one exporter's page and ends it. A failing exporter's exception propagates, after it
     * is counted and kept as the exporter's last error ({@link #failures()}). An {@code Error}
     * other than a {@link LinkageError} (a class gone with its bundle) or a stack overflow is the
     * server's, not the plugin's, and propagates uncounted.
     */
    void render(Exporter exporter, ExpositionWriter writer) {
        try {
            exporter.collect(writer);
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            tracker.recordFailure(exporter.name(), "collecting /exporters/" + exporter.name() + "/metrics: " + e);
            throw e;
        }
        writer.finish();
    }

    /** The last failure of each exporter that failed, by name. */
    Map<String, PluginFailure> failures() {
        return tracker.failures();
    }
}
