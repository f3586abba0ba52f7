package io.promethium.example.hello;

import io.promethium.api.collect.Collector;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.MetricType;
import org.osgi.service.component.annotations.Component;

/**
 * The smallest useful plugin: one {@link Collector} service that adds
 * {@code promethium_example_hello 1} to the server's {@code /metrics}. Drop the jar into
 * {@code plugins/} of a running server and the metric appears; delete it and it goes.
 */
@Component(service = Collector.class)
public final class HelloCollector implements Collector {

    @Override
    public void collect(MetricWriter writer) {
        writer.family("promethium_example_hello", MetricType.GAUGE, "Always 1 while the example plugin runs.", "");
        writer.sample("promethium_example_hello", 1);
    }
}
