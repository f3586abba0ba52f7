package io.promethium.api.testing;

import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/** The samples a collector writes (to a {@link MetricWriter}), for a test to assert on. */
public final class CollectedSamples {

    private CollectedSamples() {
    }

    /**
     * Each sample's value keyed by its name and labels as {@link Labels#toString()} writes them
     * ({@code name{a="1", b="2"}}), the name alone for a sample without labels.
     */
    public static SortedMap<String, Double> of(Consumer<MetricWriter> collector) {
        SortedMap<String, Double> samples = new TreeMap<>();
        collector.accept(new MetricWriter() {
            @Override
            public void family(String name, MetricType type, String help, String unit) {
            }

            @Override
            public void sample(String name, Labels labels, double value) {
                samples.put(labels.isEmpty() ? name : name + labels, value);
            }
        });
        return samples;
    }
}
