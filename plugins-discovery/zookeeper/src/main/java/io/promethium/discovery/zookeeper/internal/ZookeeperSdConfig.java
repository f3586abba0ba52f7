package io.promethium.discovery.zookeeper.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * One validated {@code nerve_sd_configs} or {@code serverset_sd_configs} block with
 * Prometheus's defaults and rules ({@code discovery/zookeeper}): at least one server and one
 * path, every path starting with {@code /}; {@code timeout} (the ZooKeeper session timeout) 10s.
 *
 * @param kind {@code nerve} or {@code serverset}, as Prometheus's messages name it
 */
record ZookeeperSdConfig(String kind, List<String> servers, List<String> paths, Duration timeout) {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    static final Set<String> FIELDS = Set.of("servers", "paths", "timeout");

    ZookeeperSdConfig {
        servers = List.copyOf(servers);
        paths = List.copyOf(paths);
    }

    static ZookeeperSdConfig parse(PluginConfig config, String kind) throws ConfigException {
        config.requireOnly(FIELDS);
        List<String> servers = config.strings("servers");
        List<String> paths = config.strings("paths");
        Duration timeout = config.duration("timeout", DEFAULT_TIMEOUT);
        if (servers.isEmpty()) {
            throw config.error(config.has("servers") ? "servers" : "",
                    kind + " SD config must contain at least one Zookeeper server");
        }
        if (paths.isEmpty()) {
            throw config.error(config.has("paths") ? "paths" : "", kind + " SD config must contain at least one path");
        }
        for (String path : paths) {
            if (!path.startsWith("/")) {
                throw config.error("paths", kind + " SD config paths must begin with '/': " + path);
            }
        }
        if (timeout.isZero() || timeout.isNegative()) {
            // Prometheus passes 0 to its client, which then never connects; refused here with a message instead.
            throw config.error("timeout", "timeout must be greater than 0");
        }
        for (String server : servers) {
            if (server.isBlank() || server.contains(",") || server.contains("/")) {
                // ZooKeeper's connect string joins servers with commas; a chroot path is not a server.
                throw config.error("servers", kind + " SD config: invalid Zookeeper server \"" + server + "\"");
            }
        }
        return new ZookeeperSdConfig(kind, servers, paths, timeout);
    }

    /** ZooKeeper's connect string ({@code host:port,...}; a server without a port is on 2181, as in Prometheus's client). */
    String connectString() {
        return String.join(",", servers);
    }
}
