package io.promethium.discovery.triton.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.DiscoveryContext;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.plugin.PluginContext;
import java.util.HashMap;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/** The {@code triton} discovery type: owns {@code triton_sd_configs}. */
@Component(service = DiscovererFactory.class)
public final class TritonDiscovererFactory implements DiscovererFactory {

    /** The largest answer read (Prometheus reads any size); a larger one fails the refresh. */
    static final long BODY_LIMIT = 64L << 20;

    @Override
    public String type() {
        return "triton";
    }

    @Override
    public void validate(PluginConfig config) throws ConfigException {
        TritonSdConfig.parse(config);
    }

    @Override
    public void validate(PluginConfig config, PluginContext context) throws ConfigException {
        TritonSdConfig.parse(config);
        context.httpClients().validate(tlsOnly(config));
    }

    /** Triton takes {@code tls_config} only (client certificates), not the rest of {@code http_client_config}. */
    private static PluginConfig tlsOnly(PluginConfig config) {
        Map<String, Object> values = new HashMap<>();
        if (config.values().get("tls_config") != null) {
            values.put("tls_config", config.values().get("tls_config"));
        }
        return new PluginConfig(config.key(), values, config.location(), config.locations());
    }

    @Override
    public Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException {
        TritonSdConfig parsed = TritonSdConfig.parse(config);
        ConfiguredHttpClient http = context.httpClients().create(tlsOnly(config), context.configDirectory());
        return new TritonDiscoverer(parsed, http, BODY_LIMIT, new TritonSdMetrics(context.metrics()), context.owner(), context.logger(),
                context.threads());
    }
}
