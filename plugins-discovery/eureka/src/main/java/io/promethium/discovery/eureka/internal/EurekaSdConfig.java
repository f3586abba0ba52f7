package io.promethium.discovery.eureka.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.HttpClientFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * One validated {@code eureka_sd_configs} block with Prometheus's defaults and rules
 * ({@code discovery/eureka}): {@code server} required, a URL with a scheme and a host;
 * {@code refresh_interval} 30s. The {@code http_client_config} fields are the HTTP client
 * factory's to check.
 */
record EurekaSdConfig(String server, Duration refreshInterval) {

    static final Duration DEFAULT_REFRESH = Duration.ofSeconds(30);
    static final Set<String> OWN_FIELDS = Set.of("server", "refresh_interval");

    static EurekaSdConfig parse(PluginConfig config) throws ConfigException {
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
            throw config.error("eureka_sd: empty or null eureka server");
        }
        URI uri;
        try {
            uri = new URI(server);
        } catch (URISyntaxException e) {
            throw config.error("server", "parse \"" + server + "\": " + e.getMessage());
        }
        if (uri.getScheme() == null || uri.getRawAuthority() == null || uri.getRawAuthority().isEmpty()) {
            throw config.error("server", "eureka_sd: invalid eureka server URL");
        }
        return new EurekaSdConfig(server, refresh);
    }

    /** Prometheus appends {@code /apps} to the server as written. */
    String appsUrl() {
        return server + "/apps";
    }
}
