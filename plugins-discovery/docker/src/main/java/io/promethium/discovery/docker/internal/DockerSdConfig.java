package io.promethium.discovery.docker.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.HttpClientFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One validated {@code docker_sd_configs} block with Prometheus's defaults and rules
 * ({@code discovery/moby}): {@code host} required (unix://, tcp://, http:// or https://);
 * {@code port} 80, {@code host_networking_host} localhost, {@code match_first_network} true,
 * {@code filters} (name and values, as Docker's container list takes them),
 * {@code refresh_interval} 60s.
 *
 * @param filters Docker's filters: each name with its values, sorted as Go's JSON writes them
 */
record DockerSdConfig(String host, long port, Map<String, Set<String>> filters, String hostNetworkingHost, Duration refreshInterval,
                      boolean matchFirstNetwork) {

    static final Duration DEFAULT_REFRESH = Duration.ofSeconds(60);
    static final Set<String> OWN_FIELDS = Set.of("host", "port", "filters", "host_networking_host", "refresh_interval",
            "match_first_network");

    static DockerSdConfig parse(PluginConfig config) throws ConfigException {
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
            throw config.error("port", "port must be between 0 and 65535, got " + port);
        }
        Map<String, Set<String>> filters = new TreeMap<>();
        for (PluginConfig filter : config.blocks("filters")) {
            filter.requireOnly(Set.of("name", "values"));
            String name = filter.string("name", "");
            filters.computeIfAbsent(name, n -> new TreeSet<>()).addAll(filter.strings("values"));
        }
        String host = config.string("host", "");
        if (host.isEmpty()) {
            throw config.error("host missing");
        }
        URI uri;
        try {
            uri = new URI(host);
        } catch (URISyntaxException e) {
            throw config.error("host", "parse \"" + host + "\": " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        if (!List.of("unix", "tcp", "http", "https").contains(scheme)) {
            // Prometheus's Docker client fails on it when the discoverer is made ("unable to parse docker host").
            throw config.error("host", "error setting up docker client: unable to parse docker host `" + host + "`");
        }
        Map<String, Set<String>> sorted = new LinkedHashMap<>(filters);
        return new DockerSdConfig(host, port, sorted, config.string("host_networking_host", "localhost"), refresh,
                config.bool("match_first_network", true));
    }
}
