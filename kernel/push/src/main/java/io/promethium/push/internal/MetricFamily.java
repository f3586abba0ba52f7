package io.promethium.push.internal;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** A pushed metric family. {@code help} is {@code null} when the push carried no help text. */
record MetricFamily(String name, String help, FamilyType type, List<PushedMetric> metrics) {
    MetricFamily {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        metrics = List.copyOf(metrics);
    }

    MetricFamily withMetrics(List<PushedMetric> newMetrics) {
        return new MetricFamily(name, help, type, newMetrics);
    }
}
