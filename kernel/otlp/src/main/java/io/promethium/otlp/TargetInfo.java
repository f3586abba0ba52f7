package io.promethium.otlp;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.model.MetricType;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A resource's {@code target_info} gauge (value 1): its non-identifying attributes (the
 * identifying {@code service.*} too with {@code keep_identifying_resource_attributes}), repeated
 * every half lookback delta between the request's earliest and latest point of the resource, and
 * written only when it has a {@code job} or {@code instance}. Two resources with the same labels
 * in one request share their samples. Not thread-safe: one per request.
 */
final class TargetInfo {

    private static final Set<String> IDENTIFYING = Set.of("service.namespace", "service.name", "service.instance.id");

    private final SeriesLabels labels;
    private final SampleWriter writer;
    private final boolean keepIdentifying;
    private final long lookbackDeltaMillis;
    private final Map<Labels, java.util.Set<Long>> seen = new java.util.HashMap<>();

    TargetInfo(SeriesLabels labels, SampleWriter writer, boolean keepIdentifying, long lookbackDeltaMillis) {
        this.labels = labels;
        this.writer = writer;
        this.keepIdentifying = keepIdentifying;
        this.lookbackDeltaMillis = lookbackDeltaMillis;
    }

    void write(List<KeyValue> resource, long earliestMillis, long latestMillis) throws Names.InvalidName, SampleWriter.Rejected {
        int nonIdentifying = 0;
        for (KeyValue kv : resource) {
            if (!IDENTIFYING.contains(kv.getKey())) {
                nonIdentifying++;
            }
        }
        if (nonIdentifying == 0) {
            return;
        }
        Labels series = labels.targetInfo(resource, keepIdentifying ? Set.of() : IDENTIFYING);
        if (!series.has("job") && !series.has("instance")) {
            return;
        }
        Metadata metadata = new Metadata(MetricType.GAUGE, "Target metadata", "");
        long interval = lookbackDeltaMillis / 2;
        long ref = 0;
        java.util.Set<Long> times = new java.util.HashSet<>();
        for (long ts = earliestMillis; ts < latestMillis; ts += interval) {
            if (times.add(ts)) {
                ref = append(ref, series, ts, metadata);
            }
        }
        if (times.add(latestMillis)) {
            append(ref, series, latestMillis, metadata);
        }
    }

    private long append(long ref, Labels series, long ts, Metadata metadata) throws SampleWriter.Rejected {
        // Two resources with the same labels within one request share their target_info samples.
        if (!seen.computeIfAbsent(series, k -> new java.util.HashSet<>()).add(ts)) {
            return ref;
        }
        return writer.appendFloat(series, 0, ts, 1.0, metadata);
    }
}
