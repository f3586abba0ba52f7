package io.promethium.discovery.openstack.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.DiscoveryContext;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.plugin.PluginContext;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/** The {@code openstack} discovery type: owns {@code openstack_sd_configs}. */
@Component(service = DiscovererFactory.class)
public final class OpenstackDiscovererFactory implements DiscovererFactory {

    /** The largest answer read from Keystone, Nova or Neutron (Prometheus reads any size); a larger one fails the refresh. */
    static final long BODY_LIMIT = 64L << 20;

    @Override
    public String type() {
        return "openstack";
    }

    /** Shown as {@code <secret>} wherever config is shown, as Prometheus's {@code config.Secret} fields. */
    @Override
    public Set<String> secretFields() {
        return Set.of("password", "application_credential_secret");
    }

    @Override
    public void validate(PluginConfig config) throws ConfigException {
        OpenstackSdConfig.parse(config);
    }

    @Override
    public void validate(PluginConfig config, PluginContext context) throws ConfigException {
        OpenstackSdConfig.parse(config);
        context.httpClients().validate(config);
    }

    @Override
    public Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException {
        OpenstackSdConfig parsed = OpenstackSdConfig.parse(config);
        ConfiguredHttpClient http = context.httpClients().create(config, context.configDirectory());
        return new OpenstackDiscoverer(parsed, http, BODY_LIMIT, new OpenstackSdMetrics(context.metrics()), context.owner(),
                context.logger(), context.threads());
    }
}
