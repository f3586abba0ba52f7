package io.promethium.discovery.marathon.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.HttpClientFactory;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One validated {@code marathon_sd_configs} block with Prometheus's defaults and rules
 * ({@code discovery/marathon}): at least one server; {@code auth_token} or
 * {@code auth_token_file} (sent as {@code Authorization: token=...}), neither with
 * {@code basic_auth}, a bearer token or {@code authorization}; {@code refresh_interval} 30s.
 */
record MarathonSdConfig(List<String> servers, String authToken, String authTokenFile, Duration refreshInterval) {

    static final Duration DEFAULT_REFRESH = Duration.ofSeconds(30);
    static final Set<String> OWN_FIELDS = Set.of("servers", "refresh_interval", "auth_token", "auth_token_file");

    MarathonSdConfig {
        servers = List.copyOf(servers);
    }

    static MarathonSdConfig parse(PluginConfig config) throws ConfigException {
        Set<String> known = new HashSet<>(OWN_FIELDS);
        known.addAll(HttpClientFactory.FIELDS);
        config.requireOnly(known);
        Duration refresh = config.duration("refresh_interval", DEFAULT_REFRESH);
        if (refresh.isZero() || refresh.isNegative()) {
            // Prometheus accepts 0 and then panics in its ticker; refused here with a message instead.
            throw config.error("refresh_interval", "refresh_interval must be greater than 0");
        }
        List<String> servers = config.strings("servers");
        if (servers.isEmpty()) {
            throw config.error("servers", "marathon_sd: must contain at least one Marathon server");
        }
        for (String server : servers) {
            try {
                java.net.URI uri = new java.net.URI(server + "/v2/apps/?embed=apps.tasks");
                if (uri.getScheme() == null || uri.getHost() == null) {
                    throw new java.net.URISyntaxException(server, "not an absolute http(s) URL");
                }
            } catch (java.net.URISyntaxException e) {
                // Prometheus finds this only when it asks the server; refused here with the server named.
                throw config.error("servers", "marathon_sd: invalid Marathon server URL \"" + server + "\": " + e.getReason());
            }
        }
        String token = config.string("auth_token", "");
        String tokenFile = config.string("auth_token_file", "");
        if (!token.isEmpty() && !tokenFile.isEmpty()) {
            throw config.error("marathon_sd: at most one of auth_token & auth_token_file must be configured");
        }
        if (!token.isEmpty() || !tokenFile.isEmpty()) {
            if (config.has("basic_auth")) {
                throw config.error("marathon_sd: at most one of basic_auth, auth_token & auth_token_file must be configured");
            }
            if (!config.string("bearer_token", "").isEmpty() || !config.string("bearer_token_file", "").isEmpty()) {
                throw config.error(
                        "marathon_sd: at most one of bearer_token, bearer_token_file, auth_token & auth_token_file must be configured");
            }
            if (config.has("authorization")) {
                throw config.error("marathon_sd: at most one of auth_token, auth_token_file & authorization must be configured");
            }
        }
        return new MarathonSdConfig(servers, token, tokenFile, refresh);
    }
}
