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
import java.util.Set;
import java.util.function.Function;
import org.osgi.service.component.annotations.Component;

/** The {@code oci} discovery type: owns {@code oci_sd_configs}. */
@Component(service = DiscovererFactory.class)
public final class OciDiscovererFactory implements DiscovererFactory {

    /** The largest answer read (Prometheus reads any size); a larger one fails the refresh. */
    static final long BODY_LIMIT = 64L << 20;

    private final OciRegions regions;
    private final Function<OciRegions.Region, URI[]> roots;
    private final URI metadata;
    private final long bodyLimit;

    public OciDiscovererFactory() {
        this(OciRegions.system(), null, OciInstancePrincipal.METADATA, BODY_LIMIT);
    }

    /**
     * For tests only: another environment and home directory for region metadata, other API roots
     * (identity, iaas, auth) for a region ({@code null}: the region's own), another instance
     * metadata service root (a loopback stand-in), and body limit. No config key sets these.
     */
    OciDiscovererFactory(OciRegions regions, Function<OciRegions.Region, URI[]> roots, URI metadata, long bodyLimit) {
        this.regions = Objects.requireNonNull(regions, "regions is null");
        this.roots = roots == null ? regions::roots : roots;
        this.metadata = Objects.requireNonNull(metadata, "metadata is null");
        this.bodyLimit = bodyLimit;
    }

    @Override
    public String type() {
        return "oci";
    }

    /** Prometheus's {@code config.Secret} fields of the block, shown as {@code <secret>} wherever the config is shown. */
    @Override
    public Set<String> secretFields() {
        return Set.of("key_passphrase");
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
        Clock clock = Clock.systemUTC();
        OciAuth auth = parsed.instancePrincipal()
                ? new OciInstancePrincipal(http, metadata, regions, roots, parsed.region(), parsed.refreshInterval(), bodyLimit, clock,
                        context.logger())
                : new OciAuth.ApiKey(parsed, regions);
        return new OciDiscoverer(parsed, http, regions, auth, roots, bodyLimit, clock, new OciSdMetrics(context.metrics()),
                context.owner(), context.logger(), context.threads());
    }
}
