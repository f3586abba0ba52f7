package io.promethium.discovery.eureka.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.DiscoveryContext;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.plugin.PluginContext;
import org.osgi.service.component.annotations.Component;

/** The {@code eureka} discovery type: owns {@code eureka_sd_configs}. */
@Component(service = DiscovererFactory.class)
public final class EurekaDiscovererFactory implements DiscovererFactory {

    /** The largest {@code /apps} answer read (Prometheus reads any size); a larger one fails the refresh. */
    static final long BODY_LIMIT = 64L << 20;

    @Override
    public String type() {
        return "eureka";
    }

    @Override
    public void validate(PluginConfig config) throws ConfigException {
        EurekaSdConfig.parse(config);
    }

    @Override
    public void validate(PluginConfig config, PluginContext context) throws ConfigException {
        EurekaSdConfig.parse(config);
        context.httpClients().validate(config);
    }

    @Override
    public Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException {
        EurekaSdConfig parsed = EurekaSdConfig.parse(config);
        ConfiguredHttpClient http = context.httpClients().create(config, context.configDirectory());
        return new EurekaDiscoverer(parsed, http, BODY_LIMIT, new EurekaSdMetrics(context.metrics()), context.owner(),
                context.logger(), context.threads());
    }
}
