package io.promethium.exposition;

import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.exposition.internal.Names;
import io.promethium.remote.wire.ProtoWriter;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes the protobuf exposition format (delimited {@code io.prometheus.client.MetricFamily}
 * messages), the one format that carries native histograms, as Prometheus 3 federates them:
 *
 * <pre>
 * MetricFamily { string name = 1; string help = 2; MetricType type = 3; repeated Metric metric = 4; }   // UNTYPED = 3, HISTOGRAM = 4, GAUGE_HISTOGRAM = 5
 * Metric       { repeated LabelPair label = 1; Untyped untyped = 5; Histogram histogram = 7; int64 timestamp_ms = 6; }
 * Histogram    { uint64 sample_count = 1; double sample_count_float = 4; double sample_sum = 2; repeated Bucket bucket = 3;
 *                sint32 schema = 5; double zero_threshold = 6; uint64 zero_count = 7; double zero_count_float = 8;
 *                repeated BucketSpan negative_span = 9; repeated sint64 negative_delta = 10; repeated double negative_count = 11;
 *                repeated BucketSpan positive_span = 12; repeated sint64 positive_delta = 13; repeated double positive_count = 14; }
 * Bucket       { uint64 cumulative_count = 1; double cumulative_count_float = 4; double upper_bound = 2; }
 * </pre>
 *
 * A custom-buckets histogram (schema -53) has no native form in this format: it goes as classic
 * cumulative buckets with its bounds (and +Inf). Names outside the legacy character set are
 * escaped as the {@code escaping=} parameter asks (client_golang's {@code EscapeMetricFamily});
 * {@code __name__} is the family's name, never a label pair, as in Prometheus's {@code /federate}.
 * One writer per response; buffers are reused.
 */
public final class ProtobufFamilyWriter {
    private static final String MEDIA_TYPE = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

    private final OutputStream out;
    private final NameEscaping escaping;
    private final ProtoWriter family = new ProtoWriter();
    private final byte[] lengthBuf = new byte[10];
    private long[] deltas = new long[16];
    private double[] counts = new double[16];

    /** {@code escaping}: how names outside the legacy set are written ({@link #escapingFor}). */
    public ProtobufFamilyWriter(OutputStream out, NameEscaping escaping) {
        this.out = out;
        this.escaping = java.util.Objects.requireNonNull(escaping, "escaping is null");
    }

    /** Whether an {@code Accept} header asks for the delimited protobuf format. */
    public static boolean accepts(String accept) {
        return accept != null && accept.contains("application/vnd.google.protobuf") && accept.contains("io.prometheus.client.MetricFamily")
                && accept.contains("delimited");
    }

    /**
     * The escaping an {@code Accept} header asks of the protobuf format: its {@code escaping=}
     * parameter, else {@code underscores}, as client_golang's {@code expfmt.Negotiate} answers.
     */
    public static NameEscaping escapingFor(String accept) {
        if (accept != null) {
            for (String part : accept.split(",")) {
                if (accepts(part)) {
                    for (String param : part.split(";")) {
                        String[] kv = param.strip().split("=", 2);
                        if (kv.length == 2 && kv[0].strip().equals("escaping")) {
                            NameEscaping asked = NameEscaping.fromHeaderValue(kv[1].strip());
                            if (asked != null) {
                                return asked;
                            }
                        }
                    }
                }
            }
        }
        return NameEscaping.UNDERSCORES;
    }

    /** The {@code Content-Type} of what this writer produces, with its escaping. */
    public String contentType() {
        return contentType(escaping);
    }

    /** The {@code Content-Type} of what a writer with {@code escaping} produces. Since 1.6.0. */
    public static String contentType(NameEscaping escaping) {
        return MEDIA_TYPE + "; escaping=" + escaping.headerValue();
    }

    /** Starts a family; the previous one is written out. {@code histogram}: a (gauge) histogram family, else untyped. */
    public void family(String name, boolean histogram, boolean gauge) throws IOException {
        flush();
        family.stringField(1, escaping == NameEscaping.ALLOW_UTF8 || Names.isLegacyMetricName(name) ? name
                : Names.escape(name, escaping, true));
        family.int64Field(3, histogram ? (gauge ? 5 : 4) : 3);
    }

    /** A float sample of the current family; {@code labels}' {@code __name__} is not written. */
    public void sample(Labels labels, double value, long t) {
        int m = family.beginMessage(4);
        labels(labels);
        int u = family.beginMessage(5);
        family.doubleField(1, value);
        family.endMessage(u);
        family.int64Field(6, t);
        family.endMessage(m);
    }

    /** A native histogram sample ({@link Histogram} or {@link FloatHistogram}) of the current family. */
    public void histogram(Labels labels, Object h, long t) {
        int m = family.beginMessage(4);
        labels(labels);
        int hm = family.beginMessage(7);
        if (h instanceof Histogram ih) {
            integer(ih);
        } else {
            floats((FloatHistogram) h);
        }
        family.endMessage(hm);
        family.int64Field(6, t);
        family.endMessage(m);
    }

    private void integer(Histogram h) {
        family.int64Field(1, h.count());
        family.doubleField(2, h.sum());
        if (h.usesCustomBuckets()) {
            long cumulative = 0;
            long[] perBucket = bucketCounts(h);
            for (int i = 0; i <= h.customValueCount(); i++) {
                cumulative += perBucket[i];
                int b = family.beginMessage(3);
                family.int64Field(1, cumulative);
                family.doubleField(2, i < h.customValueCount() ? h.customValue(i) : Double.POSITIVE_INFINITY);
                family.endMessage(b);
            }
            return;
        }
        family.sint64Field(5, h.schema());
        family.doubleField(6, h.zeroThreshold());
        family.int64Field(7, h.zeroCount());
        spans(9, h.negativeSpans());
        int n = h.negativeBucketCount();
        deltas = n <= deltas.length ? deltas : new long[n];
        for (int i = 0; i < n; i++) {
            deltas[i] = h.negativeDelta(i);
        }
        family.packedSint64(10, deltas, n);
        spans(12, h.positiveSpans());
        n = h.positiveBucketCount();
        deltas = n <= deltas.length ? deltas : new long[n];
        for (int i = 0; i < n; i++) {
            deltas[i] = h.positiveDelta(i);
        }
        family.packedSint64(13, deltas, n);
    }

    private void floats(FloatHistogram h) {
        family.doubleField(4, h.count());
        family.doubleField(2, h.sum());
        if (h.usesCustomBuckets()) {
            double cumulative = 0;
            double[] perBucket = bucketCounts(h);
            for (int i = 0; i <= h.customValueCount(); i++) {
                cumulative += perBucket[i];
                int b = family.beginMessage(3);
                family.doubleField(4, cumulative);
                family.doubleField(2, i < h.customValueCount() ? h.customValue(i) : Double.POSITIVE_INFINITY);
                family.endMessage(b);
            }
            return;
        }
        family.sint64Field(5, h.schema());
        family.doubleField(6, h.zeroThreshold());
        family.doubleField(8, h.zeroCount());
        spans(9, h.negativeSpans());
        int n = h.negativeBucketCount();
        counts = n <= counts.length ? counts : new double[n];
        for (int i = 0; i < n; i++) {
            counts[i] = h.negativeBucket(i);
        }
        family.packedDoubles(11, counts, n);
        spans(12, h.positiveSpans());
        n = h.positiveBucketCount();
        counts = n <= counts.length ? counts : new double[n];
        for (int i = 0; i < n; i++) {
            counts[i] = h.positiveBucket(i);
        }
        family.packedDoubles(14, counts, n);
    }

    /** Each custom bucket's own count (index = bound index; the last is +Inf), from the spans. */
    private static long[] bucketCounts(Histogram h) {
        long[] out = new long[h.customValueCount() + 1];
        int[] indexes = h.positiveSpans().indexes(null);
        long current = 0;
        for (int i = 0; i < h.positiveBucketCount(); i++) {
            current += h.positiveDelta(i);
            if (indexes[i] >= 0 && indexes[i] < out.length) {
                out[indexes[i]] = current;
            }
        }
        return out;
    }

    private static double[] bucketCounts(FloatHistogram h) {
        double[] out = new double[h.customValueCount() + 1];
        int[] indexes = h.positiveSpans().indexes(null);
        for (int i = 0; i < h.positiveBucketCount(); i++) {
            if (indexes[i] >= 0 && indexes[i] < out.length) {
                out[indexes[i]] = h.positiveBucket(i);
            }
        }
        return out;
    }

    private void spans(int field, HistogramSpans spans) {
        for (int s = 0; s < spans.count(); s++) {
            int m = family.beginMessage(field);
            family.sint64Field(1, spans.offset(s));
            family.int64Field(2, spans.length(s));
            family.endMessage(m);
        }
    }

    private void labels(Labels labels) {
        for (int i = 0; i < labels.size(); i++) {
            String name = labels.name(i);
            if (name.equals(Labels.METRIC_NAME)) {
                continue;
            }
            int l = family.beginMessage(1);
            family.stringField(1, escaping == NameEscaping.ALLOW_UTF8 || Names.isLegacyLabelName(name) ? name
                    : Names.escape(name, escaping, false));
            family.stringField(2, labels.value(i));
            family.endMessage(l);
        }
    }

    /** Writes the family being built, length-delimited; call once at the end. */
    public void flush() throws IOException {
        if (family.size() == 0) {
            return;
        }
        int n = 0;
        long v = family.size();
        while (v >= 0x80) {
            lengthBuf[n++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        lengthBuf[n++] = (byte) v;
        out.write(lengthBuf, 0, n);
        out.write(family.buffer(), 0, family.size());
        family.reset();
    }
}
