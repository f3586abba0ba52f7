package io.promethium.discovery.docker.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.DiscoveryContext;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.plugin.PluginContext;
import org.osgi.service.component.annotations.Component;

/** The {@code dockerswarm} discovery type: owns {@code dockerswarm_sd_configs}. */
@Component(service = DiscovererFactory.class)
public final class DockerswarmDiscovererFactory implements DiscovererFactory {

    @Override
    public String type() {
        return "dockerswarm";
    }

    @Override
    public void validate(PluginConfig config) throws ConfigException {
        DockerswarmSdConfig.parse(config);
    }

    @Override
    public void validate(PluginConfig config, PluginContext context) throws ConfigException {
        DockerswarmSdConfig.parse(config);
        context.httpClients().validate(config);
    }

    @Override
    public Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException {
        DockerswarmSdConfig parsed = DockerswarmSdConfig.parse(config);
        ConfiguredHttpClient http = context.httpClients().create(config, context.configDirectory());
        return new DockerswarmDiscoverer(parsed, new DockerApi(parsed.host(), http, parsed.refreshInterval(),
                DockerDiscovererFactory.BODY_LIMIT), new DockerSdMetrics(context.metrics(), "dockerswarm"), context.owner(),
                context.logger(), context.threads());
    }
}
