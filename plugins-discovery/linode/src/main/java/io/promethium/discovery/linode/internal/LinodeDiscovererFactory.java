package io.promethium.discovery.linode.internal;

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

/** The {@code linode} discovery type: owns {@code linode_sd_configs}. */
@Component(service = DiscovererFactory.class)
public final class LinodeDiscovererFactory implements DiscovererFactory {

    /** Linode's API v4, as Prometheus's client (linodego) has it; not configurable in Prometheus either. */
    static final URI ENDPOINT = URI.create("https://api.linode.com/v4/");
    /** The largest answer read (Prometheus reads any size); a larger one fails the refresh. */
    static final long BODY_LIMIT = 64L << 20;

    private final URI endpoint;
    private final long bodyLimit;

    public LinodeDiscovererFactory() {
        this(ENDPOINT, BODY_LIMIT);
    }

    /** For tests: another API root (a loopback stand-in) and body limit. */
    LinodeDiscovererFactory(URI endpoint, long bodyLimit) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint is null");
        this.bodyLimit = bodyLimit;
    }

    @Override
    public String type() {
        return "linode";
    }

    @Override
    public void validate(PluginConfig config) throws ConfigException {
        LinodeSdConfig.parse(config);
    }

    @Override
    public void validate(PluginConfig config, PluginContext context) throws ConfigException {
        LinodeSdConfig.parse(config);
        context.httpClients().validate(config);
    }

    @Override
    public Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException {
        LinodeSdConfig parsed = LinodeSdConfig.parse(config);
        ConfiguredHttpClient http = context.httpClients().create(config, context.configDirectory());
        return new LinodeDiscoverer(parsed, endpoint, http, bodyLimit, new LinodeSdMetrics(context.metrics()),
                context.owner(), context.logger(), context.threads(), java.time.Clock.systemUTC());
    }
}
