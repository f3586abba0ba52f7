package io.promethium.discovery.gce.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.DiscoveryContext;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.plugin.PluginContext;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.osgi.service.component.annotations.Component;

/** The {@code gce} discovery type: owns {@code gce_sd_configs}. */
@Component(service = DiscovererFactory.class)
public final class GceDiscovererFactory implements DiscovererFactory {

    /** The Compute API, as Prometheus's client has it; not configurable in Prometheus either. */
    static final URI ENDPOINT = URI.create("https://compute.googleapis.com/compute/v1/");
    /** The largest answer read (Prometheus reads any size); a larger one fails the refresh. */
    static final long BODY_LIMIT = 64L << 20;

    private final URI endpoint;
    private final Function<String, String> env;
    private final long bodyLimit;

    public GceDiscovererFactory() {
        this(ENDPOINT, System::getenv, BODY_LIMIT);
    }

    /** For tests: another API root (a loopback stand-in), environment (where credentials are found) and body limit. */
    GceDiscovererFactory(URI endpoint, Function<String, String> env, long bodyLimit) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint is null");
        this.env = Objects.requireNonNull(env, "env is null");
        this.bodyLimit = bodyLimit;
    }

    @Override
    public String type() {
        return "gce";
    }

    @Override
    public void validate(PluginConfig config) throws ConfigException {
        GceSdConfig.parse(config);
    }

    @Override
    public void validate(PluginConfig config, PluginContext context) throws ConfigException {
        GceSdConfig.parse(config);
    }

    @Override
    public Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException {
        GceSdConfig parsed = GceSdConfig.parse(config);
        // No http_client_config in gce_sd_configs: the api's client with its defaults (system trust, no proxy).
        ConfiguredHttpClient http = context.httpClients().create(new PluginConfig(config.key(), Map.of(), config.location()),
                context.configDirectory());
        return new GceDiscoverer(parsed, endpoint, http, bodyLimit, env, Clock.systemUTC(), new GceSdMetrics(context.metrics()),
                context.owner(), context.logger(), context.threads());
    }
}
