package io.promethium.discovery.uyuni.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.DiscoveryContext;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.plugin.PluginContext;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/** The {@code uyuni} discovery type: owns {@code uyuni_sd_configs}. */
@Component(service = DiscovererFactory.class)
public final class UyuniDiscovererFactory implements DiscovererFactory {

    /** The largest answer read (Prometheus reads any size); a larger one fails the refresh. */
    static final long BODY_LIMIT = 64L << 20;

    @Override
    public String type() {
        return "uyuni";
    }

    @Override
    public void validate(PluginConfig config) throws ConfigException {
        UyuniSdConfig.parse(config);
    }

    @Override
    public void validate(PluginConfig config, PluginContext context) throws ConfigException {
        UyuniSdConfig.parse(config);
        context.httpClients().validate(config);
    }

    @Override
    public Set<String> secretFields() {
        return Set.of("password");
    }

    @Override
    public Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException {
        UyuniSdConfig parsed = UyuniSdConfig.parse(config);
        ConfiguredHttpClient http = context.httpClients().create(config, context.configDirectory());
        return new UyuniDiscoverer(parsed, new XmlRpc(parsed.apiUrl(), http, parsed.refreshInterval(), BODY_LIMIT),
                new UyuniSdMetrics(context.metrics()), context.owner(), context.logger(), context.threads());
    }
}
