package io.promethium.config.model;

import io.promethium.api.model.Labels;
import java.util.List;

/** One entry of {@code static_configs:}: addresses and the labels they share. */
public record StaticConfig(List<String> targets, Labels labels) {
    public StaticConfig {
        targets = List.copyOf(targets);
        labels = labels == null ? Labels.EMPTY : labels;
    }

    /** The number of targets of a {@code static_configs} list (Prometheus's static provider counts them). */
    public static int targetCount(List<StaticConfig> configs) {
        int count = 0;
        for (StaticConfig config : configs) {
            count += config.targets().size();
        }
        return count;
    }
}
