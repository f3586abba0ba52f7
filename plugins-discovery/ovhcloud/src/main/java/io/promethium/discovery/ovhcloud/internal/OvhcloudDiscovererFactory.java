package io.promethium.discovery.ovhcloud.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.DiscoveryContext;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.plugin.PluginContext;
import java.time.Clock;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/** The {@code ovhcloud} discovery type: owns {@code ovhcloud_sd_configs}. */
@Component(service = DiscovererFactory.class)
public final class OvhcloudDiscovererFactory implements DiscovererFactory {

    /** The largest answer read (Prometheus reads any size); a larger one fails the refresh. */
    static final long BODY_LIMIT = 64L << 20;

    private final long bodyLimit;
    private final Clock clock;

    public OvhcloudDiscovererFactory() {
        this(BODY_LIMIT, Clock.systemUTC());
    }

    /** For tests: another body limit and clock. */
    OvhcloudDiscovererFactory(long bodyLimit, Clock clock) {
        this.bodyLimit = bodyLimit;
        this.clock = clock;
    }

    @Override
    public String type() {
        return "ovhcloud";
    }

    /** Prometheus's {@code config.Secret} fields of the block, shown as {@code <secret>} wherever the config is shown. */
    @Override
    public Set<String> secretFields() {
        return Set.of("application_secret", "consumer_key");
    }

    @Override
    public void validate(PluginConfig config) throws ConfigException {
        OvhcloudSdConfig.parse(config);
    }

    @Override
    public void validate(PluginConfig config, PluginContext context) throws ConfigException {
        OvhcloudSdConfig.parse(config);
    }

    @Override
    public Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException {
        OvhcloudSdConfig parsed = OvhcloudSdConfig.parse(config);
        // No http_client_config in this mechanism (as Prometheus): the block has none of its keys, so this is a plain client.
        ConfiguredHttpClient http = context.httpClients().create(config, context.configDirectory());
        return new OvhcloudDiscoverer(parsed, http, bodyLimit, clock, new OvhcloudSdMetrics(context.metrics()), context.owner(),
                context.logger(), context.threads());
    }
}
