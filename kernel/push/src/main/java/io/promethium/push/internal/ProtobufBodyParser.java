package io.promethium.push.internal;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the length-delimited protobuf format client libraries push
 * ({@code application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited}):
 * a sequence of varint-length-prefixed {@code MetricFamily} messages of Prometheus's
 * {@code metrics.proto}, decoded field by field without a protobuf library. Unknown fields are
 * skipped as protobuf requires; exemplars, created timestamps and the native parts of a histogram
 * that also has classic buckets (client_java sends both by default) are read past, since the text
 * page cannot carry them (the Pushgateway's text page does not show them either); a native-only
 * histogram is refused.
 * A later family of the same name replaces an earlier one, as in the Pushgateway.
 */
final class ProtobufBodyParser {

    private final byte[] buf;
    private int pos;

    private ProtobufBodyParser(byte[] buf) {
        this.buf = buf;
    }

    static boolean isDelimitedProtobuf(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].strip().equalsIgnoreCase("application/vnd.google.protobuf")) {
            return false;
        }
        boolean delimited = false;
        boolean proto = false;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip();
            int eq = p.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = p.substring(0, eq).strip().toLowerCase(java.util.Locale.ROOT);
            String value = p.substring(eq + 1).strip();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            delimited |= key.equals("encoding") && value.equals("delimited");
            proto |= key.equals("proto") && value.equals("io.prometheus.client.MetricFamily");
        }
        return delimited && proto;
    }

    static Map<String, MetricFamily> parse(byte[] body, int length) throws PushException {
        ProtobufBodyParser r = new ProtobufBodyParser(body);
        Map<String, MetricFamily> result = new LinkedHashMap<>();
        int index = 0;
        while (r.pos < length) {
            int start = r.pos;
            long size = r.varint(length);
            if (size < 0 || size > length - r.pos) {
                throw PushException.badRequest("protobuf: metric family " + index + " at byte " + start
                        + " declares " + size + " bytes, only " + (length - r.pos) + " remain");
            }
            int end = r.pos + (int) size;
            MetricFamily f = r.family(end, index);
            result.put(f.name(), f);
            r.pos = end;
            index++;
        }
        return result;
    }

    private MetricFamily family(int end, int index) throws PushException {
        String name = "";
        String help = null;
        int type = 0;
        List<int[]> metricRanges = new ArrayList<>();
        while (pos < end) {
            long tag = varint(end);
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            switch (field) {
                case 1 -> name = string(end, wire, "MetricFamily.name");
                case 2 -> help = string(end, wire, "MetricFamily.help");
                case 3 -> type = (int) varintField(end, wire, "MetricFamily.type");
                case 4 -> metricRanges.add(message(end, wire, "MetricFamily.metric"));
                default -> skip(end, wire);
            }
        }
        if (name.isEmpty()) {
            throw PushException.badRequest("protobuf: metric family " + index + " has no name");
        }
        FamilyType familyType = FamilyType.ofProto(type);
        List<PushedMetric> metrics = new ArrayList<>(metricRanges.size());
        for (int[] range : metricRanges) {
            pos = range[0];
            metrics.add(metric(range[1], name, familyType));
        }
        pos = end;
        return new MetricFamily(name, help, familyType, metrics);
    }

    private PushedMetric metric(int end, String family, FamilyType type) throws PushException {
        List<LabelPair> labels = new ArrayList<>();
        boolean hasTimestamp = false;
        int[] valueRange = null;
        int valueField = -1;
        while (pos < end) {
            long tag = varint(end);
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            switch (field) {
                case 1 -> {
                    int[] r = message(end, wire, "Metric.label");
                    int save = pos;
                    pos = r[0];
                    labels.add(labelPair(r[1]));
                    pos = save;
                }
                case 2, 3, 4, 5, 7 -> {
                    valueRange = message(end, wire, "Metric value");
                    valueField = field;
                }
                case 6 -> {
                    varintField(end, wire, "Metric.timestamp_ms");
                    hasTimestamp = true;
                }
                default -> skip(end, wire);
            }
        }
        int expected = switch (type) {
            case GAUGE -> 2;
            case COUNTER -> 3;
            case SUMMARY -> 4;
            case UNTYPED -> 5;
            case HISTOGRAM -> 7;
        };
        if (valueField != expected) {
            throw PushException.rejected("collected metric \"" + family + "\" " + labels + " is not a " + type.name());
        }
        int save = pos;
        pos = valueRange[0];
        PushedMetric m = switch (type) {
            case GAUGE, COUNTER, UNTYPED -> PushedMetric.simple(labels, singleValue(valueRange[1]), hasTimestamp);
            case SUMMARY -> summary(valueRange[1], labels, hasTimestamp);
            case HISTOGRAM -> histogram(valueRange[1], labels, hasTimestamp, family);
        };
        pos = save;
        return m;
    }

    private LabelPair labelPair(int end) throws PushException {
        String name = "";
        String value = "";
        while (pos < end) {
            long tag = varint(end);
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            switch (field) {
                case 1 -> name = string(end, wire, "LabelPair.name");
                case 2 -> value = string(end, wire, "LabelPair.value");
                default -> skip(end, wire);
            }
        }
        return new LabelPair(name, value);
    }

    /** Gauge, Counter and Untyped keep their value in field 1. */
    private double singleValue(int end) throws PushException {
        double v = 0;
        while (pos < end) {
            long tag = varint(end);
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (field == 1) {
                v = doubleField(end, wire, "value");
            } else {
                skip(end, wire);
            }
        }
        return v;
    }

    private PushedMetric summary(int end, List<LabelPair> labels, boolean ts) throws PushException {
        double count = 0;
        double sum = 0;
        List<PushedMetric.Point> quantiles = new ArrayList<>();
        while (pos < end) {
            long tag = varint(end);
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            switch (field) {
                case 1 -> count = unsigned(varintField(end, wire, "Summary.sample_count"));
                case 2 -> sum = doubleField(end, wire, "Summary.sample_sum");
                case 3 -> {
                    int[] r = message(end, wire, "Summary.quantile");
                    int save = pos;
                    pos = r[0];
                    double q = 0;
                    double v = 0;
                    while (pos < r[1]) {
                        long t = varint(r[1]);
                        int f = (int) (t >>> 3);
                        int w = (int) (t & 7);
                        if (f == 1) {
                            q = doubleField(r[1], w, "Quantile.quantile");
                        } else if (f == 2) {
                            v = doubleField(r[1], w, "Quantile.value");
                        } else {
                            skip(r[1], w);
                        }
                    }
                    quantiles.add(new PushedMetric.Point(q, v));
                    pos = save;
                }
                default -> skip(end, wire);
            }
        }
        return new PushedMetric(labels, 0, sum, count, quantiles, ts);
    }

    private PushedMetric histogram(int end, List<LabelPair> labels, boolean ts, String family) throws PushException {
        double count = 0;
        double countFloat = 0;
        double sum = 0;
        boolean nativeParts = false;
        List<PushedMetric.Point> buckets = new ArrayList<>();
        while (pos < end) {
            long tag = varint(end);
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            switch (field) {
                case 1 -> count = unsigned(varintField(end, wire, "Histogram.sample_count"));
                case 4 -> countFloat = doubleField(end, wire, "Histogram.sample_count_float");
                case 2 -> sum = doubleField(end, wire, "Histogram.sample_sum");
                case 3 -> {
                    int[] r = message(end, wire, "Histogram.bucket");
                    int save = pos;
                    pos = r[0];
                    double upper = 0;
                    double cumulative = 0;
                    double cumulativeFloat = 0;
                    while (pos < r[1]) {
                        long t = varint(r[1]);
                        int f = (int) (t >>> 3);
                        int w = (int) (t & 7);
                        switch (f) {
                            case 1 -> cumulative = unsigned(varintField(r[1], w, "Bucket.cumulative_count"));
                            case 4 -> cumulativeFloat = doubleField(r[1], w, "Bucket.cumulative_count_float");
                            case 2 -> upper = doubleField(r[1], w, "Bucket.upper_bound");
                            default -> skip(r[1], w);
                        }
                    }
                    buckets.add(new PushedMetric.Point(upper, cumulativeFloat > 0 ? cumulativeFloat : cumulative));
                    pos = save;
                }
                case 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 -> {
                    nativeParts = true;
                    skip(end, wire);
                }
                default -> skip(end, wire);
            }
        }
        if (nativeParts && buckets.isEmpty()) {
            throw PushException.badRequest("protobuf: histogram \"" + family + "\" " + ConsistencyCheck.text(labels)
                    + " is a native histogram without classic buckets; the push endpoint stores classic histograms only");
        }
        return new PushedMetric(labels, 0, sum, countFloat > 0 ? countFloat : count, buckets, ts);
    }

    private static double unsigned(long v) {
        return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
    }

    private long varint(int end) throws PushException {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw truncated();
            }
            byte b = buf[pos++];
            result |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw PushException.badRequest("protobuf: malformed varint at byte " + pos);
    }

    private long varintField(int end, int wire, String what) throws PushException {
        expectWire(wire, 0, what);
        return varint(end);
    }

    private double doubleField(int end, int wire, String what) throws PushException {
        expectWire(wire, 1, what);
        if (end - pos < 8) {
            throw truncated();
        }
        long bits = 0;
        for (int i = 7; i >= 0; i--) {
            bits = (bits << 8) | (buf[pos + i] & 0xffL);
        }
        pos += 8;
        return Double.longBitsToDouble(bits);
    }

    /** A length-delimited field: returns {start, end} and moves past it. */
    private int[] message(int end, int wire, String what) throws PushException {
        expectWire(wire, 2, what);
        long len = varint(end);
        if (len < 0 || len > end - pos) {
            throw truncated();
        }
        int[] r = {pos, pos + (int) len};
        pos += (int) len;
        return r;
    }

    private String string(int end, int wire, String what) throws PushException {
        int[] r = message(end, wire, what);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(buf, r[0], r[1] - r[0])).toString();
        } catch (CharacterCodingException e) {
            throw PushException.badRequest("protobuf: " + what + " at byte " + r[0] + " is not valid UTF-8");
        }
    }

    private void skip(int end, int wire) throws PushException {
        switch (wire) {
            case 0 -> varint(end);
            case 1 -> advance(end, 8);
            case 2 -> {
                long len = varint(end);
                if (len < 0 || len > end - pos) {
                    throw truncated();
                }
                pos += (int) len;
            }
            case 5 -> advance(end, 4);
            default -> throw PushException.badRequest("protobuf: unsupported wire type " + wire + " at byte " + pos);
        }
    }

    private void advance(int end, int n) throws PushException {
        if (end - pos < n) {
            throw truncated();
        }
        pos += n;
    }

    private void expectWire(int wire, int expected, String what) throws PushException {
        if (wire != expected) {
            throw PushException.badRequest("protobuf: " + what + " has wire type " + wire + ", expected " + expected + " (byte " + pos + ")");
        }
    }

    private PushException truncated() {
        return PushException.badRequest("protobuf: message truncated at byte " + pos);
    }
}
