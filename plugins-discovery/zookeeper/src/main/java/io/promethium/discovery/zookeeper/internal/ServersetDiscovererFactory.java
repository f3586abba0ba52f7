package io.promethium.discovery.zookeeper.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.DiscoveryContext;
import java.time.Duration;
import org.osgi.service.component.annotations.Component;

/** The {@code serverset} discovery type: owns {@code serverset_sd_configs} (members in ZooKeeper, see {@link ZookeeperDiscoverer}). */
@Component(service = DiscovererFactory.class)
public final class ServersetDiscovererFactory implements DiscovererFactory {

    private final Duration retry;

    public ServersetDiscovererFactory() {
        this(ZookeeperDiscoverer.RETRY);
    }

    /** @param retry how long after a failure the tree is read again (10 s in Prometheus) */
    ServersetDiscovererFactory(Duration retry) {
        this.retry = retry;
    }

    @Override
    public String type() {
        return "serverset";
    }

    @Override
    public void validate(PluginConfig config) throws ConfigException {
        ZookeeperSdConfig.parse(config, "serverset");
    }

    @Override
    public Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException {
        return new ZookeeperDiscoverer(ZookeeperSdConfig.parse(config, "serverset"), Members::serverset, new ZookeeperSdMetrics(context.metrics()),
                context.logger(), context.threads(), retry);
    }
}
