package io.promethium.discovery.uyuni.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.HttpClientFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * One validated {@code uyuni_sd_configs} block with Prometheus's defaults and rules
 * ({@code discovery/uyuni}): {@code server}, {@code username} and {@code password} required;
 * {@code entitlement} monitoring_entitled, {@code separator} ",", {@code refresh_interval} 1m.
 */
record UyuniSdConfig(String server, String username, String password, String entitlement, String separator,
                     Duration refreshInterval) {

    static final Duration DEFAULT_REFRESH = Duration.ofMinutes(1);
    static final Set<String> OWN_FIELDS = Set.of("server", "username", "password", "entitlement", "separator", "refresh_interval");

    static UyuniSdConfig parse(PluginConfig config) throws ConfigException {
        Set<String> known = new HashSet<>(OWN_FIELDS);
        known.addAll(HttpClientFactory.FIELDS);
        config.requireOnly(known);
        Duration refresh = config.duration("refresh_interval", DEFAULT_REFRESH);
        if (refresh.isZero() || refresh.isNegative()) {
            // Prometheus accepts 0 and then panics in its ticker; refused here with a message instead.
            throw config.error("refresh_interval", "refresh_interval must be greater than 0");
        }
        String server = config.string("server", "");
        if (server.isEmpty()) {
            throw config.error("Uyuni SD configuration requires server host");
        }
        try {
            URI uri = new URI(server);
            if (uri.getScheme() == null || uri.getRawAuthority() == null) {
                // Prometheus's client fails on it at the first refresh ("unsupported protocol scheme").
                throw new URISyntaxException(server, "not an absolute http(s) URL");
            }
        } catch (URISyntaxException e) {
            throw config.error("server", "Uyuni Server URL is not valid: " + e.getMessage());
        }
        String username = config.string("username", "");
        if (username.isEmpty()) {
            throw config.error("Uyuni SD configuration requires a username");
        }
        String password = config.string("password", "");
        if (password.isEmpty()) {
            throw config.error("Uyuni SD configuration requires a password");
        }
        return new UyuniSdConfig(server, username, password, config.string("entitlement", "monitoring_entitled"),
                config.string("separator", ","), refresh);
    }

    /** {@code path.Join(server path, "/rpc/api")}. */
    String apiUrl() {
        URI uri = URI.create(server);
        String path = (uri.getRawPath() == null ? "" : uri.getRawPath()) + "/rpc/api";
        StringBuilder clean = new StringBuilder();
        for (String part : path.split("/")) {
            if (!part.isEmpty() && !part.equals(".")) {
                clean.append('/').append(part);
            }
        }
        return uri.getScheme() + "://" + uri.getRawAuthority() + clean + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }
}
