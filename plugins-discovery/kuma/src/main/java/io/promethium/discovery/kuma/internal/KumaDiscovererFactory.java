package io.promethium.discovery.kuma.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.DiscoveryContext;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.plugin.PluginContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.osgi.service.component.annotations.Component;

/** The {@code kuma} discovery type: owns {@code kuma_sd_configs}. */
@Component(service = DiscovererFactory.class)
public final class KumaDiscovererFactory implements DiscovererFactory {

    /** The largest answer read (Prometheus reads any size); a larger one fails the fetch. */
    static final long BODY_LIMIT = 64L << 20;

    @Override
    public String type() {
        return "kuma";
    }

    @Override
    public void validate(PluginConfig config) throws ConfigException {
        KumaSdConfig.parse(config);
    }

    @Override
    public void validate(PluginConfig config, PluginContext context) throws ConfigException {
        KumaSdConfig.parse(config);
        context.httpClients().validate(config);
    }

    @Override
    public Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException {
        KumaSdConfig parsed = KumaSdConfig.parse(config);
        String clientId = parsed.clientId();
        if (clientId.isEmpty()) {
            // Prometheus's default: this host's fully qualified name, else "prometheus".
            try {
                clientId = InetAddress.getLocalHost().getCanonicalHostName();
            } catch (UnknownHostException e) {
                clientId = "prometheus";
            }
        }
        ConfiguredHttpClient http = context.httpClients().create(config, context.configDirectory());
        return new KumaDiscoverer(parsed, clientId, http, BODY_LIMIT, new KumaSdMetrics(context.metrics()), context.logger(),
                context.threads());
    }
}
