package io.promethium.discovery.gce.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import java.time.Duration;
import java.util.Set;

/**
 * One validated {@code gce_sd_configs} block with Prometheus's defaults and rules
 * ({@code discovery/gce}): {@code project} and {@code zone} required, {@code filter} (the Compute
 * API's), {@code port} 80, {@code tag_separator} {@code ,}, {@code refresh_interval} 60s. There is
 * no {@code http_client_config} here, as in Prometheus: credentials are Google's application
 * default credentials.
 */
record GceSdConfig(String project, String zone, String filter, long port, String tagSeparator, Duration refreshInterval) {

    static final Set<String> FIELDS = Set.of("project", "zone", "filter", "port", "tag_separator", "refresh_interval");

    static GceSdConfig parse(PluginConfig config) throws ConfigException {
        config.requireOnly(FIELDS);
        Duration refresh = config.duration("refresh_interval", Duration.ofSeconds(60));
        if (refresh.isZero() || refresh.isNegative()) {
            // Prometheus accepts 0 and then panics in its ticker; refused here with a message instead.
            throw config.error("refresh_interval", "refresh_interval must be greater than 0");
        }
        long port = config.integer("port", 80);
        if (port < 0 || port > 65535) {
            // Prometheus formats any int into the address; refused here.
            throw config.error("port", "port must be between 0 and 65535, got " + port);
        }
        String project = config.string("project", "");
        if (project.isEmpty()) {
            throw config.has("project") ? config.error("project", "GCE SD configuration requires a project")
                    : config.error("GCE SD configuration requires a project");
        }
        String zone = config.string("zone", "");
        if (zone.isEmpty()) {
            throw config.has("zone") ? config.error("zone", "GCE SD configuration requires a zone")
                    : config.error("GCE SD configuration requires a zone");
        }
        return new GceSdConfig(project, zone, config.string("filter", ""), port, config.string("tag_separator", ","), refresh);
    }
}
