package io.promethium.discovery.stackit.internal;

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

/** The {@code stackit} discovery type: owns {@code stackit_sd_configs}. */
@Component(service = DiscovererFactory.class)
public final class StackitDiscovererFactory implements DiscovererFactory {

    /** The largest answer read (Prometheus reads any size); a larger one fails the refresh. */
    static final long BODY_LIMIT = 64L << 20;

    private final UnaryOperator<String> env;
    private final Path home;
    private final long bodyLimit;

    public StackitDiscovererFactory() {
        this(System::getenv, Path.of(System.getProperty("user.home")), BODY_LIMIT);
    }

    /** For tests: another environment and home folder (where the credentials file is found) and body limit. */
    StackitDiscovererFactory(UnaryOperator<String> env, Path home, long bodyLimit) {
        this.env = Objects.requireNonNull(env, "env is null");
        this.home = Objects.requireNonNull(home, "home is null");
        this.bodyLimit = bodyLimit;
    }

    @Override
    public String type() {
        return "stackit";
    }

    /** Prometheus's {@code config.Secret} fields of the block, shown as {@code <secret>} wherever the config is shown. */
    @Override
    public Set<String> secretFields() {
        return Set.of("private_key", "service_account_key");
    }

    @Override
    public void validate(PluginConfig config) throws ConfigException {
        StackitSdConfig.parse(config);
    }

    @Override
    public void validate(PluginConfig config, PluginContext context) throws ConfigException {
        StackitSdConfig.parse(config);
        context.httpClients().validate(config);
    }

    @Override
    public Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException {
        StackitSdConfig parsed = StackitSdConfig.parse(config);
        ConfiguredHttpClient http = context.httpClients().create(config, context.configDirectory());
        return new StackitDiscoverer(parsed, http, bodyLimit, env, home, Clock.systemUTC(), new StackitSdMetrics(context.metrics()),
                context.owner(), context.logger(), context.threads());
    }
}
