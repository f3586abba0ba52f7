package io.promethium.example.hello;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.collect.Collector;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class HelloCollectorTest {

    @Test
    void writesOneGaugeWithValueOne() {
        List<String> lines = new ArrayList<>();
        new HelloCollector().collect(new MetricWriter() {
            @Override
            public void family(String name, MetricType type, String help, String unit) {
                lines.add("family " + name + " " + type);
            }

            @Override
            public void sample(String name, Labels labels, double value) {
                lines.add(name + labels + " " + value);
            }
        });
        assertThat(lines).containsExactly("family promethium_example_hello GAUGE", "promethium_example_hello{} 1.0");
    }

    @Test
    void isListedForServiceLoader() {
        assertThat(ServiceLoader.load(Collector.class).stream().map(p -> p.type().getName()))
                .contains(HelloCollector.class.getName());
    }
}
