package io.promethium.discovery.puppetdb.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.HttpClientFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * One validated {@code puppetdb_sd_configs} block with Prometheus's defaults and rules
 * ({@code discovery/puppetdb}): {@code url} (http or https, with a host) and {@code query}
 * required; {@code port} 80, {@code include_parameters} false, {@code refresh_interval} 60s.
 */
record PuppetdbSdConfig(String url, String query, boolean includeParameters, long port, Duration refreshInterval) {

    static final Duration DEFAULT_REFRESH = Duration.ofSeconds(60);
    static final Set<String> OWN_FIELDS = Set.of("url", "query", "include_parameters", "port", "refresh_interval");

    static PuppetdbSdConfig parse(PluginConfig config) throws ConfigException {
        Set<String> known = new HashSet<>(OWN_FIELDS);
        known.addAll(HttpClientFactory.FIELDS);
        config.requireOnly(known);
        Duration refresh = config.duration("refresh_interval", DEFAULT_REFRESH);
        if (refresh.isZero() || refresh.isNegative()) {
            // Prometheus accepts 0 and then panics in its ticker; refused here with a message instead.
            throw config.error("refresh_interval", "refresh_interval must be greater than 0");
        }
        long port = config.integer("port", 80);
        if (port < 0 || port > 65535) {
            // Prometheus takes any int (a negative one wraps around as unsigned); refused here.
            throw config.error("port", "port must be between 0 and 65535, got " + port);
        }
        boolean includeParameters = config.bool("include_parameters", false);
        String url = config.string("url", "");
        if (url.isEmpty()) {
            throw config.error("URL is missing");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw config.error("url", "parse \"" + url + "\": " + e.getMessage());
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw config.error("url", "URL scheme must be 'http' or 'https'");
        }
        if (uri.getRawAuthority() == null || uri.getRawAuthority().isEmpty()) {
            throw config.error("url", "host is missing in URL");
        }
        String query = config.string("query", "");
        if (query.isEmpty()) {
            throw config.error("query missing");
        }
        return new PuppetdbSdConfig(url, query, includeParameters, port, refresh);
    }

    /** Prometheus's {@code path.Join(u.Path, "pdb/query/v4")}: the URL's path, cleaned, with the query endpoint appended. */
    String queryUrl() {
        URI uri = URI.create(url);
        String joined = clean((uri.getRawPath() == null ? "" : uri.getRawPath()) + "/pdb/query/v4");
        return uri.getScheme() + "://" + uri.getRawAuthority() + joined + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    /** Go's {@code path.Clean} for an absolute path. */
    private static String clean(String path) {
        java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(part);
            }
        }
        return "/" + String.join("/", parts);
    }
}
