package io.promethium.discovery.vultr.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.HttpClientFactory;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * One validated {@code vultr_sd_configs} block with Prometheus's defaults ({@code discovery/vultr}):
 * {@code port} 80, {@code refresh_interval} 60s, and {@code http_client_config} (the API key goes
 * in {@code authorization}/{@code bearer_token}, as Prometheus documents).
 */
record VultrSdConfig(long port, Duration refreshInterval) {

    static final Set<String> OWN_FIELDS = Set.of("port", "refresh_interval");

    static VultrSdConfig parse(PluginConfig config) throws ConfigException {
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
        return new VultrSdConfig(port, refresh);
    }
}
