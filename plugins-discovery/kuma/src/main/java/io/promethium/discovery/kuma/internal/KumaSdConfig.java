package io.promethium.discovery.kuma.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.HttpClientFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * One validated {@code kuma_sd_configs} block with Prometheus's defaults and rules
 * ({@code discovery/xds}): {@code server} required, with a scheme (http or https) and a host;
 * {@code refresh_interval} 15s, {@code fetch_timeout} 2m, {@code client_id} this host's name.
 */
record KumaSdConfig(String server, Duration refreshInterval, Duration fetchTimeout, String clientId) {

    static final Duration DEFAULT_REFRESH = Duration.ofSeconds(15);
    static final Duration DEFAULT_FETCH_TIMEOUT = Duration.ofMinutes(2);
    static final Set<String> OWN_FIELDS = Set.of("server", "refresh_interval", "fetch_timeout", "client_id");

    static KumaSdConfig parse(PluginConfig config) throws ConfigException {
        Set<String> known = new HashSet<>(OWN_FIELDS);
        known.addAll(HttpClientFactory.FIELDS);
        config.requireOnly(known);
        Duration refresh = config.duration("refresh_interval", DEFAULT_REFRESH);
        if (refresh.isZero() || refresh.isNegative()) {
            // Prometheus accepts 0 and then panics in its ticker; refused here with a message instead.
            throw config.error("refresh_interval", "refresh_interval must be greater than 0");
        }
        Duration fetchTimeout = config.duration("fetch_timeout", DEFAULT_FETCH_TIMEOUT);
        String server = config.string("server", "");
        if (server.isEmpty()) {
            throw config.error("kuma SD server must not be empty: ");
        }
        URI uri;
        try {
            uri = new URI(server);
        } catch (URISyntaxException e) {
            throw config.error("server", "parse \"" + server + "\": " + e.getMessage());
        }
        if (uri.getScheme() == null || uri.getRawAuthority() == null || uri.getRawAuthority().isEmpty()) {
            throw config.error("server", "kuma SD server must not be empty and have a scheme: " + server);
        }
        if (!uri.getScheme().equals("http") && !uri.getScheme().equals("https")) {
            // Prometheus fails on it when the discoverer is made.
            throw config.error("server", "invalid xDS server URL protocol. must be either 'http' or 'https'");
        }
        return new KumaSdConfig(server, refresh, fetchTimeout, config.string("client_id", ""));
    }
}
