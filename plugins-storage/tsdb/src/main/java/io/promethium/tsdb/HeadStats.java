package io.promethium.tsdb;

import java.util.List;

/**
 * The head's cardinality, as Prometheus's {@code /api/v1/status/tsdb} reports it. Top lists hold
 * at most ten entries, largest first.
 *
 * @param minTime the head's oldest sample (ms), or {@code Long.MAX_VALUE} when empty
 * @param maxTime the head's newest sample (ms), or {@code Long.MIN_VALUE} when empty
 */
public record HeadStats(long numSeries, long numLabelPairs, long chunkCount, long minTime, long maxTime,
        List<Stat> seriesCountByMetricName, List<Stat> labelValueCountByLabelName, List<Stat> memoryInBytesByLabelName,
        List<Stat> seriesCountByLabelValuePair) {

    public HeadStats {
        seriesCountByMetricName = List.copyOf(seriesCountByMetricName);
        labelValueCountByLabelName = List.copyOf(labelValueCountByLabelName);
        memoryInBytesByLabelName = List.copyOf(memoryInBytesByLabelName);
        seriesCountByLabelValuePair = List.copyOf(seriesCountByLabelValuePair);
    }

    /** One row of a top list: a name (metric, label, or {@code name=value}) and its count. */
    public record Stat(String name, long value) {
    }
}
