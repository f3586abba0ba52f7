package io.promethium.discovery.aws.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.DiscoveryContext;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.plugin.PluginContext;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;
import org.osgi.service.component.annotations.Component;

/**
 * The {@code aws} discovery type: owns {@code aws_sd_configs}, whose {@code role} picks the
 * discoverer ({@code ec2} and {@code lightsail} are those of {@code ec2_sd_configs} and
 * {@code lightsail_sd_configs}). Metrics are reported under the role's mechanism name, as
 * Prometheus does.
 */
@Component(service = DiscovererFactory.class)
public final class AwsDiscovererFactory implements DiscovererFactory {

    private final UnaryOperator<String> env;
    private final Path home;
    private final long bodyLimit;

    public AwsDiscovererFactory() {
        this(System::getenv, Path.of(System.getProperty("user.home")), Ec2DiscovererFactory.BODY_LIMIT);
    }

    /** For tests: another environment and home folder (where credentials are found) and body limit. */
    AwsDiscovererFactory(UnaryOperator<String> env, Path home, long bodyLimit) {
        this.env = Objects.requireNonNull(env, "env is null");
        this.home = Objects.requireNonNull(home, "home is null");
        this.bodyLimit = bodyLimit;
    }

    @Override
    public String type() {
        return "aws";
    }

    /** Prometheus's {@code config.Secret} fields of the block, shown as {@code <secret>} wherever the config is shown. */
    @Override
    public Set<String> secretFields() {
        return Set.of("secret_key");
    }

    @Override
    public void validate(PluginConfig config) throws ConfigException {
        AwsSdConfig.parse(config);
    }

    @Override
    public void validate(PluginConfig config, PluginContext context) throws ConfigException {
        AwsSdConfig parsed = AwsSdConfig.parse(config);
        context.httpClients().validate(parsed.block());
    }

    @Override
    public Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException {
        AwsSdConfig parsed = AwsSdConfig.parse(config);
        ConfiguredHttpClient http = context.httpClients().create(parsed.block(), context.configDirectory());
        AwsSdMetrics metrics = new AwsSdMetrics(context.metrics(), parsed.role());
        Clock clock = Clock.systemUTC();
        return switch (parsed.role()) {
            case "ec2" -> new Ec2Discoverer(Ec2SdConfig.parse(parsed.block()), http, bodyLimit, env, home, clock, metrics, context.owner(),
                    context.logger(), context.threads());
            case "lightsail" -> new LightsailDiscoverer(LightsailSdConfig.parse(parsed.block()), http, bodyLimit, env, home, clock, metrics,
                    context.owner(), context.logger(), context.threads());
            default -> role(parsed.role(), RoleSdConfig.parse(parsed.block()), http, clock, metrics, context);
        };
    }

    /**
     * A role of {@link RoleSdConfig}: its name in logs, its service's endpoint ({@code %s} the region) and its calls. Also
     * what {@link RoleDiscovererFactory}'s {@code ecs_sd_configs}, ... build.
     */
    Discoverer role(String role, RoleSdConfig config, ConfiguredHttpClient http, Clock clock, AwsSdMetrics metrics,
                    DiscoveryContext context) {
        Logger log = context.logger();
        return switch (role) {
            case "ecs" -> discoverer("ECS SD", "https://ecs.%s.amazonaws.com/", new EcsDiscoverer(config, env, log), config, http, clock,
                    metrics, context);
            case "elasticache" -> discoverer("ElastiCache SD", "https://elasticache.%s.amazonaws.com/", new ElasticacheDiscoverer(config, log),
                    config, http, clock, metrics, context);
            case "msk" -> discoverer("MSK SD", "https://kafka.%s.amazonaws.com", new MskDiscoverer(config, log), config, http, clock,
                    metrics, context);
            default -> discoverer("RDS SD", "https://rds.%s.amazonaws.com/", new RdsDiscoverer(config), config, http, clock, metrics,
                    context);
        };
    }

    private Discoverer discoverer(String name, String endpoint, RoleDiscoverer.Role role, RoleSdConfig config, ConfiguredHttpClient http,
                                  Clock clock, AwsSdMetrics metrics, DiscoveryContext context) {
        AwsRoleSession session = new AwsRoleSession(new AwsClient(http, config.refreshInterval(), bodyLimit, clock), config, endpoint, env,
                home, clock);
        return new RoleDiscoverer(name, config, session, role, http, metrics, context.owner(), context.logger(), context.threads());
    }
}
