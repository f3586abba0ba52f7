package io.promethium.exporter.node.internal;

import io.promethium.api.model.Labels;
import java.util.HashMap;
import java.util.Map;

/** Label sets of one or two labels by value, so a steady host builds none per scrape. Not thread-safe. */
final class LabelCache {

    private final String first;
    private final String second;
    private final Map<String, Object> byFirst = new HashMap<>();

    LabelCache(String first) {
        this(first, null);
    }

    LabelCache(String first, String second) {
        this.first = first;
        this.second = second;
    }

    Labels of(String value) {
        Object cached = byFirst.get(value);
        if (cached == null) {
            if (byFirst.size() > 4096) {
                byFirst.clear();
            }
            cached = Labels.of(first, value);
            byFirst.put(value, cached);
        }
        return (Labels) cached;
    }

    @SuppressWarnings("unchecked")
    Labels of(String value, String secondValue) {
        Map<String, Labels> bySecond = (Map<String, Labels>) byFirst.computeIfAbsent(value, v -> new HashMap<>());
        Labels labels = bySecond.get(secondValue);
        if (labels == null) {
            if (bySecond.size() > 4096) {
                bySecond.clear();
            }
            labels = Labels.of(first, value, second, secondValue);
            bySecond.put(secondValue, labels);
        }
        return labels;
    }
}
