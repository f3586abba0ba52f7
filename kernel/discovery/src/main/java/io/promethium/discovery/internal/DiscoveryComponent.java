package io.promethium.discovery.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.Durations;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.http.HttpClientFactory;
import io.promethium.api.plugin.MetricsRegistrar;
import io.promethium.discovery.DiscoveryManager;
import io.promethium.discovery.DiscoveryService;
import io.promethium.discovery.TargetSetListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The discovery manager as a DS component: follows every {@link DiscovererFactory} (a plugin
 * arriving starts the blocks that waited for it or replaces the version before it; one leaving
 * closes its discoverers, holding their targets for a replacement during a grace period) and offers {@link DiscoveryService}
 * to scrape and alerting. Updates go out at most every 5 s per consumer, as in Prometheus.
 */
@Component(immediate = true, service = DiscoveryService.class)
public final class DiscoveryComponent implements DiscoveryService {

    static final Duration UPDATE_INTERVAL = Duration.ofSeconds(5);

    private final DiscoveryManager manager;

    /** Fault testing only (hidden): the grace of {@link DiscoveryManager#DEFAULT_GRACE}, shorter for tests of a plugin's removal. */
    static final String GRACE_FLAG = "discovery.fault.plugin-grace";

    @Activate
    public DiscoveryComponent(BundleContext context, @Reference MetricsRegistrar registrar, @Reference HttpClientFactory httpClients) {
        this.manager = new DiscoveryManager(UPDATE_INTERVAL, grace(context.getProperty("promethium.flag." + GRACE_FLAG)), registrar, httpClients);
    }

    static Duration grace(String flag) {
        if (flag == null || flag.isEmpty()) {
            return DiscoveryManager.DEFAULT_GRACE;
        }
        try {
            return Durations.parse(flag);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("flag --" + GRACE_FLAG + ": " + e.getMessage(), e);
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindDiscovererFactory(DiscovererFactory factory) {
        manager.addFactory(factory);
    }

    void unbindDiscovererFactory(DiscovererFactory factory) {
        manager.removeFactory(factory);
    }

    @Deactivate
    void deactivate() {
        manager.close();
    }

    @Override
    public void apply(String consumer, Map<String, List<PluginConfig>> sets, Map<String, Integer> staticTargets,
                      Path configDirectory, TargetSetListener listener) throws ConfigException {
        manager.apply(consumer, sets, staticTargets, configDirectory, listener);
    }

    @Override
    public void apply(String consumer, Map<String, List<PluginConfig>> sets, Map<String, Integer> staticTargets,
                      Path configDirectory, Map<String, Path> setDirectories, Duration interval, TargetSetListener listener)
            throws ConfigException {
        manager.apply(consumer, sets, staticTargets, configDirectory, setDirectories, interval, listener);
    }

    @Override
    public Map<String, java.util.Set<String>> waitingPlugins(String consumer) {
        return manager.waitingPlugins(consumer);
    }

    @Override
    public void remove(String consumer) {
        manager.remove(consumer);
    }
}
