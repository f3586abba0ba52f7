package io.promethium.config.plugin.internal;

import io.promethium.api.collect.Collector;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.plugin.MetricsRegistrar;
import io.promethium.config.plugin.PluginMetricsRegistry;
import org.osgi.service.component.annotations.Component;

/**
 * The registry behind every plugin's {@link MetricsRegistrar}, as a service (so storage and other
 * service-style plugins reference it) and as a {@link Collector} (so its metrics are on {@code /metrics}).
 */
@Component(service = {MetricsRegistrar.class, Collector.class})
public final class PluginServicesComponent implements MetricsRegistrar, Collector {

    private final PluginMetricsRegistry registry = new PluginMetricsRegistry();

    @Override
    public Counter counter(String name, String help, String... labelNames) {
        return registry.counter(name, help, labelNames);
    }

    @Override
    public Gauge gauge(String name, String help, String... labelNames) {
        return registry.gauge(name, help, labelNames);
    }

    @Override
    public Summary summary(String name, String help, String... labelNames) {
        return registry.summary(name, help, labelNames);
    }

    @Override
    public Registration register(Collector collector) {
        return registry.register(collector);
    }

    @Override
    public void collect(MetricWriter writer) {
        registry.collect(writer);
    }
}
