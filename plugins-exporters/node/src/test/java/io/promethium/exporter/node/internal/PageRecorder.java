package io.promethium.exporter.node.internal;

import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.util.LinkedHashMap;
import java.util.Map;

/** Records what an exporter writes, as families keyed by name, for assertions. */
final class PageRecorder implements MetricWriter {

    /** One recorded family: type, help, samples by sample name and labels. */
    static final class Family {
        final MetricType type;
        final String help;
        final Map<String, Double> samples = new LinkedHashMap<>();

        Family(MetricType type, String help) {
            this.type = type;
            this.help = help;
        }
    }

    final Map<String, Family> families = new LinkedHashMap<>();
    private Family current;

    @Override
    public void family(String name, MetricType type, String help, String unit) {
        if (families.containsKey(name)) {
            throw new AssertionError("family " + name + " written twice");
        }
        current = new Family(type, help);
        families.put(name, current);
    }

    @Override
    public void sample(String name, Labels labels, double value) {
        if (current == null) {
            throw new AssertionError("sample before family");
        }
        if (current.samples.put(name + labels, value) != null) {
            throw new AssertionError("duplicate sample " + name + labels);
        }
    }

    Double value(String sample) {
        for (Family f : families.values()) {
            Double v = f.samples.get(sample);
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
