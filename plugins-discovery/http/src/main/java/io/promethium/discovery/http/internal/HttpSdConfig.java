package io.promethium.discovery.http.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.HttpClientFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * One validated {@code http_sd_configs} block with Prometheus's defaults and rules
 * ({@code discovery/http}): {@code url} required, http or https, with a host;
 * {@code refresh_interval} 60s. The {@code http_client_config} fields are the HTTP client
 * factory's to check.
 */
record HttpSdConfig(String url, Duration refreshInterval) {

    static final Duration DEFAULT_REFRESH = Duration.ofSeconds(60);
    static final Set<String> OWN_FIELDS = Set.of("url", "refresh_interval");

    static HttpSdConfig parse(PluginConfig config) throws ConfigException {
        Set<String> known = new HashSet<>(OWN_FIELDS);
        known.addAll(HttpClientFactory.FIELDS);
        config.requireOnly(known);
        Duration refresh = config.duration("refresh_interval", DEFAULT_REFRESH);
        if (refresh.isZero() || refresh.isNegative()) {
            // Prometheus accepts 0 and then panics in its ticker; refused here with a message instead.
            throw config.error("refresh_interval", "refresh_interval must be greater than 0");
        }
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
        return new HttpSdConfig(url, refresh);
    }
}
