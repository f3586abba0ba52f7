package io.promethium.exposition;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
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
 *
 * <p>Typed families (since 1.8.0, for a server's own {@code /metrics} as client_golang's encoder
 * writes it): {@link #family(String, MetricType, String, String)} with help and unit, then
 * {@link #value}, {@link #summary} or {@link #classicHistogram} per metric:
 *
 * <pre>
 * MetricFamily { ...; string unit = 5; }                  // COUNTER = 0, GAUGE = 1, SUMMARY = 2
 * Metric       { ...; Gauge gauge = 2; Counter counter = 3; Summary summary = 4; }
 * Counter      { double value = 1; Exemplar exemplar = 2; Timestamp created_timestamp = 3; }    Gauge, Untyped { double value = 1; }
 * Summary      { uint64 sample_count = 1; double sample_sum = 2; repeated Quantile quantile = 3; Timestamp created_timestamp = 4; }
 * Quantile     { double quantile = 1; double value = 2; }
 * Histogram    { ...; Timestamp created_timestamp = 15; }  Bucket { ...; Exemplar exemplar = 3; }
 * Exemplar     { repeated LabelPair label = 1; double value = 2; Timestamp timestamp = 3; }     Timestamp { int64 seconds = 1; int32 nanos = 2; }
 * </pre>
 *
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

    /**
     * Whether an {@code Accept} header mentions the delimited protobuf format anywhere.
     *
     * @deprecated whatever the weights; {@code ExpositionFormats.writerFor(accept) == PROMETHEUS_PROTO}
     *     negotiates as client_golang does
     */
    @Deprecated
    public static boolean accepts(String accept) {
        return accept != null && accept.contains("application/vnd.google.protobuf") && accept.contains("io.prometheus.client.MetricFamily")
                && accept.contains("delimited");
    }

    /**
     * The escaping an {@code Accept} header asks of the protobuf format, as client_golang's
     * {@code expfmt.Negotiate} answers: the {@code escaping=} parameter ({@link ExpositionFormats#escapingFor}),
     * else {@code underscores}.
     */
    public static NameEscaping escapingFor(String accept) {
        NameEscaping asked = ExpositionFormats.escapingFor(accept);
        return asked == null ? NameEscaping.UNDERSCORES : asked;
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

    /**
     * Starts a typed family with its help and unit; the previous one is written out. Info and
     * stateset families are gauges here, as in the text format. Since 1.8.0.
     */
    public void family(String name, MetricType type, String help, String unit) throws IOException {
        flush();
        family.stringField(1, escaping == NameEscaping.ALLOW_UTF8 || Names.isLegacyMetricName(name) ? name
                : Names.escape(name, escaping, true));
        if (help != null && !help.isEmpty()) {
            family.stringField(2, help);
        }
        family.int64Field(3, protoType(type));
        if (unit != null && !unit.isEmpty()) {
            family.stringField(5, unit);
        }
    }

    private static int protoType(MetricType type) {
        return switch (type) {
            case COUNTER -> 0;
            case GAUGE, INFO, STATESET -> 1;
            case SUMMARY -> 2;
            case UNKNOWN -> 3;
            case HISTOGRAM -> 4;
            case GAUGE_HISTOGRAM -> 5;
        };
    }

    /**
     * A counter, gauge or untyped metric of the current typed family ({@code type} as the family's):
     * its value, and for a counter an exemplar and a created time in seconds (NaN: none). Since 1.8.0.
     */
    public void value(Labels labels, MetricType type, double value, Exemplar exemplar, double createdSeconds, boolean hasTimestamp,
            long t) {
        int m = family.beginMessage(4);
        labels(labels);
        int field = switch (type) {
            case COUNTER -> 3;
            case UNKNOWN -> 5;
            default -> 2;
        };
        int v = family.beginMessage(field);
        family.doubleField(1, value);
        if (type == MetricType.COUNTER) {
            if (exemplar != null) {
                exemplar(2, exemplar);
            }
            created(3, createdSeconds);
        }
        endMetric(v, m, hasTimestamp, t);
    }

    /**
     * A summary of the current typed family: count, sum, the first {@code n} quantiles with their
     * values, a created time in seconds (NaN: none). Since 1.8.0.
     */
    public void summary(Labels labels, double count, double sum, double[] quantiles, double[] values, int n, double createdSeconds,
            boolean hasTimestamp, long t) {
        int m = family.beginMessage(4);
        labels(labels);
        int sm = family.beginMessage(4);
        family.int64Field(1, (long) count);
        family.doubleField(2, sum);
        for (int i = 0; i < n; i++) {
            int q = family.beginMessage(3);
            family.doubleField(1, quantiles[i]);
            family.doubleField(2, values[i]);
            family.endMessage(q);
        }
        created(4, createdSeconds);
        endMetric(sm, m, hasTimestamp, t);
    }

    /**
     * A classic histogram of the current typed family: count, sum, the first {@code n} buckets
     * (upper bound, cumulative count, exemplar or null), a created time in seconds (NaN: none).
     * Counts that are not whole numbers go in the float fields. Since 1.8.0.
     */
    public void classicHistogram(Labels labels, double count, double sum, double[] bounds, double[] cumulative, Exemplar[] exemplars,
            int n, double createdSeconds, boolean hasTimestamp, long t) {
        int m = family.beginMessage(4);
        labels(labels);
        int hm = family.beginMessage(7);
        count(1, 4, count);
        family.doubleField(2, sum);
        for (int i = 0; i < n; i++) {
            int b = family.beginMessage(3);
            count(1, 4, cumulative[i]);
            family.doubleField(2, bounds[i]);
            if (exemplars != null && exemplars[i] != null) {
                exemplar(3, exemplars[i]);
            }
            family.endMessage(b);
        }
        created(15, createdSeconds);
        endMetric(hm, m, hasTimestamp, t);
    }

    /** Ends a metric's typed message, then the metric with its timestamp when it has one. */
    private void endMetric(int typed, int metric, boolean hasTimestamp, long t) {
        family.endMessage(typed);
        if (hasTimestamp) {
            family.int64Field(6, t);
        }
        family.endMessage(metric);
    }

    /** A count as the {@code uint64} field when it is a whole number a double holds exactly, else as the {@code double} one. */
    private void count(int integerField, int floatField, double v) {
        if (v >= 0 && v <= 0x1p53 && v == Math.rint(v)) {
            family.int64Field(integerField, (long) v);
        } else {
            family.doubleField(floatField, v);
        }
    }

    private void created(int field, double seconds) {
        if (!Double.isNaN(seconds)) {
            timestamp(field, Math.round(seconds * 1000));
        }
    }

    private void timestamp(int field, long millis) {
        int ts = family.beginMessage(field);
        family.int64Field(1, Math.floorDiv(millis, 1000));
        family.int64Field(2, Math.floorMod(millis, 1000) * 1_000_000L);
        family.endMessage(ts);
    }

    private void exemplar(int field, Exemplar e) {
        int x = family.beginMessage(field);
        labels(e.labels());
        family.doubleField(2, e.value());
        if (e.hasTimestamp()) {
            timestamp(3, e.timestamp());
        }
        family.endMessage(x);
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
