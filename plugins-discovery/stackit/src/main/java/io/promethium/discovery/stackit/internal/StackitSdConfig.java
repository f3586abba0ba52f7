package io.promethium.discovery.stackit.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.HttpClientFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * One validated {@code stackit_sd_configs} block with Prometheus's defaults and checks
 * ({@code discovery/stackit/stackit.go}): {@code project}, {@code region} ({@code eu01}),
 * {@code endpoint} ({@code https://iaas.api.<region>.stackit.cloud}), {@code port} 80,
 * {@code refresh_interval} 60s, the service-account key flow's {@code service_account_key} /
 * {@code service_account_key_path}, {@code private_key} / {@code private_key_path} and
 * {@code credentials_file_path} (none of them: no authentication of STACKIT's own, as Prometheus;
 * {@code http_client_config} then carries it), and {@code http_client_config}.
 */
record StackitSdConfig(String project, URI endpoint, String serviceAccountKey, String serviceAccountKeyPath, String privateKey,
                       String privateKeyPath, String credentialsFilePath, long port, Duration refreshInterval) {

    static final Set<String> OWN_FIELDS = Set.of("project", "refresh_interval", "port", "region", "endpoint", "service_account_key",
            "private_key", "service_account_key_path", "private_key_path", "credentials_file_path");

    @Override
    public String toString() {
        return "StackitSdConfig[project=" + project + ", endpoint=" + endpoint + ", serviceAccountKey=<secret>, serviceAccountKeyPath="
                + serviceAccountKeyPath + ", privateKey=<secret>, privateKeyPath=" + privateKeyPath + ", port=" + port + "]";
    }

    /** Whether the service-account key flow authenticates (else STACKIT's "no auth"). */
    boolean keyFlow() {
        return !serviceAccountKey.isEmpty() || !serviceAccountKeyPath.isEmpty();
    }

    static StackitSdConfig parse(PluginConfig config) throws ConfigException {
        Set<String> known = new HashSet<>(OWN_FIELDS);
        known.addAll(HttpClientFactory.FIELDS);
        config.requireOnly(known);
        String region = config.string("region", "eu01");
        String endpoint = config.string("endpoint", "");
        if (endpoint.isEmpty() && region.isEmpty()) {
            throw config.error("stackit_sd: endpoint and region missing");
        }
        String api = endpoint.isEmpty() ? "https://iaas.api." + region + ".stackit.cloud" : endpoint;
        URI uri;
        try {
            uri = new URI(api);
        } catch (URISyntaxException e) {
            throw config.error("endpoint", "stackit_sd: invalid endpoint \"" + endpoint + "\": " + e.getMessage());
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            // Prometheus's request fails on such an endpoint at every refresh; refused at load here.
            throw config.error("endpoint", "stackit_sd: invalid endpoint \"" + endpoint + "\": it needs a scheme and a host");
        }
        Duration refresh = config.duration("refresh_interval", Duration.ofSeconds(60));
        if (refresh.isZero() || refresh.isNegative()) {
            // Prometheus accepts 0 and then panics in its ticker; refused here with a message instead.
            throw config.error("refresh_interval", "refresh_interval must be greater than 0");
        }
        long port = config.integer("port", 80);
        if (port < 0 || port > 65535) {
            // Prometheus formats the int as an unsigned one; refused here.
            throw config.error("port", "port must be between 0 and 65535, got " + port);
        }
        return new StackitSdConfig(config.string("project", ""), uri, config.string("service_account_key", ""),
                config.string("service_account_key_path", ""), config.string("private_key", ""), config.string("private_key_path", ""),
                config.string("credentials_file_path", ""), port, refresh);
    }
}
