package io.promethium.discovery.oci.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.DiscoveryContext;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.plugin.PluginContext;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Function;
import org.osgi.service.component.annotations.Component;

/** The {@code oci} discovery type: owns {@code oci_sd_configs}. */
@Component(service = DiscovererFactory.class)
public final class OciDiscovererFactory implements DiscovererFactory {

    /** The largest answer read (Prometheus reads any size); a larger one fails the refresh. */
    static final long BODY_LIMIT = 64L << 20;

    private final Function<String, URI[]> endpoints;
    private final long bodyLimit;

    public OciDiscovererFactory() {
        this(region -> OciRegions.endpoints(region, System::getenv), BODY_LIMIT);
    }

    /** For tests: other API roots (identity, iaas, auth: a loopback stand-in) for a region, and body limit. */
    OciDiscovererFactory(Function<String, URI[]> endpoints, long bodyLimit) {
        this.endpoints = Objects.requireNonNull(endpoints, "endpoints is null");
        this.bodyLimit = bodyLimit;
    }

    @Override
    public String type() {
        return "oci";
    }

    @Override
    public void validate(PluginConfig config) throws ConfigException {
        OciSdConfig.parse(config, Path.of(""));
    }

    @Override
    public void validate(PluginConfig config, PluginContext context) throws ConfigException {
        OciSdConfig.parse(config, context.configDirectory());
        context.httpClients().validate(config);
    }

    @Override
    public Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException {
        OciSdConfig parsed = OciSdConfig.parse(config, context.configDirectory());
        ConfiguredHttpClient http = context.httpClients().create(config, context.configDirectory());
        return new OciDiscoverer(parsed, http, endpoints, bodyLimit, Clock.systemUTC(), new OciSdMetrics(context.metrics()),
                context.owner(), context.logger(), context.threads());
    }
}
