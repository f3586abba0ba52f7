package io.promethium.discovery.hetzner.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.DiscoveryContext;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.plugin.PluginContext;
import java.util.Objects;
import org.osgi.service.component.annotations.Component;

/** The {@code hetzner} discovery type: owns {@code hetzner_sd_configs}. */
@Component(service = DiscovererFactory.class)
public final class HetznerDiscovererFactory implements DiscovererFactory {

    /** Hetzner Cloud's API, as Prometheus's client (hcloud-go) has it; not configurable in Prometheus either. */
    static final String HCLOUD_ENDPOINT = "https://api.hetzner.cloud/v1";
    /** Hetzner Robot's web service, as Prometheus has it. */
    static final String ROBOT_ENDPOINT = "https://robot-ws.your-server.de";
    /** The largest answer read (Prometheus reads any size); a larger one fails the refresh. */
    static final long BODY_LIMIT = 64L << 20;

    private final String hcloudEndpoint;
    private final String robotEndpoint;
    private final long bodyLimit;

    public HetznerDiscovererFactory() {
        this(HCLOUD_ENDPOINT, ROBOT_ENDPOINT, BODY_LIMIT);
    }

    /** For tests: other API roots (a loopback stand-in, without a trailing slash) and body limit. */
    HetznerDiscovererFactory(String hcloudEndpoint, String robotEndpoint, long bodyLimit) {
        this.hcloudEndpoint = Objects.requireNonNull(hcloudEndpoint, "hcloudEndpoint is null");
        this.robotEndpoint = Objects.requireNonNull(robotEndpoint, "robotEndpoint is null");
        this.bodyLimit = bodyLimit;
    }

    @Override
    public String type() {
        return "hetzner";
    }

    @Override
    public void validate(PluginConfig config) throws ConfigException {
        HetznerSdConfig.parse(config);
    }

    @Override
    public void validate(PluginConfig config, PluginContext context) throws ConfigException {
        HetznerSdConfig.parse(config);
        context.httpClients().validate(config);
    }

    @Override
    public Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException {
        HetznerSdConfig parsed = HetznerSdConfig.parse(config);
        ConfiguredHttpClient http = context.httpClients().create(config, context.configDirectory());
        return new HetznerDiscoverer(parsed, parsed.role().equals("hcloud") ? hcloudEndpoint : robotEndpoint, http, bodyLimit,
                new HetznerSdMetrics(context.metrics()), context.owner(), context.logger(), context.threads());
    }
}
