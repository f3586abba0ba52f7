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
import java.util.function.UnaryOperator;
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
            default -> {
                RoleSdConfig role = RoleSdConfig.parse(parsed.block());
                yield switch (parsed.role()) {
                    case "ecs" -> new EcsDiscoverer(role, http, bodyLimit, env, home, clock, metrics, context.owner(), context.logger(),
                            context.threads());
                    case "elasticache" -> new ElasticacheDiscoverer(role, http, bodyLimit, env, home, clock, metrics, context.owner(),
                            context.logger(), context.threads());
                    case "msk" -> new MskDiscoverer(role, http, bodyLimit, env, home, clock, metrics, context.owner(), context.logger(),
                            context.threads());
                    default -> new RdsDiscoverer(role, http, bodyLimit, env, home, clock, metrics, context.owner(), context.logger(),
                            context.threads());
                };
            }
        };
    }
}
