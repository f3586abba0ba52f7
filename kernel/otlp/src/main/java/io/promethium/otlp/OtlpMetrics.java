package io.promethium.otlp;

import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Prometheus's {@code prometheus_api_otlp_*} counters. Thread-safe. */
final class OtlpMetrics {

    /** Prometheus's warning categories, each exported from the start. */
    static final List<String> CATEGORIES = List.of("empty_data_points", "label_name_collision", "histogram_zero_count_non_zero_sum", "other");

    private final Map<String, LongAdder> warnings = new ConcurrentHashMap<>();
    private final LongAdder withoutMetadata = new LongAdder();
    private final LongAdder outOfOrderExemplars = new LongAdder();

    OtlpMetrics() {
        CATEGORIES.forEach(c -> warnings.put(c, new LongAdder()));
    }

    void record(Translator.Result result) {
        for (Translator.Warning w : result.warnings()) {
            warnings.computeIfAbsent(w.category(), k -> new LongAdder()).increment();
        }
        outOfOrderExemplars.add(result.outOfOrderExemplars());
    }

    void collect(MetricWriter w) {
        w.family("prometheus_api_otlp_translation_warnings_total", MetricType.COUNTER,
                "The total number of warnings produced while translating OTLP metrics to the Prometheus model, by category.", "");
        new java.util.TreeMap<>(warnings).forEach((c, n) -> w.sample("prometheus_api_otlp_translation_warnings_total",
                Labels.of("category", c), n.sum()));
        // Every series this receiver appends carries its family's metadata, so this stays 0; exported as Prometheus does.
        w.family("prometheus_api_otlp_appended_samples_without_metadata_total", MetricType.COUNTER,
                "The total number of samples ingested from OTLP without corresponding metadata.", "");
        w.sample("prometheus_api_otlp_appended_samples_without_metadata_total", withoutMetadata.sum());
        w.family("prometheus_api_otlp_out_of_order_exemplars_total", MetricType.COUNTER,
                "The total number of received OTLP exemplars which were rejected because they were out of order.", "");
        w.sample("prometheus_api_otlp_out_of_order_exemplars_total", outOfOrderExemplars.sum());
    }
}
