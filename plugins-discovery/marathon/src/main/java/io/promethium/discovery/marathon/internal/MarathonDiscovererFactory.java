package io.promethium.discovery.marathon.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.DiscoveryContext;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.plugin.PluginContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/** The {@code marathon} discovery type: owns {@code marathon_sd_configs}. */
@Component(service = DiscovererFactory.class)
public final class MarathonDiscovererFactory implements DiscovererFactory {

    /** The largest apps answer read (Prometheus reads any size); a larger one fails the refresh. */
    static final long BODY_LIMIT = 64L << 20;

    @Override
    public String type() {
        return "marathon";
    }

    @Override
    public void validate(PluginConfig config) throws ConfigException {
        MarathonSdConfig.parse(config);
    }

    @Override
    public void validate(PluginConfig config, PluginContext context) throws ConfigException {
        MarathonSdConfig.parse(config);
        context.httpClients().validate(config);
    }

    @Override
    public Set<String> secretFields() {
        return Set.of("auth_token");
    }

    @Override
    public Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException {
        MarathonSdConfig parsed = MarathonSdConfig.parse(config);
        Path tokenFile = null;
        if (!parsed.authTokenFile().isEmpty()) {
            tokenFile = context.configDirectory().resolve(parsed.authTokenFile());
            if (!Files.isReadable(tokenFile)) {
                throw config.error("auth_token_file", "unable to read auth token file " + tokenFile);
            }
        }
        ConfiguredHttpClient http = context.httpClients().create(config, context.configDirectory());
        return new MarathonDiscoverer(parsed, tokenFile, http, BODY_LIMIT, new MarathonSdMetrics(context.metrics()), context.owner(),
                context.logger(), context.threads());
    }
}
