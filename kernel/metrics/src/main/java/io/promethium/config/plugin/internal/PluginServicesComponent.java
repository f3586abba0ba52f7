package io.promethium.config.plugin.internal;

import io.promethium.api.collect.Collector;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.plugin.MetricsRegistrar;
import io.promethium.config.plugin.PluginMetricsRegistry;
import io.promethium.config.plugin.RegistrarAttachments;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.osgi.service.component.annotations.Component;

/**
 * The registry behind every plugin's {@link MetricsRegistrar}, as a service (so storage and other
 * service-style plugins reference it) and as a {@link Collector} (so its metrics are on {@code /metrics}).
 * It also carries the kernel's per-server {@link RegistrarAttachments} (the plugin trackers' states).
 */
@Component(service = {MetricsRegistrar.class, Collector.class})
public final class PluginServicesComponent implements MetricsRegistrar, Collector, RegistrarAttachments {

    private final PluginMetricsRegistry registry = new PluginMetricsRegistry();
    private final Map<Class<?>, Object> attachments = new ConcurrentHashMap<>();

    @Override
    public <T> T attachment(Class<T> type, Supplier<T> create) {
        return type.cast(attachments.computeIfAbsent(type, t -> create.get()));
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
    public Histogram histogram(String name, String help, double[] buckets, String... labelNames) {
        return registry.histogram(name, help, buckets, labelNames);
    }

    @Override
    public Summary summary(String name, String help, java.util.Map<Double, Double> objectives, String... labelNames) {
        return registry.summary(name, help, objectives, labelNames);
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
