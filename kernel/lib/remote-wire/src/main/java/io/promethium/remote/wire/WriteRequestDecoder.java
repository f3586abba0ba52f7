package io.promethium.remote.wire;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.Labels;
import io.promethium.remote.wire.ProtoReader.ProtoException;
import java.util.Arrays;

/**
 * Decodes a remote write 1.0 {@code WriteRequest} series by series, handing each to a
 * {@link Sink} with its samples in reused primitive arrays: no object per sample.
 *
 * <pre>
 * WriteRequest { repeated TimeSeries timeseries = 1; repeated MetricMetadata metadata = 3; }
 * TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; repeated Exemplar exemplars = 3; repeated Histogram histograms = 4; }
 * Label        { string name = 1; string value = 2; }
 * Sample       { double value = 1; int64 timestamp = 2; }
 * Exemplar     { repeated Label labels = 1; double value = 2; int64 timestamp = 3; }
 * </pre>
 *
 * (Histogram: see {@link HistogramCodec}.)
 */
public final class WriteRequestDecoder {

    /** Receives decoded series. */
    public interface Sink {
        /** One series: {@code count} samples in {@code timestamps}/{@code values}, and its exemplars. */
        void series(Labels labels, long[] timestamps, double[] values, int count, Exemplar[] exemplars, int exemplarCount)
                throws Exception;

        /**
         * The native histogram samples of a series, handed over right before its {@link #series}
         * call (since 1.1.0; called only when it has some). A sink that cannot take them refuses, never drops them.
         */
        default void histograms(Labels labels, HistogramSamples histograms) throws Exception {
            throw new ProtoException("native histograms are not accepted here (series " + labels + ")");
        }
    }

    private final FloatSamples samples = new FloatSamples();
    private Exemplar[] exemplars = new Exemplar[4];
    private final HistogramCodec histogramCodec = new HistogramCodec();
    private final HistogramSamples histograms = new HistogramSamples();

    public void decode(byte[] buf, int length, Sink sink) throws Exception {
        decode(buf, 0, length, sink);
    }

    /**
     * Decodes {@code repeated TimeSeries timeseries = 1} in {@code buf[offset, end)}: a whole
     * {@code WriteRequest}, or a remote read {@code QueryResult}, which has the same shape.
     */
    public void decode(byte[] buf, int offset, int end, Sink sink) throws Exception {
        ProtoReader r = new ProtoReader(buf, offset, end);
        while (r.hasMore()) {
            int tag = r.tag();
            if (tag == (1 << 3 | 2)) {
                int seriesEnd = r.lengthDelimitedEnd();
                timeSeries(new ProtoReader(buf, r.position(), seriesEnd), sink);
                r.position(seriesEnd);
            } else {
                r.skip(tag);
            }
        }
    }

    private void timeSeries(ProtoReader r, Sink sink) throws Exception {
        Labels.Builder labels = Labels.builder();
        samples.count = 0;
        int exemplarCount = 0;
        histograms.clear();
        while (r.hasMore()) {
            int tag = r.tag();
            switch (tag) {
                case 1 << 3 | 2 -> label(r, labels);
                case 2 << 3 | 2 -> samples.read(r);
                case 3 << 3 | 2 -> {
                    int end = r.lengthDelimitedEnd();
                    ProtoReader e = new ProtoReader(r.buffer(), r.position(), end);
                    Labels.Builder el = Labels.builder();
                    double v = 0;
                    long t = 0;
                    while (e.hasMore()) {
                        int et = e.tag();
                        switch (et) {
                            case 1 << 3 | 2 -> label(e, el);
                            case 2 << 3 | 1 -> v = e.fixed64AsDouble();
                            case 3 << 3 -> t = e.varint();
                            default -> e.skip(et);
                        }
                    }
                    r.position(end);
                    if (exemplarCount == exemplars.length) {
                        exemplars = Arrays.copyOf(exemplars, exemplarCount * 2);
                    }
                    exemplars[exemplarCount++] = new Exemplar(el.build(), v, t, true);
                }
                case 4 << 3 | 2 -> {
                    int end = r.lengthDelimitedEnd();
                    histograms.add(histogramCodec, r.buffer(), r.position(), end);
                    r.position(end);
                }
                default -> r.skip(tag);
            }
        }
        Labels built = labels.build();
        // Histograms first, so a histogram series exists when its exemplars arrive with series().
        if (histograms.size() > 0) {
            sink.histograms(built, histograms);
        }
        sink.series(built, samples.timestamps, samples.values, samples.count, exemplars, exemplarCount);
    }

    /** Reads one {@code Label} message into {@code into}, refusing an empty or repeated name. */
    static void label(ProtoReader r, Labels.Builder into) throws ProtoException {
        int end = r.lengthDelimitedEnd();
        ProtoReader l = new ProtoReader(r.buffer(), r.position(), end);
        String name = "";
        String value = "";
        while (l.hasMore()) {
            int tag = l.tag();
            switch (tag) {
                case 1 << 3 | 2 -> name = l.string();
                case 2 << 3 | 2 -> value = l.string();
                default -> l.skip(tag);
            }
        }
        r.position(end);
        if (name.isEmpty()) {
            throw new ProtoException("invalid label: empty label name (value " + value + ")");
        }
        if (!into.get(name).isEmpty()) {
            throw new ProtoException("invalid labels: duplicate label name " + name);
        }
        into.set(name, value);
    }
}
