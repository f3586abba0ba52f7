package io.promethium.api.storage;

import java.util.List;
import java.util.Objects;

/**
 * A storage's cardinality, as Prometheus's {@code /api/v1/status/tsdb} reports it for its head.
 * Top lists hold the largest entries first.
 *
 * @param minTime the oldest sample (ms), or {@code Long.MAX_VALUE} when empty
 * @param maxTime the newest sample (ms), or {@code Long.MIN_VALUE} when empty
 */
public record StorageStats(long numSeries, long numLabelPairs, long chunkCount, long minTime, long maxTime,
                           List<Stat> seriesCountByMetricName, List<Stat> labelValueCountByLabelName,
                           List<Stat> memoryInBytesByLabelName, List<Stat> seriesCountByLabelValuePair) {

    public StorageStats {
        seriesCountByMetricName = List.copyOf(seriesCountByMetricName);
        labelValueCountByLabelName = List.copyOf(labelValueCountByLabelName);
        memoryInBytesByLabelName = List.copyOf(memoryInBytesByLabelName);
        seriesCountByLabelValuePair = List.copyOf(seriesCountByLabelValuePair);
    }

    /** One row of a top list: a name (metric, label, or {@code name=value}) and its count. */
    public record Stat(String name, long value) {
        public Stat {
            Objects.requireNonNull(name, "name is null");
        }
    }
}
