package io.promethium.discovery.consul.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.HttpClientFactory;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One validated {@code consul_sd_configs} block, with Prometheus's defaults and rules. The
 * block's {@code http_client_config} fields are the HTTP client factory's to check.
 *
 * @param refreshInterval how long to wait after a failed query before asking again
 */
record ConsulSdConfig(String server, String pathPrefix, String token, String datacenter, String namespace, String partition,
                      String scheme, List<String> services, List<String> tags, Map<String, String> nodeMeta,
                      String tagSeparator, boolean allowStale, Duration refreshInterval, String filter) {

    static final Duration DEFAULT_REFRESH = Duration.ofSeconds(30);
    static final Set<String> OWN_FIELDS = Set.of("server", "path_prefix", "token", "datacenter", "namespace", "partition",
            "scheme", "services", "tags", "node_meta", "tag_separator", "allow_stale", "refresh_interval", "filter");

    ConsulSdConfig {
        Objects.requireNonNull(server, "server is null");
        services = List.copyOf(services);
        tags = List.copyOf(tags);
        nodeMeta = Map.copyOf(nodeMeta);
    }

    static ConsulSdConfig parse(PluginConfig config) throws ConfigException {
        Set<String> known = new HashSet<>(OWN_FIELDS);
        known.addAll(HttpClientFactory.FIELDS);
        config.requireOnly(known);
        String server = config.string("server", "localhost:8500");
        if (server.isBlank()) {
            throw config.error("server", "consul SD configuration requires a server address");
        }
        String scheme = config.string("scheme", "http");
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw config.error("scheme", "scheme: unsupported scheme \"" + scheme + "\" (http or https)");
        }
        String token = config.string("token", "");
        if (!token.isEmpty() && (config.has("authorization") || config.has("oauth2") || config.has("bearer_token")
                || config.has("bearer_token_file"))) {
            throw config.error("token", "at most one of consul SD configuration token, authorization or oauth2 can be configured");
        }
        Duration refresh = config.duration("refresh_interval", DEFAULT_REFRESH);
        if (refresh.isZero() || refresh.isNegative()) {
            throw config.error("refresh_interval", "refresh_interval must be greater than 0");
        }
        return new ConsulSdConfig(server, config.string("path_prefix", ""), token, config.string("datacenter", ""),
                config.string("namespace", ""), config.string("partition", ""), scheme, config.strings("services"),
                config.strings("tags"), config.stringMap("node_meta"), config.string("tag_separator", ","),
                config.bool("allow_stale", true), refresh, config.string("filter", ""));
    }

    /** {@code scheme://server/path_prefix}, without a trailing slash. */
    String baseUrl() {
        String prefix = pathPrefix;
        while (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        if (!prefix.isEmpty() && !prefix.startsWith("/")) {
            prefix = "/" + prefix;
        }
        return scheme + "://" + server + prefix;
    }
}
