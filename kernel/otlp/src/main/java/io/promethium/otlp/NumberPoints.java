package io.promethium.otlp;

import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.model.StaleMarker;

/** Gauge and sum points: one float sample each, with the sum's exemplars. Not thread-safe: one per request. */
final class NumberPoints {

    private final SeriesLabels labels;
    private final SampleWriter writer;

    NumberPoints(SeriesLabels labels, SampleWriter writer) {
        this.labels = labels;
        this.writer = writer;
    }

    /** {@code withExemplars}: a sum's point (Prometheus keeps exemplars of sums, not of gauges). */
    void point(String family, Metadata metadata, NumberDataPoint p, boolean withExemplars) throws Names.InvalidName, SampleWriter.Rejected {
        Labels series = labels.point(p.getAttributesList(), metadata, family);
        double v = p.getValueCase() == NumberDataPoint.ValueCase.AS_INT ? (double) p.getAsInt() : p.getAsDouble();
        if (SampleWriter.noRecordedValue(p.getFlags())) {
            v = StaleMarker.STALE_NAN;
        }
        long ref = writer.appendFloat(series, writer.start(p.getStartTimeUnixNano()), p.getTimeUnixNano() / 1_000_000, v, metadata);
        if (withExemplars) {
            writer.exemplars(ref, series, Exemplars.of(p.getExemplarsList()));
        }
    }
}
