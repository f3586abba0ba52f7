package io.promethium.remote.wire;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.model.MetricType;
import io.promethium.remote.wire.ProtoReader.ProtoException;
import java.util.Arrays;

/**
 * Decodes a remote write 2.0 {@code io.prometheus.write.v2.Request} series by series, resolving
 * every reference against the request's symbols table (read in a first pass, so the fields may
 * come in any order) and refusing a reference outside the table, an odd number of label
 * references or a series with both samples and histograms, naming the series by its index.
 *
 * <pre>
 * Request    { repeated string symbols = 4; repeated TimeSeries timeseries = 5; }     // 1..3 reserved
 * TimeSeries { repeated uint32 labels_refs = 1; repeated Sample samples = 2; repeated Histogram histograms = 3;
 *              repeated Exemplar exemplars = 4; Metadata metadata = 5; int64 created_timestamp = 6; }
 * Sample     { double value = 1; int64 timestamp = 2; int64 start_timestamp = 3; }
 * Exemplar   { repeated uint32 labels_refs = 1; double value = 2; int64 timestamp = 3; }
 * Metadata   { MetricType type = 1; uint32 help_ref = 3; uint32 unit_ref = 4; }       // types as in 1.0
 * </pre>
 *
 * (Histogram: see {@link HistogramCodec}.) The specification's newest revision moved the start
 * (created) timestamp from the series ({@code created_timestamp = 6}, now reserved) to each sample
 * and histogram ({@code start_timestamp}); both are read, a sample's own winning, so older and
 * newer senders alike reach {@link Sink#series(Labels, long[], double[], long[], int,
 * HistogramSamples, Exemplar[], int, Metadata, long)} with a start timestamp per sample.
 */
public final class WriteV2Decoder {

    /** Receives decoded series. */
    public interface Sink {
        /**
         * One series: its float samples or its histograms (one of them empty), its exemplars, its
         * metadata ({@link Metadata#UNKNOWN} when the series has none) and its created timestamp
         * (0 when not set). Arrays and histograms are the decoder's, reused for the next series.
         */
        void series(Labels labels, long[] timestamps, double[] values, int count, HistogramSamples histograms, Exemplar[] exemplars,
                    int exemplarCount, Metadata metadata, long createdTimestamp) throws Exception;

        /**
         * As above with each float sample's start timestamp, {@code startTimestamps[i]} (0 when
         * it has none), and each histogram's in {@link HistogramSamples#startTimestamp} (since
         * 1.3.0): what the decoder calls. A sample's start is its own {@code start_timestamp} (the
         * specification's newest revision), else the series' {@code createdTimestamp} (what older
         * senders send, also passed as is). The default drops the per-sample starts.
         */
        default void series(Labels labels, long[] timestamps, double[] values, long[] startTimestamps, int count, HistogramSamples histograms,
                            Exemplar[] exemplars, int exemplarCount, Metadata metadata, long createdTimestamp) throws Exception {
            series(labels, timestamps, values, count, histograms, exemplars, exemplarCount, metadata, createdTimestamp);
        }
    }

    private static final MetricType[] TYPES = {MetricType.UNKNOWN, MetricType.COUNTER, MetricType.GAUGE, MetricType.HISTOGRAM,
        MetricType.GAUGE_HISTOGRAM, MetricType.SUMMARY, MetricType.INFO, MetricType.STATESET};

    private String[] symbols = new String[256];
    private int symbolCount;
    private final FloatSamples samples = new FloatSamples();
    private Exemplar[] exemplars = new Exemplar[4];
    private final HistogramCodec histogramCodec = new HistogramCodec();
    private final HistogramSamples histograms = new HistogramSamples();

    public void decode(byte[] buf, int length, Sink sink) throws Exception {
        symbolCount = 0;
        ProtoReader r = new ProtoReader(buf, 0, length);
        while (r.hasMore()) {
            int tag = r.tag();
            if (tag == (4 << 3 | 2)) {
                if (symbolCount == symbols.length) {
                    symbols = Arrays.copyOf(symbols, symbolCount * 2);
                }
                symbols[symbolCount++] = r.string();
            } else if (tag >>> 3 >= 1 && tag >>> 3 <= 3) {
                // Fields of a 1.0 WriteRequest: the sender chose the wrong message for the content type.
                throw new ProtoException("field " + (tag >>> 3) + " is reserved in io.prometheus.write.v2.Request"
                        + " (a prometheus.WriteRequest sent as 2.0?)");
            } else {
                r.skip(tag);
            }
        }
        if (symbolCount > 0 && !symbols[0].isEmpty()) {
            throw new ProtoException("symbols table must start with an empty string, starts with \"" + symbols[0] + "\"");
        }
        r = new ProtoReader(buf, 0, length);
        int index = 0;
        while (r.hasMore()) {
            int tag = r.tag();
            if (tag == (5 << 3 | 2)) {
                int end = r.lengthDelimitedEnd();
                timeSeries(new ProtoReader(buf, r.position(), end), index++, sink);
                r.position(end);
            } else {
                r.skip(tag);
            }
        }
    }

    private void timeSeries(ProtoReader r, int index, Sink sink) throws Exception {
        int refCount = 0;
        samples.count = 0;
        int exemplarCount = 0;
        Metadata metadata = Metadata.UNKNOWN;
        long created = 0;
        histograms.clear();
        while (r.hasMore()) {
            int tag = r.tag();
            switch (tag) {
                case 1 << 3 | 2, 1 << 3 -> refCount = refs(r, tag, false, refCount);
                case 2 << 3 | 2 -> samples.read(r);
                case 3 << 3 | 2 -> {
                    int end = r.lengthDelimitedEnd();
                    histograms.add(histogramCodec, r.buffer(), r.position(), end);
                    r.position(end);
                }
                case 4 << 3 | 2 -> {
                    int end = r.lengthDelimitedEnd();
                    ProtoReader e = new ProtoReader(r.buffer(), r.position(), end);
                    int exemplarRefs = 0;
                    double v = 0;
                    long t = 0;
                    while (e.hasMore()) {
                        int et = e.tag();
                        switch (et) {
                            case 1 << 3 | 2, 1 << 3 -> exemplarRefs = refs(e, et, true, exemplarRefs);
                            case 2 << 3 | 1 -> v = e.fixed64AsDouble();
                            case 3 << 3 -> t = e.varint();
                            default -> e.skip(et);
                        }
                    }
                    r.position(end);
                    Labels el = resolve(exRefs, exemplarRefs, "timeseries " + index + " exemplar");
                    if (exemplarCount == exemplars.length) {
                        exemplars = Arrays.copyOf(exemplars, exemplarCount * 2);
                    }
                    exemplars[exemplarCount++] = new Exemplar(el, v, t, t != 0);
                }
                case 5 << 3 | 2 -> {
                    int end = r.lengthDelimitedEnd();
                    ProtoReader m = new ProtoReader(r.buffer(), r.position(), end);
                    long type = 0;
                    String help = "";
                    String unit = "";
                    while (m.hasMore()) {
                        int mt = m.tag();
                        switch (mt) {
                            case 1 << 3 -> type = m.varint();
                            case 3 << 3 -> help = symbol(m.varint(), "timeseries " + index + " metadata help_ref");
                            case 4 << 3 -> unit = symbol(m.varint(), "timeseries " + index + " metadata unit_ref");
                            default -> m.skip(mt);
                        }
                    }
                    r.position(end);
                    if (type < 0 || type >= TYPES.length) {
                        throw new ProtoException("timeseries " + index + ": unknown metadata type " + type);
                    }
                    metadata = new Metadata(TYPES[(int) type], help, unit);
                }
                case 6 << 3 -> created = r.varint();
                default -> r.skip(tag);
            }
        }
        Labels labels = resolve(seriesRefs, refCount, "timeseries " + index);
        if (samples.count > 0 && histograms.size() > 0) {
            throw new ProtoException("timeseries " + index + " (" + labels + ") has both samples and histograms;"
                    + " a 2.0 TimeSeries carries one kind");
        }
        if (created != 0) {
            for (int i = 0; i < samples.count; i++) {
                if (samples.starts[i] == 0) {
                    samples.starts[i] = created;
                }
            }
            histograms.defaultStart(created);
        }
        sink.series(labels, samples.timestamps, samples.values, samples.starts, samples.count, histograms, exemplars, exemplarCount,
                metadata, created);
    }

    private int[] seriesRefs = new int[32];
    private int[] exRefs = new int[8];

    /** Adds label references, packed or not, to the series' buffer or the exemplar's. */
    private int refs(ProtoReader r, int tag, boolean exemplar, int n) throws ProtoException {
        if ((tag & 7) == 0) {
            return addRef(exemplar, r.varint(), n);
        }
        int end = r.lengthDelimitedEnd();
        ProtoReader p = new ProtoReader(r.buffer(), r.position(), end);
        while (p.hasMore()) {
            n = addRef(exemplar, p.varint(), n);
        }
        r.position(end);
        return n;
    }

    private int addRef(boolean exemplar, long ref, int n) throws ProtoException {
        if (ref < 0 || ref > Integer.MAX_VALUE) {
            throw new ProtoException("labels_refs: reference " + ref + " out of range");
        }
        if (exemplar) {
            exRefs = n < exRefs.length ? exRefs : Arrays.copyOf(exRefs, n * 2);
            exRefs[n] = (int) ref;
        } else {
            seriesRefs = n < seriesRefs.length ? seriesRefs : Arrays.copyOf(seriesRefs, n * 2);
            seriesRefs[n] = (int) ref;
        }
        return n + 1;
    }

    /** Resolves name/value references: an even count, every one in the table, names neither empty nor repeated. */
    private Labels resolve(int[] refs, int n, String where) throws ProtoException {
        if (n % 2 != 0) {
            throw new ProtoException(where + ": odd number of labels_refs (" + n + "): a label name without a value");
        }
        Labels.Builder b = Labels.builder();
        for (int i = 0; i < n; i += 2) {
            String name = symbol(refs[i], where + " labels_refs");
            String value = symbol(refs[i + 1], where + " labels_refs");
            if (name.isEmpty()) {
                throw new ProtoException(where + ": invalid label: empty label name (value " + value + ")");
            }
            if (!b.get(name).isEmpty()) {
                throw new ProtoException(where + ": invalid labels: duplicate label name " + name);
            }
            b.set(name, value);
        }
        return b.build();
    }

    private String symbol(long ref, String where) throws ProtoException {
        if (ref < 0 || ref >= symbolCount) {
            throw new ProtoException(where + ": symbol reference " + ref + " out of range (the symbols table has " + symbolCount
                    + " entries)");
        }
        return symbols[(int) ref];
    }
}
