package io.promethium.alerting.internal;

import static java.util.Objects.requireNonNull;

import io.promethium.api.config.ConfigException;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.config.tls.TlsContexts;
import io.promethium.api.model.Labels;
import io.promethium.config.model.AlertmanagerConfig;
import io.promethium.config.model.HttpClientConfig;
import io.promethium.config.model.StaticConfig;
import io.promethium.config.relabel.Relabeler;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
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
    private final HttpClient client;
    private final String authorization;
    private final Map<String, List<TargetGroup>> discovered = new LinkedHashMap<>();
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(AlertmanagerSet.class.getName());

    private volatile List<URI> active = List.of();
    private volatile List<URI> dropped = List.of();

    AlertmanagerSet(String name, AlertmanagerConfig config, Path baseDir) throws ConfigException {
        this.name = requireNonNull(name, "name is null");
        this.config = requireNonNull(config, "config is null");
        this.targetRelabeler = new Relabeler(config.relabelConfigs());
        this.alertRelabeler = new Relabeler(config.alertRelabelConfigs());
        HttpClientConfig http = config.httpClient();
        HttpClient.Builder b = HttpClient.newBuilder()
                .connectTimeout(config.timeout())
                .followRedirects(http.followRedirects() ? HttpClient.Redirect.NORMAL : HttpClient.Redirect.NEVER)
                .version(http.enableHttp2() ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1);
        if (http.tls() != null) {
            b.sslContext(TlsContexts.client(http.tls(), baseDir));
        }
        if (!http.proxyUrl().isEmpty()) {
            b.proxy(proxy(http.proxyUrl()));
        }
        this.client = b.build();
        this.authorization = authorization(http, baseDir);
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

    private static String authorization(HttpClientConfig http, Path baseDir) throws ConfigException {
        try {
            if (http.basicAuth() != null) {
                String password = http.basicAuth().password();
                if (!http.basicAuth().passwordFile().isEmpty()) {
                    password = Files.readString(resolve(baseDir, http.basicAuth().passwordFile())).strip();
                }
                String token = http.basicAuth().username() + ":" + password;
                return "Basic " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8));
            }
            if (http.authorization() != null) {
                String credentials = http.authorization().credentials();
                if (!http.authorization().credentialsFile().isEmpty()) {
                    credentials = Files.readString(resolve(baseDir, http.authorization().credentialsFile())).strip();
                }
                return http.authorization().type() + " " + credentials;
            }
            return null;
        } catch (IOException e) {
            throw new ConfigException("alertmanager " + "credentials: cannot read " + e.getMessage(), e);
        }
    }

    /** {@code proxy_url}: an HTTP proxy as {@code http://host:port}. */
    static java.net.ProxySelector proxy(String url) throws ConfigException {
        try {
            URI u = URI.create(url);
            if (u.getHost() == null || !"http".equals(u.getScheme())) {
                throw new ConfigException("proxy_url must be http://host:port, found \"" + url + "\"");
            }
            int port = u.getPort() < 0 ? 80 : u.getPort();
            return java.net.ProxySelector.of(new java.net.InetSocketAddress(u.getHost(), port));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("proxy_url is not a URL: \"" + url + "\"", e);
        }
    }

    private static Path resolve(Path baseDir, String file) {
        Path p = Path.of(file);
        return baseDir == null || p.isAbsolute() ? p : baseDir.resolve(p);
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
        config.httpClient().headers().forEach(rb::header);
        if (authorization != null) {
            rb.header("Authorization", authorization);
        }
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
        // shutdown() lets in-flight posts finish without making the caller wait for them.
        client.shutdown();
    }
}
