package io.promethium.remote.wire;

import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;

/**
 * Builds a remote write 1.0 {@code WriteRequest} (see {@link WriteRequestDecoder} for the schema)
 * series by series into one reused buffer: {@link #beginSeries}, its samples and exemplars,
 * {@link #endSeries}; metadata entries after the series. {@link #reset} starts the next request.
 *
 * <pre>
 * MetricMetadata { MetricType type = 1; string metric_family_name = 2; string help = 4; string unit = 5; }
 * </pre>
 */
public final class WriteRequestEncoder {

    private final ProtoWriter w = new ProtoWriter();
    private final HistogramCodec histograms = new HistogramCodec();
    private int series = -1;

    public void reset() {
        w.reset();
        series = -1;
    }

    public void beginSeries(Labels labels) {
        if (series >= 0) {
            throw new IllegalStateException("series not ended");
        }
        series = w.beginMessage(1);
        labels(1, labels);
    }

    public void sample(long timestamp, double value) {
        int m = w.beginMessage(2);
        w.doubleField(1, value);
        w.int64Field(2, timestamp);
        w.endMessage(m);
    }

    /** A native histogram sample of the open series ({@code TimeSeries.histograms = 4}, see {@link HistogramCodec}). */
    public void histogram(long timestamp, Histogram h) {
        histograms.encode(w, 4, timestamp, h);
    }

    public void histogram(long timestamp, FloatHistogram h) {
        histograms.encode(w, 4, timestamp, h);
    }

    public void exemplar(Labels labels, double value, long timestamp) {
        int m = w.beginMessage(3);
        labels(1, labels);
        w.doubleField(2, value);
        w.int64Field(3, timestamp);
        w.endMessage(m);
    }

    public void endSeries() {
        w.endMessage(series);
        series = -1;
    }

    public void metadata(String family, MetricType type, String help, String unit) {
        int m = w.beginMessage(3);
        int code = wireType(type);
        if (code != 0) {
            w.int64Field(1, code);
        }
        w.stringField(2, family);
        if (!help.isEmpty()) {
            w.stringField(4, help);
        }
        if (!unit.isEmpty()) {
            w.stringField(5, unit);
        }
        w.endMessage(m);
    }

    /** The enum numbers of {@code prometheus.MetricMetadata.MetricType}. */
    public static int wireType(MetricType type) {
        return switch (type) {
            case UNKNOWN -> 0;
            case COUNTER -> 1;
            case GAUGE -> 2;
            case HISTOGRAM -> 3;
            case GAUGE_HISTOGRAM -> 4;
            case SUMMARY -> 5;
            case INFO -> 6;
            case STATESET -> 7;
        };
    }

    private void labels(int field, Labels labels) {
        for (int i = 0; i < labels.size(); i++) {
            int l = w.beginMessage(field);
            w.stringField(1, labels.name(i));
            w.stringField(2, labels.value(i));
            w.endMessage(l);
        }
    }

    /** The encoded request so far: {@link #size()} bytes of {@link #buffer()}. */
    public byte[] buffer() {
        return w.buffer();
    }

    public int size() {
        return w.size();
    }
}
