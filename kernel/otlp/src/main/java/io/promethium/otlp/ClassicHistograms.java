package io.promethium.otlp;

import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.promethium.api.model.Exemplar;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.model.StaleMarker;
import java.util.List;

/**
 * Explicit-bucket histogram points as classic histograms: {@code _sum}, {@code _count} and
 * cumulative {@code _bucket{le}} series, each exemplar going to the first bucket holding its
 * value. Not thread-safe: one per request.
 */
final class ClassicHistograms {

    private final SeriesLabels labels;
    private final SampleWriter writer;

    ClassicHistograms(SeriesLabels labels, SampleWriter writer) {
        this.labels = labels;
        this.writer = writer;
    }

    void point(String family, Metadata metadata, HistogramDataPoint p) throws Names.InvalidName, SampleWriter.Rejected {
        long t = p.getTimeUnixNano() / 1_000_000;
        long st = writer.start(p.getStartTimeUnixNano());
        boolean stale = SampleWriter.noRecordedValue(p.getFlags());
        Labels base = labels.base(p.getAttributesList(), metadata);
        if (p.hasSum()) {
            writer.appendFloat(SeriesLabels.withName(base, family + "_sum"), st, t, stale ? StaleMarker.STALE_NAN : p.getSum(), metadata);
        }
        double count = stale ? StaleMarker.STALE_NAN : (double) p.getCount();
        writer.appendFloat(SeriesLabels.withName(base, family + "_count"), st, t, count, metadata);
        List<Exemplar> exemplars = Exemplars.of(p.getExemplarsList());
        int next = 0;
        long cumulative = 0;
        for (int i = 0; i < p.getExplicitBoundsCount() && i < p.getBucketCountsCount(); i++) {
            double bound = p.getExplicitBounds(i);
            cumulative += p.getBucketCounts(i);
            int from = next;
            while (next < exemplars.size() && exemplars.get(next).value() <= bound) {
                next++;
            }
            Labels bucket = SeriesLabels.withName(base, family + "_bucket", "le", AttributeValues.formatFloat(bound));
            long ref = writer.appendFloat(bucket, st, t, stale ? StaleMarker.STALE_NAN : (double) cumulative, metadata);
            writer.exemplars(ref, bucket, exemplars.subList(from, next));
        }
        Labels inf = SeriesLabels.withName(base, family + "_bucket", "le", "+Inf");
        long ref = writer.appendFloat(inf, st, t, count, metadata);
        writer.exemplars(ref, inf, exemplars.subList(next, exemplars.size()));
    }
}
