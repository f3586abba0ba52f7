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
 * One validated {@code dockerswarm_sd_configs} block with Prometheus's defaults and rules
 * ({@code discovery/moby}): {@code host} required, {@code role} one of tasks, services, nodes;
 * {@code port} 80, {@code filters}, {@code refresh_interval} 60s.
 */
record DockerswarmSdConfig(String host, String role, long port, Map<String, Set<String>> filters, Duration refreshInterval) {

    static final Duration DEFAULT_REFRESH = Duration.ofSeconds(60);
    static final Set<String> OWN_FIELDS = Set.of("host", "role", "port", "filters", "refresh_interval");

    static DockerswarmSdConfig parse(PluginConfig config) throws ConfigException {
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
            filters.computeIfAbsent(filter.string("name", ""), n -> new TreeSet<>()).addAll(filter.strings("values"));
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
        String role = config.string("role", "");
        switch (role) {
            case "services", "nodes", "tasks" -> {
            }
            case "" -> throw config.error("role missing (one of: tasks, services, nodes)");
            default -> throw config.error("role", "invalid role " + role + ", expected tasks, services, or nodes");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        if (!List.of("unix", "tcp", "http", "https").contains(scheme)) {
            throw config.error("host", "error setting up docker swarm client: unable to parse docker host `" + host + "`");
        }
        return new DockerswarmSdConfig(host, role, port, new LinkedHashMap<>(filters), refresh);
    }
}
