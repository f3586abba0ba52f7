package io.promethium.discovery.zookeeper.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.DiscoveryContext;
import java.time.Duration;
import org.osgi.service.component.annotations.Component;

/** The {@code nerve} discovery type: owns {@code nerve_sd_configs} (members in ZooKeeper, see {@link ZookeeperDiscoverer}). */
@Component(service = DiscovererFactory.class)
public final class NerveDiscovererFactory implements DiscovererFactory {

    private final Duration retry;

    public NerveDiscovererFactory() {
        this(ZookeeperDiscoverer.RETRY);
    }

    /** @param retry how long after a failure the tree is read again (10 s in Prometheus) */
    NerveDiscovererFactory(Duration retry) {
        this.retry = retry;
    }

    @Override
    public String type() {
        return "nerve";
    }

    @Override
    public void validate(PluginConfig config) throws ConfigException {
        ZookeeperSdConfig.parse(config, "nerve");
    }

    @Override
    public Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException {
        return new ZookeeperDiscoverer(ZookeeperSdConfig.parse(config, "nerve"), Members::nerve, new ZookeeperSdMetrics(context.metrics()),
                context.logger(), context.threads(), retry);
    }
}
