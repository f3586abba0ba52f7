package io.promethium.discovery.triton.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * One validated {@code triton_sd_configs} block with Prometheus's defaults and rules
 * ({@code discovery/triton}): {@code role} {@code container} (or {@code cn}), {@code account},
 * {@code dns_suffix} and {@code endpoint} required, {@code groups}, {@code port} 9163 (the
 * discovery endpoint's and the targets'), {@code refresh_interval} 60s, {@code tls_config},
 * {@code version} 1.
 */
record TritonSdConfig(String account, String role, String dnsSuffix, String endpoint, List<String> groups, long port,
                      Duration refreshInterval, long version) {

    static final Set<String> FIELDS = Set.of("account", "role", "dns_suffix", "endpoint", "groups", "port", "refresh_interval",
            "tls_config", "version");

    static TritonSdConfig parse(PluginConfig config) throws ConfigException {
        config.requireOnly(FIELDS);
        String role = config.string("role", "container");
        if (!role.equals("container") && !role.equals("cn")) {
            throw config.error("role", "triton SD configuration requires role to be 'container' or 'cn'");
        }
        String account = config.string("account", "");
        if (account.isEmpty()) {
            throw config.error("triton SD configuration requires an account");
        }
        String suffix = config.string("dns_suffix", "");
        if (suffix.isEmpty()) {
            throw config.error("triton SD configuration requires a dns_suffix");
        }
        String endpoint = config.string("endpoint", "");
        if (endpoint.isEmpty()) {
            throw config.error("triton SD configuration requires an endpoint");
        }
        Duration refresh = config.duration("refresh_interval", Duration.ofSeconds(60));
        if (refresh.isZero() || refresh.isNegative()) {
            throw config.error("refresh_interval", "triton SD configuration requires RefreshInterval to be a positive integer");
        }
        long port = config.integer("port", 9163);
        if (port < 0 || port > 65535) {
            // Prometheus puts any int into the URL and fails when it asks; refused here.
            throw config.error("port", "port must be between 0 and 65535, got " + port);
        }
        List<String> groups = config.has("groups") ? config.strings("groups") : List.of();
        return new TritonSdConfig(account, role, suffix, endpoint, List.copyOf(groups), port, refresh, config.integer("version", 1));
    }

    /** The discovery endpoint, as Prometheus builds it. */
    String url() {
        String url = "https://" + endpoint + ":" + port + "/v" + version + (role.equals("cn") ? "/gz/discover" : "/discover");
        if (!groups.isEmpty()) {
            url += "?groups=" + java.net.URLEncoder.encode(String.join(",", groups), java.nio.charset.StandardCharsets.UTF_8);
        }
        return url;
    }
}
