package io.promethium.alerting.internal;

import static java.util.Objects.requireNonNull;

import io.promethium.api.config.ConfigException;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.config.model.AlertmanagerConfig;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.config.http.KernelHttpClientFactory;
import io.promethium.config.model.StaticConfig;
import io.promethium.config.relabel.Relabeler;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One entry of {@code alerting.alertmanagers}: its targets (static and discovered, relabeled
 * into URLs), its own alert relabeling, and the HTTP client that posts to them.
 */
final class AlertmanagerSet {

    private static final String DISCOVERED = "discovered";

    private final String name;
    private final AlertmanagerConfig config;
    private final Relabeler targetRelabeler;
    private final Relabeler alertRelabeler;
    /** The kernel's one http_client_config implementation: TLS, proxy, redirects, HTTP/2, credentials, http_headers. */
    private static final KernelHttpClientFactory HTTP_CLIENTS = new KernelHttpClientFactory();

    private final ConfiguredHttpClient client;
    private final Map<String, List<TargetGroup>> discovered = new LinkedHashMap<>();
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(AlertmanagerSet.class.getName());

    private volatile List<URI> active = List.of();
    private volatile List<URI> dropped = List.of();

    AlertmanagerSet(String name, AlertmanagerConfig config, Path baseDir) throws ConfigException {
        this.name = requireNonNull(name, "name is null");
        this.config = requireNonNull(config, "config is null");
        this.targetRelabeler = new Relabeler(config.relabelConfigs());
        this.alertRelabeler = new Relabeler(config.alertRelabelConfigs());
        this.client = HTTP_CLIENTS.create(config.httpClient(), baseDir);
        List<TargetGroup> statics = new ArrayList<>();
        int i = 0;
        for (StaticConfig sc : config.staticConfigs()) {
            List<Labels> targets = new ArrayList<>();
            for (String t : sc.targets()) {
                targets.add(Labels.of("__address__", t));
            }
            statics.add(new TargetGroup("static/" + i++, targets, sc.labels()));
        }
        discovered.put("static", statics);
        recompute();
    }

    String name() {
        return name;
    }

    AlertmanagerConfig config() {
        return config;
    }

    Relabeler alertRelabeler() {
        return alertRelabeler;
    }

    /** Replaces every discovered group (the discovery manager sends the whole set each time). */
    synchronized void replaceDiscovered(List<TargetGroup> groups) {
        discovered.put(DISCOVERED, List.copyOf(groups));
        recompute();
    }

    /** The discovered groups, to carry over to the set that replaces this one on reload. */
    synchronized List<TargetGroup> discovered() {
        return discovered.getOrDefault(DISCOVERED, List.of());
    }

    private void recompute() {
        List<URI> on = new ArrayList<>();
        List<URI> off = new ArrayList<>();
        for (List<TargetGroup> groups : discovered.values()) {
            for (TargetGroup g : groups) {
                for (Labels target : g.targets()) {
                    Labels.Builder lb = g.labels().toBuilder();
                    target.forEach(lb::set);
                    if (lb.get("__scheme__").isEmpty()) {
                        lb.set("__scheme__", config.scheme());
                    }
                    lb.set("__alerts_path__", joinPath(config.pathPrefix(), "/api/v2/alerts"));
                    Labels before = lb.build();
                    Labels after = targetRelabeler.process(before);
                    if (after == null || after.get("__address__").isEmpty()) {
                        URI u = toUri(before);
                        if (u != null) {
                            off.add(u);
                        }
                        continue;
                    }
                    if (after.get("__address__").indexOf('/') >= 0) {
                        // As Prometheus: an address is host:port, never a URL; such a target is not used.
                        LOG.warning("alertmanager " + name + ": \"" + after.get("__address__") + "\" is not a valid hostname");
                        continue;
                    }
                    URI u = toUri(after);
                    if (u != null && !on.contains(u)) {
                        on.add(u);
                    }
                }
            }
        }
        active = List.copyOf(on);
        dropped = List.copyOf(off);
    }

    static String joinPath(String prefix, String path) {
        String p = prefix == null ? "" : prefix;
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (!p.isEmpty() && !p.startsWith("/")) {
            p = "/" + p;
        }
        return p + path;
    }

    private static URI toUri(Labels l) {
        String scheme = l.get("__scheme__");
        String address = l.get("__address__");
        if (address.isEmpty()) {
            return null;
        }
        if (address.lastIndexOf(':') <= address.lastIndexOf(']')) {
            address = address + (scheme.equals("https") ? ":443" : ":80");
        }
        try {
            return URI.create(scheme + "://" + address + l.get("__alerts_path__"));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    List<URI> active() {
        return active;
    }

    List<URI> dropped() {
        return dropped;
    }

    /** Posts one body to one Alertmanager; true on a 2xx answer. */
    boolean post(URI url, byte[] body, NotifierMetrics.PerTarget metrics, int alertCount) {
        HttpRequest.Builder rb = HttpRequest.newBuilder(url)
                .timeout(config.timeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "Promethium")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        long start = System.nanoTime();
        try {
            HttpResponse<Void> response = client.send(rb.build(), HttpResponse.BodyHandlers.discarding());
            boolean ok = response.statusCode() / 100 == 2;
            if (ok) {
                metrics.sent.add(alertCount);
            } else {
                metrics.errors.add(alertCount);
            }
            return ok;
        } catch (IOException e) {
            metrics.errors.add(alertCount);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            metrics.errors.add(alertCount);
            return false;
        } finally {
            metrics.observeLatency((System.nanoTime() - start) / 1e9);
        }
    }

    void close() {
        // shutdown() lets in-flight posts finish without making the caller wait for them; the
        // credentials (an OAuth2 token client) are released once they have.
        java.net.http.HttpClient transport = client.transport();
        transport.shutdown();
        Thread.ofVirtual().name("alertmanager-client-close-" + name).start(() -> {
            try {
                transport.awaitTermination(config.timeout());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            client.close();
        });
    }
}
