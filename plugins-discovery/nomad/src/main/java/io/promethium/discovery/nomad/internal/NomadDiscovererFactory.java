package io.promethium.discovery.nomad.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.DiscoveryContext;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.plugin.PluginContext;
import org.osgi.service.component.annotations.Component;

/** The {@code nomad} discovery type: owns {@code nomad_sd_configs}. */
@Component(service = DiscovererFactory.class)
public final class NomadDiscovererFactory implements DiscovererFactory {

    /** The largest answer read (Prometheus reads any size); a larger one fails the refresh. */
    static final long BODY_LIMIT = 64L << 20;

    @Override
    public String type() {
        return "nomad";
    }

    @Override
    public void validate(PluginConfig config) throws ConfigException {
        NomadSdConfig.parse(config);
    }

    @Override
    public void validate(PluginConfig config, PluginContext context) throws ConfigException {
        NomadSdConfig.parse(config);
        context.httpClients().validate(config);
    }

    @Override
    public Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException {
        NomadSdConfig parsed = NomadSdConfig.parse(config);
        ConfiguredHttpClient http = context.httpClients().create(config, context.configDirectory());
        return new NomadDiscoverer(parsed, http, BODY_LIMIT, new NomadSdMetrics(context.metrics()), context.owner(),
                context.logger(), context.threads());
    }
}
