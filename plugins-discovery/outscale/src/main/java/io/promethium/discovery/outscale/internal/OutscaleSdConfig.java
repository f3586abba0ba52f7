package io.promethium.discovery.outscale.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.HttpClientFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * One validated {@code outscale_sd_configs} block with Prometheus's defaults and checks
 * ({@code discovery/outscale/outscale.go}): {@code region} ({@code eu-west-2}), {@code endpoint}
 * ({@code https://api.<region>.outscale.com/api/v1}), {@code access_key} (required), one of
 * {@code secret_key} and {@code secret_key_file} (read, trimmed, at every refresh; relative to the
 * config file), {@code port} 80, {@code refresh_interval} 60s, and {@code http_client_config}.
 *
 * @param secretKeyFile the secret key's file, or null when the key is given
 */
record OutscaleSdConfig(String region, URI endpoint, String accessKey, String secretKey, Path secretKeyFile, long port,
                        Duration refreshInterval) {

    static final Set<String> OWN_FIELDS = Set.of("endpoint", "region", "access_key", "secret_key", "secret_key_file", "refresh_interval",
            "port");

    @Override
    public String toString() {
        return "OutscaleSdConfig[region=" + region + ", endpoint=" + endpoint + ", accessKey=" + accessKey + ", secretKey=<secret>, "
                + "secretKeyFile=" + secretKeyFile + ", port=" + port + "]";
    }

    static OutscaleSdConfig parse(PluginConfig config, Path configDirectory) throws ConfigException {
        Set<String> known = new HashSet<>(OWN_FIELDS);
        known.addAll(HttpClientFactory.FIELDS);
        config.requireOnly(known);
        String region = config.string("region", "eu-west-2");
        if (region.isEmpty()) {
            throw config.error("region", "outscale SD configuration requires a region");
        }
        String accessKey = config.string("access_key", "");
        if (accessKey.isEmpty()) {
            throw config.error("outscale SD configuration requires access_key");
        }
        String secretKey = config.string("secret_key", "");
        String secretKeyFile = config.string("secret_key_file", "");
        if (secretKey.isEmpty() && secretKeyFile.isEmpty()) {
            throw config.error("one of secret_key & secret_key_file must be configured");
        }
        if (!secretKey.isEmpty() && !secretKeyFile.isEmpty()) {
            throw config.error("secret_key_file", "at most one of secret_key & secret_key_file must be configured");
        }
        String endpoint = config.string("endpoint", "");
        if (endpoint.isEmpty()) {
            endpoint = "https://api." + region + ".outscale.com/api/v1";
        }
        URI uri;
        try {
            uri = new URI(endpoint);
        } catch (URISyntaxException e) {
            throw config.error("endpoint", "parse \"" + endpoint + "\": " + e.getMessage());
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            // The SDK fails on the first request with such an endpoint; refused at load here.
            throw config.error("endpoint", "endpoint must be a URL with a scheme and a host, got \"" + endpoint + "\"");
        }
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
        return new OutscaleSdConfig(region, uri, accessKey, secretKey, secretKeyFile.isEmpty() ? null : configDirectory.resolve(secretKeyFile),
                port, refresh);
    }
}
