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
import org.osgi.service.component.annotations.Component;

/** The {@code lightsail} discovery type: owns {@code lightsail_sd_configs}. */
@Component(service = DiscovererFactory.class)
public final class LightsailDiscovererFactory implements DiscovererFactory {

    /** The largest answer read (Prometheus reads any size); a larger one fails the refresh. */
    static final long BODY_LIMIT = 64L << 20;

    private final UnaryOperator<String> env;
    private final Path home;
    private final long bodyLimit;

    public LightsailDiscovererFactory() {
        this(System::getenv, Path.of(System.getProperty("user.home")), BODY_LIMIT);
    }

    /** For tests: another environment and home folder (where credentials are found) and body limit. */
    LightsailDiscovererFactory(UnaryOperator<String> env, Path home, long bodyLimit) {
        this.env = Objects.requireNonNull(env, "env is null");
        this.home = Objects.requireNonNull(home, "home is null");
        this.bodyLimit = bodyLimit;
    }

    @Override
    public String type() {
        return "lightsail";
    }

    /** Prometheus's {@code config.Secret} fields of the block, shown as {@code <secret>} wherever the config is shown. */
    @Override
    public Set<String> secretFields() {
        return Set.of("secret_key");
    }

    @Override
    public void validate(PluginConfig config) throws ConfigException {
        LightsailSdConfig.parse(config);
    }

    @Override
    public void validate(PluginConfig config, PluginContext context) throws ConfigException {
        LightsailSdConfig.parse(config);
        context.httpClients().validate(config);
    }

    @Override
    public Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException {
        LightsailSdConfig parsed = LightsailSdConfig.parse(config);
        ConfiguredHttpClient http = context.httpClients().create(config, context.configDirectory());
        return new LightsailDiscoverer(parsed, http, bodyLimit, env, home, Clock.systemUTC(),
                new AwsSdMetrics(context.metrics(), "lightsail"),
                context.owner(), context.logger(), context.threads());
    }
}
