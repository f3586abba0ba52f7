package io.promethium.discovery.aws.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.DiscoveryContext;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.http.HttpClientFactory;
import io.promethium.api.plugin.PluginContext;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * {@code ecs_sd_configs}, {@code elasticache_sd_configs}, {@code msk_sd_configs} and
 * {@code rds_sd_configs}: Prometheus 3.14 registers each of these roles of {@code aws_sd_configs}
 * as a mechanism of its own too ({@code discovery/aws/ecs.go}, ...: {@code ECSSDConfig} and the
 * others), so a {@code prometheus.yml} that uses one loads there. The same discoverer as the role,
 * with the standalone block's keys and defaults: those of the role (no {@code role}), plus
 * {@code request_concurrency} (Prometheus's bound on requests at once: 20 for ecs, 10 for the
 * others); {@code filters} for rds only. Unlike {@code aws_sd_configs}, a {@code port} of 0 is
 * port 0, as in Prometheus.
 */
abstract class RoleDiscovererFactory implements DiscovererFactory {

    private final String role;
    private final AwsDiscovererFactory aws;

    RoleDiscovererFactory(String role, UnaryOperator<String> env, Path home, long bodyLimit) {
        this.role = Objects.requireNonNull(role, "role is null");
        this.aws = new AwsDiscovererFactory(env, home, bodyLimit);
    }

    RoleDiscovererFactory(String role) {
        this(role, System::getenv, Path.of(System.getProperty("user.home")), Ec2DiscovererFactory.BODY_LIMIT);
    }

    @Override
    public final String type() {
        return role;
    }

    @Override
    public final Set<String> secretFields() {
        return Set.of("secret_key");
    }

    /**
     * The block as the role's {@link RoleSdConfig} reads it: unknown keys (and {@code filters} other
     * than for rds) refused naming them, {@code request_concurrency} checked and taken out.
     */
    final PluginConfig roleBlock(PluginConfig config) throws ConfigException {
        Set<String> known = new HashSet<>(RoleSdConfig.OWN_FIELDS);
        known.add("request_concurrency");
        known.addAll(HttpClientFactory.FIELDS);
        if (!role.equals("rds")) {
            known.remove("filters");
        }
        config.requireOnly(known);
        // Requests go one at a time here, within any bound; 0 is refused because Prometheus's errgroup
        // then admits no request and the refresh never ends. A negative bound means none, as there.
        if (config.integer("request_concurrency", 1) == 0) {
            throw config.error("request_concurrency", "request_concurrency must not be 0 (a negative value means no limit)");
        }
        Duration refresh = config.duration("refresh_interval", Duration.ofSeconds(60));
        if (refresh.isZero() || refresh.isNegative()) {
            // Prometheus accepts 0 and then panics in its ticker; refused here with a message instead.
            throw config.error("refresh_interval", "refresh_interval must be greater than 0");
        }
        Map<String, Object> values = new LinkedHashMap<>(config.values());
        values.remove("request_concurrency");
        Map<String, String> locations = new LinkedHashMap<>(config.locations());
        locations.keySet().removeIf(k -> k.equals("request_concurrency") || k.startsWith("request_concurrency."));
        return new PluginConfig(config.key(), values, config.location(), locations);
    }

    @Override
    public final void validate(PluginConfig config) throws ConfigException {
        RoleSdConfig.parse(roleBlock(config));
    }

    @Override
    public final void validate(PluginConfig config, PluginContext context) throws ConfigException {
        PluginConfig block = roleBlock(config);
        RoleSdConfig.parse(block);
        context.httpClients().validate(block);
    }

    @Override
    public final Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException {
        PluginConfig block = roleBlock(config);
        RoleSdConfig parsed = RoleSdConfig.parse(block);
        ConfiguredHttpClient http = context.httpClients().create(block, context.configDirectory());
        return aws.role(role, parsed, http, Clock.systemUTC(), new AwsSdMetrics(context.metrics(), role), context);
    }
}
