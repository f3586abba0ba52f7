package io.promethium.config.model;

import io.promethium.api.config.PluginConfig;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** One entry of {@code alerting.alertmanagers:}. */
public record AlertmanagerConfig(
        String apiVersion,
        String pathPrefix,
        String scheme,
        Duration timeout,
        HttpClientConfig httpClient,
        List<StaticConfig> staticConfigs,
        List<PluginConfig> discoveryConfigs,
        List<RelabelConfig> relabelConfigs,
        List<RelabelConfig> alertRelabelConfigs) {

    public AlertmanagerConfig {
        Objects.requireNonNull(apiVersion, "apiVersion is null");
        Objects.requireNonNull(pathPrefix, "pathPrefix is null");
        Objects.requireNonNull(scheme, "scheme is null");
        Objects.requireNonNull(timeout, "timeout is null");
        Objects.requireNonNull(httpClient, "httpClient is null");
        staticConfigs = List.copyOf(staticConfigs);
        discoveryConfigs = List.copyOf(discoveryConfigs);
        relabelConfigs = List.copyOf(relabelConfigs);
        alertRelabelConfigs = List.copyOf(alertRelabelConfigs);
    }
}
