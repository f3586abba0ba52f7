package io.promethium.discovery.azure.internal;

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
import java.util.Set;
import java.util.function.UnaryOperator;
import org.osgi.service.component.annotations.Component;

/** The {@code azure} discovery type: owns {@code azure_sd_configs}. */
@Component(service = DiscovererFactory.class)
public final class AzureDiscovererFactory implements DiscovererFactory {

    /** The instance metadata service, where managed identities get their tokens. */
    static final URI IMDS = URI.create("http://169.254.169.254/");
    /** The largest answer read (Prometheus reads any size); a larger one fails the refresh. */
    static final long BODY_LIMIT = 64L << 20;

    private final UnaryOperator<String> env;
    private final URI imds;
    private final URI management;
    private final long bodyLimit;

    public AzureDiscovererFactory() {
        this(System::getenv, IMDS, null, BODY_LIMIT);
    }

    /**
     * For tests: another environment, metadata service and body limit, and a Resource Manager
     * endpoint in place of the cloud's (null: the cloud's).
     */
    AzureDiscovererFactory(UnaryOperator<String> env, URI imds, URI management, long bodyLimit) {
        this.env = Objects.requireNonNull(env, "env is null");
        this.imds = Objects.requireNonNull(imds, "imds is null");
        this.management = management;
        this.bodyLimit = bodyLimit;
    }

    @Override
    public String type() {
        return "azure";
    }

    /** Prometheus's {@code config.Secret} fields of the block, shown as {@code <secret>} wherever the config is shown. */
    @Override
    public Set<String> secretFields() {
        return Set.of("client_secret");
    }

    @Override
    public void validate(PluginConfig config) throws ConfigException {
        AzureSdConfig.parse(config);
    }

    @Override
    public void validate(PluginConfig config, PluginContext context) throws ConfigException {
        AzureSdConfig.parse(config);
        context.httpClients().validate(config);
    }

    @Override
    public Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException {
        AzureSdConfig parsed = AzureSdConfig.parse(config);
        ConfiguredHttpClient http = context.httpClients().create(config, context.configDirectory());
        // Tokens are fetched without the block's http_client_config, as Prometheus's identity client does.
        ConfiguredHttpClient tokens = context.httpClients().create(new PluginConfig(config.key(), Map.of(), config.location()),
                context.configDirectory());
        return new AzureDiscoverer(parsed, management == null ? URI.create(parsed.management()) : management, http, tokens, bodyLimit,
                env, imds, Clock.systemUTC(), new AzureSdMetrics(context.metrics()), context.owner(), context.logger(), context.threads());
    }
}
