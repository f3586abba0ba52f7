package io.promethium.discovery.nomad.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.HttpClientFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * One validated {@code nomad_sd_configs} block with Prometheus's defaults and rules
 * ({@code discovery/nomad}): {@code server} http://localhost:4646 (not blank),
 * {@code namespace} default, {@code region} global, {@code allow_stale} true,
 * {@code tag_separator} ",", {@code refresh_interval} 60s.
 */
record NomadSdConfig(String server, String namespace, String region, boolean allowStale, String tagSeparator,
                     Duration refreshInterval) {

    static final Duration DEFAULT_REFRESH = Duration.ofSeconds(60);
    static final Set<String> OWN_FIELDS = Set.of("server", "namespace", "region", "allow_stale", "tag_separator", "refresh_interval");

    static NomadSdConfig parse(PluginConfig config) throws ConfigException {
        Set<String> known = new HashSet<>(OWN_FIELDS);
        known.addAll(HttpClientFactory.FIELDS);
        config.requireOnly(known);
        Duration refresh = config.duration("refresh_interval", DEFAULT_REFRESH);
        if (refresh.isZero() || refresh.isNegative()) {
            // Prometheus accepts 0 and then panics in its ticker; refused here with a message instead.
            throw config.error("refresh_interval", "refresh_interval must be greater than 0");
        }
        String server = config.string("server", "http://localhost:4646");
        if (server.isBlank()) {
            throw config.error("server", "nomad SD configuration requires a server address");
        }
        try {
            URI uri = new URI(server);
            if (uri.getScheme() == null || uri.getRawAuthority() == null) {
                throw new URISyntaxException(server, "not an absolute http(s) URL");
            }
        } catch (URISyntaxException e) {
            // Nomad's client fails on it only when it asks; refused here with the field named.
            throw config.error("server", "invalid nomad server address \"" + server + "\": " + e.getReason());
        }
        return new NomadSdConfig(server, config.string("namespace", "default"), config.string("region", "global"),
                config.bool("allow_stale", true), config.string("tag_separator", ","), refresh);
    }
}
