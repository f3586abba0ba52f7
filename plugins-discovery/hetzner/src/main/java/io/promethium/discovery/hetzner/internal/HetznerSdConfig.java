package io.promethium.discovery.hetzner.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.HttpClientFactory;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * One validated {@code hetzner_sd_configs} block with Prometheus's defaults and rules
 * ({@code discovery/hetzner}): {@code role} required ({@code hcloud} or {@code robot}),
 * {@code port} 80, {@code label_selector} (hcloud), {@code refresh_interval} 60s, and
 * {@code http_client_config} (a bearer token for hcloud, basic auth for Robot).
 */
record HetznerSdConfig(String role, long port, String labelSelector, Duration refreshInterval) {

    static final Set<String> OWN_FIELDS = Set.of("role", "port", "label_selector", "refresh_interval");

    static HetznerSdConfig parse(PluginConfig config) throws ConfigException {
        Set<String> known = new HashSet<>(OWN_FIELDS);
        known.addAll(HttpClientFactory.FIELDS);
        config.requireOnly(known);
        Duration refresh = config.duration("refresh_interval", Duration.ofSeconds(60));
        if (refresh.isZero() || refresh.isNegative()) {
            // Prometheus accepts 0 and then panics in its ticker; refused here with a message instead.
            throw config.error("refresh_interval", "refresh_interval must be greater than 0");
        }
        long port = config.integer("port", 80);
        if (port < 0 || port > 65535) {
            // Prometheus takes any int and formats it as unsigned; refused here.
            throw config.error("port", "port must be between 0 and 65535, got " + port);
        }
        String role = config.string("role", "");
        if (role.isEmpty()) {
            throw config.has("role") ? config.error("role", "role missing (one of: robot, hcloud)") : config.error("role missing (one of: robot, hcloud)");
        }
        if (!role.equals("robot") && !role.equals("hcloud")) {
            throw config.error("role", "unknown role \"" + role + "\"");
        }
        String selector = config.string("label_selector", "");
        if (!selector.isEmpty() && role.equals("robot")) {
            // Prometheus passes the selector to the Cloud API only and ignores it for Robot; refused here instead.
            throw config.error("label_selector", "label_selector is only supported with role hcloud");
        }
        return new HetznerSdConfig(role, port, selector, refresh);
    }
}
