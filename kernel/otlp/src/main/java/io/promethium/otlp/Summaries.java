package io.promethium.otlp;

import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.model.StaleMarker;

/** Summary points: {@code _sum}, {@code _count} and a {@code {quantile}} series per quantile. Not thread-safe: one per request. */
final class Summaries {

    private final SeriesLabels labels;
    private final SampleWriter writer;

    Summaries(SeriesLabels labels, SampleWriter writer) {
        this.labels = labels;
        this.writer = writer;
    }

    void point(String family, Metadata metadata, SummaryDataPoint p) throws Names.InvalidName, SampleWriter.Rejected {
        long t = p.getTimeUnixNano() / 1_000_000;
        long st = writer.start(p.getStartTimeUnixNano());
        boolean stale = SampleWriter.noRecordedValue(p.getFlags());
        Labels base = labels.base(p.getAttributesList(), metadata);
        writer.appendFloat(SeriesLabels.withName(base, family + "_sum"), st, t, stale ? StaleMarker.STALE_NAN : p.getSum(), metadata);
        writer.appendFloat(SeriesLabels.withName(base, family + "_count"), st, t, stale ? StaleMarker.STALE_NAN : (double) p.getCount(),
                metadata);
        for (SummaryDataPoint.ValueAtQuantile q : p.getQuantileValuesList()) {
            Labels series = SeriesLabels.withName(base, family, "quantile", AttributeValues.formatFloat(q.getQuantile()));
            writer.appendFloat(series, st, t, stale ? StaleMarker.STALE_NAN : q.getValue(), metadata);
        }
    }
}
