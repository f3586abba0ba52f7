package io.promethium.remote.wire;

import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.model.MetricType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;

/**
 * Builds a remote write 2.0 {@code io.prometheus.write.v2.Request} (see {@link WriteV2Decoder} for
 * the schema) series by series: every string goes once into the request's symbols table, which
 * starts with the empty string as the specification requires, and series, exemplars and metadata
 * refer to it by index. The series are written into one reused buffer and the symbols put in front
 * of them by {@link #finish()}, so the request reads in field order (symbols first) as Prometheus
 * writes it. {@link #reset} starts the next request.
 */
public final class WriteV2Encoder {

    private final ProtoWriter series = new ProtoWriter();
    private final ProtoWriter out = new ProtoWriter();
    private final HistogramCodec histograms = new HistogramCodec();
    private final HashMap<String, Integer> symbolIndex = new HashMap<>();
    private final List<String> symbols = new ArrayList<>();
    private int[] refs = new int[32];
    private int open = -1;
    private int seriesCount;

    public WriteV2Encoder() {
        reset();
    }

    public void reset() {
        series.reset();
        out.reset();
        symbolIndex.clear();
        symbols.clear();
        symbol("");
        open = -1;
        seriesCount = 0;
    }

    private int symbol(String s) {
        Integer i = symbolIndex.get(s);
        if (i == null) {
            i = symbols.size();
            symbols.add(s);
            symbolIndex.put(s, i);
        }
        return i;
    }

    /**
     * Opens a {@code TimeSeries}; {@code metadata} may be null (none known), {@code createdTimestamp}
     * 0 when unknown (the specification's "not set").
     */
    public void beginSeries(Labels labels, Metadata metadata, long createdTimestamp) {
        if (open >= 0) {
            throw new IllegalStateException("series not ended");
        }
        open = series.beginMessage(5);
        labelRefs(labels);
        if (metadata != null && (metadata.type() != MetricType.UNKNOWN || !metadata.help().isEmpty() || !metadata.unit().isEmpty())) {
            int m = series.beginMessage(5);
            int type = WriteRequestEncoder.wireType(metadata.type());
            if (type != 0) {
                series.int64Field(1, type);
            }
            int help = symbol(metadata.help());
            if (help != 0) {
                series.int64Field(3, help);
            }
            int unit = symbol(metadata.unit());
            if (unit != 0) {
                series.int64Field(4, unit);
            }
            series.endMessage(m);
        }
        if (createdTimestamp != 0) {
            series.int64Field(6, createdTimestamp);
        }
        seriesCount++;
    }

    private void labelRefs(Labels labels) {
        int n = labels.size() * 2;
        if (refs.length < n) {
            refs = Arrays.copyOf(refs, Math.max(n, refs.length * 2));
        }
        for (int i = 0; i < labels.size(); i++) {
            refs[2 * i] = symbol(labels.name(i));
            refs[2 * i + 1] = symbol(labels.value(i));
        }
        series.packedVarints(1, refs, n);
    }

    public void sample(long timestamp, double value) {
        sample(timestamp, value, 0);
    }

    /**
     * A sample with its start timestamp ({@code start_timestamp}, the specification's newest
     * revision; none when 0). Since 1.3.0.
     */
    public void sample(long timestamp, double value, long startTimestamp) {
        int m = series.beginMessage(2);
        series.doubleField(1, value);
        series.int64Field(2, timestamp);
        if (startTimestamp != 0) {
            series.int64Field(3, startTimestamp);
        }
        series.endMessage(m);
    }

    /** A histogram sample; a series carries samples or histograms, never both (the specification's rule). */
    public void histogram(long timestamp, Histogram h) {
        histogram(timestamp, 0, h);
    }

    public void histogram(long timestamp, FloatHistogram h) {
        histogram(timestamp, 0, h);
    }

    /** A histogram sample with its start timestamp (none when 0). Since 1.3.0. */
    public void histogram(long timestamp, long startTimestamp, Histogram h) {
        histograms.encode(series, 3, timestamp, startTimestamp, h);
    }

    /** A float histogram sample with its start timestamp (none when 0). Since 1.3.0. */
    public void histogram(long timestamp, long startTimestamp, FloatHistogram h) {
        histograms.encode(series, 3, timestamp, startTimestamp, h);
    }

    public void exemplar(Labels labels, double value, long timestamp) {
        int m = series.beginMessage(4);
        labelRefs(labels);
        series.doubleField(2, value);
        series.int64Field(3, timestamp);
        series.endMessage(m);
    }

    public void endSeries() {
        series.endMessage(open);
        open = -1;
    }

    /** Series written since {@link #reset}. */
    public int seriesCount() {
        return seriesCount;
    }

    /** Puts the symbols table in front of the series; then {@link #buffer()} holds {@link #size()} bytes of request. */
    public void finish() {
        if (open >= 0) {
            throw new IllegalStateException("series not ended");
        }
        out.reset();
        for (String s : symbols) {
            out.stringField(4, s);
        }
        out.raw(series.buffer(), 0, series.size());
    }

    public byte[] buffer() {
        return out.buffer();
    }

    public int size() {
        return out.size();
    }
}
