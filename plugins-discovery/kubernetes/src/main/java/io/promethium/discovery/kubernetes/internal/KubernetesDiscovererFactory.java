package io.promethium.discovery.kubernetes.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.DiscoveryContext;
import io.promethium.api.plugin.PluginContext;
import java.time.Duration;
import org.osgi.service.component.annotations.Component;

/**
 * The {@code kubernetes} discovery type: owns {@code kubernetes_sd_configs}. One factory serves
 * every job, so it holds the shared API connections and informers.
 */
@Component(service = DiscovererFactory.class)
public final class KubernetesDiscovererFactory implements DiscovererFactory {

    /** How long the first update waits for the informers' initial lists before sending what is known. */
    static final Duration INITIAL_WAIT = Duration.ofSeconds(30);

    private final Connections connections;
    private final Duration initialWait;

    public KubernetesDiscovererFactory() {
        this(InCluster.fromEnvironment(), INITIAL_WAIT);
    }

    KubernetesDiscovererFactory(InCluster inCluster, Duration initialWait) {
        this.connections = new Connections(inCluster);
        this.initialWait = initialWait;
    }

    @Override
    public String type() {
        return "kubernetes";
    }

    @Override
    public void validate(PluginConfig config) throws ConfigException {
        KubernetesSdConfig.parse(config);
    }

    @Override
    public void validate(PluginConfig config, PluginContext context) throws ConfigException {
        KubernetesSdConfig.parse(config);
        context.httpClients().validate(config);
    }

    @Override
    public Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException {
        KubernetesSdConfig parsed = KubernetesSdConfig.parse(config);
        if (parsed.apiServer() != null) {
            context.httpClients().validate(config);
        }
        return new KubernetesDiscoverer(parsed, config, context, connections, new KubernetesSdMetrics(context.metrics()), initialWait);
    }

    /** The shared connections (tests check sharing and release). */
    Connections connections() {
        return connections;
    }
}
