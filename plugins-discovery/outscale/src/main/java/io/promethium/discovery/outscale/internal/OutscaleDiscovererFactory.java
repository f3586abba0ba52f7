package io.promethium.discovery.outscale.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.DiscoveryContext;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.plugin.PluginContext;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/** The {@code outscale} discovery type: owns {@code outscale_sd_configs}. */
@Component(service = DiscovererFactory.class)
public final class OutscaleDiscovererFactory implements DiscovererFactory {

    /** The largest answer read (Prometheus reads any size); a larger one fails the refresh. */
    static final long BODY_LIMIT = 64L << 20;

    private final long bodyLimit;

    public OutscaleDiscovererFactory() {
        this(BODY_LIMIT);
    }

    /** For tests: another body limit. */
    OutscaleDiscovererFactory(long bodyLimit) {
        this.bodyLimit = bodyLimit;
    }

    @Override
    public String type() {
        return "outscale";
    }

    /** Prometheus's {@code config.Secret} fields of the block, shown as {@code <secret>} wherever the config is shown. */
    @Override
    public Set<String> secretFields() {
        return Set.of("secret_key");
    }

    @Override
    public void validate(PluginConfig config) throws ConfigException {
        OutscaleSdConfig.parse(config, Path.of(""));
    }

    @Override
    public void validate(PluginConfig config, PluginContext context) throws ConfigException {
        OutscaleSdConfig.parse(config, context.configDirectory());
        context.httpClients().validate(config);
    }

    @Override
    public Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException {
        OutscaleSdConfig parsed = OutscaleSdConfig.parse(config, context.configDirectory());
        ConfiguredHttpClient http = context.httpClients().create(config, context.configDirectory());
        return new OutscaleDiscoverer(parsed, http, bodyLimit, Clock.systemUTC(), new OutscaleSdMetrics(context.metrics()), context.owner(),
                context.logger(), context.threads());
    }
}
