package io.promethium.discovery.vultr.internal;

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

/** The {@code vultr} discovery type: owns {@code vultr_sd_configs}. */
@Component(service = DiscovererFactory.class)
public final class VultrDiscovererFactory implements DiscovererFactory {

    /** Vultr's API, as Prometheus's client (govultr) has it; not configurable in Prometheus either. */
    static final URI ENDPOINT = URI.create("https://api.vultr.com/");
    /** The largest answer read (Prometheus reads any size); a larger one fails the refresh. */
    static final long BODY_LIMIT = 64L << 20;

    private final URI endpoint;
    private final long bodyLimit;

    public VultrDiscovererFactory() {
        this(ENDPOINT, BODY_LIMIT);
    }

    /** For tests: another API root (a loopback stand-in) and body limit. */
    VultrDiscovererFactory(URI endpoint, long bodyLimit) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint is null");
        this.bodyLimit = bodyLimit;
    }

    @Override
    public String type() {
        return "vultr";
    }

    @Override
    public void validate(PluginConfig config) throws ConfigException {
        VultrSdConfig.parse(config);
    }

    @Override
    public void validate(PluginConfig config, PluginContext context) throws ConfigException {
        VultrSdConfig.parse(config);
        context.httpClients().validate(config);
    }

    @Override
    public Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException {
        VultrSdConfig parsed = VultrSdConfig.parse(config);
        ConfiguredHttpClient http = context.httpClients().create(config, context.configDirectory());
        return new VultrDiscoverer(parsed, endpoint, http, bodyLimit, new VultrSdMetrics(context.metrics()),
                context.owner(), context.logger(), context.threads());
    }
}
