package io.promethium.discovery.digitalocean.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.DiscoveryContext;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.plugin.PluginContext;
import java.net.URI;
import java.util.Objects;
import org.osgi.service.component.annotations.Component;

/** The {@code digitalocean} discovery type: owns {@code digitalocean_sd_configs}. */
@Component(service = DiscovererFactory.class)
public final class DigitaloceanDiscovererFactory implements DiscovererFactory {

    /** DigitalOcean's API, as Prometheus's client (godo) has it; not configurable in Prometheus either. */
    static final URI ENDPOINT = URI.create("https://api.digitalocean.com/");
    /** The largest answer read (Prometheus reads any size); a larger one fails the refresh. */
    static final long BODY_LIMIT = 64L << 20;

    private final URI endpoint;
    private final long bodyLimit;

    public DigitaloceanDiscovererFactory() {
        this(ENDPOINT, BODY_LIMIT);
    }

    /** For tests: another API root (a loopback stand-in) and body limit. */
    DigitaloceanDiscovererFactory(URI endpoint, long bodyLimit) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint is null");
        this.bodyLimit = bodyLimit;
    }

    @Override
    public String type() {
        return "digitalocean";
    }

    @Override
    public void validate(PluginConfig config) throws ConfigException {
        DigitaloceanSdConfig.parse(config);
    }

    @Override
    public void validate(PluginConfig config, PluginContext context) throws ConfigException {
        DigitaloceanSdConfig.parse(config);
        context.httpClients().validate(config);
    }

    @Override
    public Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException {
        DigitaloceanSdConfig parsed = DigitaloceanSdConfig.parse(config);
        ConfiguredHttpClient http = context.httpClients().create(config, context.configDirectory());
        return new DigitaloceanDiscoverer(parsed, endpoint, http, bodyLimit, new DigitaloceanSdMetrics(context.metrics()),
                context.owner(), context.logger(), context.threads());
    }
}
