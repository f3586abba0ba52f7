package io.promethium.discovery.consul.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.DiscoveryContext;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.plugin.PluginContext;
import java.time.Duration;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/** The {@code consul} discovery type: owns {@code consul_sd_configs}. */
@Component(service = DiscovererFactory.class)
public final class ConsulDiscovererFactory implements DiscovererFactory {

    /** How long one blocking query waits for a change (Prometheus's watch timeout). */
    static final Duration WATCH_TIMEOUT = Duration.ofMinutes(2);

    /** How long a plain request may take, and a blocking one beyond its wait and Consul's jitter. */
    static final Duration REQUEST_SLACK = Duration.ofSeconds(10);

    private final Duration wait;
    private final Duration slack;

    public ConsulDiscovererFactory() {
        this(WATCH_TIMEOUT, REQUEST_SLACK);
    }

    ConsulDiscovererFactory(Duration wait, Duration slack) {
        this.wait = wait;
        this.slack = slack;
    }

    @Override
    public String type() {
        return "consul";
    }

    @Override
    public void validate(PluginConfig config) throws ConfigException {
        ConsulSdConfig.parse(config);
    }

    @Override
    public void validate(PluginConfig config, PluginContext context) throws ConfigException {
        ConsulSdConfig.parse(config);
        context.httpClients().validate(config);
    }

    @Override
    public Set<String> secretFields() {
        return Set.of("token");
    }

    @Override
    public Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException {
        ConsulSdConfig parsed = ConsulSdConfig.parse(config);
        ConfiguredHttpClient http = context.httpClients().create(config, context.configDirectory());
        return new ConsulDiscoverer(parsed, new ConsulClient(parsed, http, wait, slack), http, new ConsulSdMetrics(context.metrics()),
                context.logger(), context.threads());
    }
}
