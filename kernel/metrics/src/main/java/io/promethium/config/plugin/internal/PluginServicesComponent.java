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
@Component(service = {MetricsRegistrar.class, Collector.class, io.promethium.config.lifecycle.PluginStates.class})
public final class PluginServicesComponent implements MetricsRegistrar, Collector, io.promethium.config.lifecycle.PluginStates,
        io.promethium.config.lifecycle.PluginStatesRegistry.Provider {

    private final PluginMetricsRegistry registry = new PluginMetricsRegistry();
    /** The plugin trackers built with this registrar: their waiting parts and failures, for the console. */
    private final io.promethium.config.lifecycle.PluginStatesRegistry states = new io.promethium.config.lifecycle.PluginStatesRegistry();

    @Override
    public io.promethium.config.lifecycle.PluginStatesRegistry pluginStates() {
        return states;
    }

    @Override
    public java.util.List<io.promethium.config.lifecycle.PluginStates.Waiting> waiting() {
        return states.waiting();
    }

    @Override
    public java.util.List<io.promethium.config.lifecycle.PluginFailure> failures() {
        return states.failures();
    }

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
