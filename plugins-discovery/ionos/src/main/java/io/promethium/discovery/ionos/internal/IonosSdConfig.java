package io.promethium.discovery.ionos.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.HttpClientFactory;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * One validated {@code ionos_sd_configs} block with Prometheus's defaults and rules
 * ({@code discovery/ionos}): {@code datacenter_id} required, {@code port} 80,
 * {@code refresh_interval} 60s, and {@code http_client_config} (a token as {@code authorization}
 * or a user and password as {@code basic_auth}, as Prometheus documents).
 */
record IonosSdConfig(String datacenterId, long port, Duration refreshInterval) {

    static final Set<String> OWN_FIELDS = Set.of("datacenter_id", "port", "refresh_interval");

    static IonosSdConfig parse(PluginConfig config) throws ConfigException {
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
        String datacenter = config.string("datacenter_id", "");
        if (datacenter.isEmpty()) {
            throw config.has("datacenter_id") ? config.error("datacenter_id", "datacenter id can't be empty")
                    : config.error("datacenter id can't be empty");
        }
        return new IonosSdConfig(datacenter, port, refresh);
    }
}
