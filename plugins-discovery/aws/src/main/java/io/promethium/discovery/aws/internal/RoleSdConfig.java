package io.promethium.discovery.aws.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.HttpClientFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code msk} and {@code rds} roles of {@code aws_sd_configs} with Prometheus's defaults
 * ({@code discovery/aws/msk.go}, {@code rds.go}): {@code region} (else the environment's, else
 * the instance's), {@code endpoint}, {@code access_key}/{@code secret_key}, {@code profile},
 * {@code role_arn}, {@code external_id}, {@code clusters} (identifiers or ARNs; all of the region
 * when empty), {@code filters} (rds: passed to {@code DescribeDBInstances} as given, as
 * Prometheus), {@code port} 80, {@code refresh_interval} 60s, and {@code http_client_config}.
 */
record RoleSdConfig(String region, String endpoint, String accessKey, String secretKey, String profile, String roleArn, String externalId,
                   List<String> clusters, List<Ec2SdConfig.Filter> filters, long port, Duration refreshInterval) {

    static final Set<String> OWN_FIELDS = Set.of("region", "endpoint", "access_key", "secret_key", "profile", "role_arn", "external_id",
            "clusters", "filters", "port", "refresh_interval");

    @Override
    public String toString() {
        return "RoleSdConfig[region=" + region + ", endpoint=" + endpoint + ", accessKey=" + accessKey + ", secretKey=<secret>, profile="
                + profile + ", roleArn=" + roleArn + ", clusters=" + clusters + ", filters=" + filters + ", port=" + port + "]";
    }

    static RoleSdConfig parse(PluginConfig config) throws ConfigException {
        List<Ec2SdConfig.Filter> filters = new ArrayList<>();
        for (PluginConfig filter : config.blocks("filters")) {
            filter.requireOnly(Set.of("name", "values"));
            filters.add(new Ec2SdConfig.Filter(filter.string("name", ""), filter.strings("values")));
        }
        Set<String> known = new HashSet<>(OWN_FIELDS);
        known.addAll(HttpClientFactory.FIELDS);
        config.requireOnly(known);
        Duration refresh = config.duration("refresh_interval", Duration.ofSeconds(60));
        if (refresh.isNegative()) {
            throw config.error("refresh_interval", "refresh_interval must be greater than 0");
        }
        long port = config.integer("port", 80);
        if (port < 0 || port > 65535) {
            // Prometheus formats any int into the address; refused here.
            throw config.error("port", "port must be between 0 and 65535, got " + port);
        }
        String endpoint = config.string("endpoint", "");
        if (!endpoint.isEmpty()) {
            try {
                URI uri = new URI(endpoint);
                if (uri.getScheme() == null || uri.getHost() == null) {
                    // The SDK fails on the first request with such an endpoint; refused at load here.
                    throw config.error("endpoint", "endpoint must be a URL with a scheme and a host, got \"" + endpoint + "\"");
                }
            } catch (URISyntaxException e) {
                throw config.error("endpoint", "parse \"" + endpoint + "\": " + e.getMessage());
            }
        }
        return new RoleSdConfig(config.string("region", ""), endpoint, config.string("access_key", ""), config.string("secret_key", ""),
                config.string("profile", ""), config.string("role_arn", ""), config.string("external_id", ""), config.strings("clusters"),
                List.copyOf(filters), port, refresh.isZero() ? Duration.ofSeconds(60) : refresh);
    }
}
