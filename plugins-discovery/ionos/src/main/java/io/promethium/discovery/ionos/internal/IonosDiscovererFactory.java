package io.promethium.discovery.ionos.internal;

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

/** The {@code ionos} discovery type: owns {@code ionos_sd_configs}. */
@Component(service = DiscovererFactory.class)
public final class IonosDiscovererFactory implements DiscovererFactory {

    /** IONOS Cloud API, as Prometheus's client (sdk-go v6) has it; not configurable in Prometheus either. */
    static final URI ENDPOINT = URI.create("https://api.ionos.com/cloudapi/v6/");
    /** The largest answer read (Prometheus reads any size); a larger one fails the refresh. */
    static final long BODY_LIMIT = 64L << 20;

    private final URI endpoint;
    private final long bodyLimit;

    public IonosDiscovererFactory() {
        this(ENDPOINT, BODY_LIMIT);
    }

    /** For tests: another API root (a loopback stand-in) and body limit. */
    IonosDiscovererFactory(URI endpoint, long bodyLimit) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint is null");
        this.bodyLimit = bodyLimit;
    }

    @Override
    public String type() {
        return "ionos";
    }

    @Override
    public void validate(PluginConfig config) throws ConfigException {
        IonosSdConfig.parse(config);
    }

    @Override
    public void validate(PluginConfig config, PluginContext context) throws ConfigException {
        IonosSdConfig.parse(config);
        context.httpClients().validate(config);
    }

    @Override
    public Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException {
        IonosSdConfig parsed = IonosSdConfig.parse(config);
        ConfiguredHttpClient http = context.httpClients().create(config, context.configDirectory());
        return new IonosDiscoverer(parsed, endpoint, http, bodyLimit, new IonosSdMetrics(context.metrics()),
                context.owner(), context.logger(), context.threads());
    }
}
