package io.promethium.web.internal.metrics;

import com.fasterxml.jackson.core.JsonGenerator;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.promethium.goformat.GoFloat;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The server's own metric families as Prometheus 3's {@code /api/v1/status/self_metrics} answers
 * them: each family as client_model's {@code MetricFamily} in protobuf's JSON mapping (protojson:
 * enum names, 64-bit counts as strings, {@code NaN}/{@code Infinity} as strings), families by
 * name and series by labels as a registry's {@code Gather} sorts them. A classic histogram's
 * {@code _bucket}/{@code _sum}/{@code _count} samples (and a summary's quantiles) become one
 * metric; the {@code +Inf} bucket is left out, as client_golang leaves it implicit in the count;
 * info and state-set families are gauges, as in the text format.
 * Collects into memory (a few hundred families): the endpoint is for the status page, not a hot path.
 */
final class SelfMetrics implements MetricWriter {

    private record Family(String name, MetricType type, String help, String unit, Map<Labels, Metric> metrics) {
    }

    /** One series of a family: a value, or a histogram's or summary's parts. */
    private static final class Metric {
        double value = Double.NaN;
        double sum;
        double count;
        final Map<Double, Double> parts = new TreeMap<>();
    }

    private final Map<String, Family> families = new TreeMap<>();
    private final Map<String, Family> bySampleName = new LinkedHashMap<>();

    @Override
    public void family(String name, MetricType type, String help, String unit) {
        Family f = families.computeIfAbsent(name, n -> new Family(n, type, help == null ? "" : help, unit == null ? "" : unit,
                new TreeMap<>()));
        bySampleName.put(name, f);
        switch (type) {
            case COUNTER -> bySampleName.put(name + "_total", f);
            case INFO -> bySampleName.put(name + "_info", f);
            case HISTOGRAM, GAUGE_HISTOGRAM, SUMMARY -> {
                bySampleName.put(name + "_bucket", f);
                bySampleName.put(name + "_sum", f);
                bySampleName.put(name + "_count", f);
            }
            default -> {
            }
        }
    }

    @Override
    public void sample(String name, Labels labels, double value) {
        Family f = bySampleName.get(name);
        if (f == null) {
            f = families.computeIfAbsent(name, n -> new Family(n, MetricType.UNKNOWN, "", "", new TreeMap<>()));
            bySampleName.put(name, f);
        }
        boolean histogram = f.type() == MetricType.HISTOGRAM || f.type() == MetricType.GAUGE_HISTOGRAM;
        boolean summary = f.type() == MetricType.SUMMARY;
        if (!histogram && !summary) {
            f.metrics().computeIfAbsent(labels, l -> new Metric()).value = value;
            return;
        }
        String part = histogram ? "le" : "quantile";
        String bound = labels.get(part);
        Labels series = bound == null ? labels : labels.toBuilder().remove(part).build();
        Metric m = f.metrics().computeIfAbsent(series, l -> new Metric());
        if (name.endsWith("_sum") && !name.equals(f.name())) {
            m.sum = value;
        } else if (name.endsWith("_count") && !name.equals(f.name())) {
            m.count = value;
        } else if (bound != null) {
            double b = parseBound(bound);
            if (!(histogram && b == Double.POSITIVE_INFINITY)) {
                m.parts.put(b, value);
            }
        }
    }

    private static double parseBound(String s) {
        return switch (s) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    /** Writes the families whose name matches {@code filter} (null: all) as a JSON array. */
    void write(JsonGenerator g, java.util.regex.Pattern filter) throws IOException {
        g.writeStartArray();
        for (Family f : families.values()) {
            if (f.metrics().isEmpty() || filter != null && !filter.matcher(f.name()).matches()) {
                continue;
            }
            g.writeStartObject();
            g.writeStringField("name", f.name());
            g.writeStringField("help", f.help());
            g.writeStringField("type", typeName(f.type()));
            g.writeArrayFieldStart("metric");
            for (Map.Entry<Labels, Metric> e : f.metrics().entrySet()) {
                writeMetric(g, f.type(), e.getKey(), e.getValue());
            }
            g.writeEndArray();
            if (!f.unit().isEmpty()) {
                g.writeStringField("unit", f.unit());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void writeMetric(JsonGenerator g, MetricType type, Labels labels, Metric m) throws IOException {
        g.writeStartObject();
        if (!labels.isEmpty()) {
            g.writeArrayFieldStart("label");
            for (int i = 0; i < labels.size(); i++) {
                g.writeStartObject();
                g.writeStringField("name", labels.name(i));
                g.writeStringField("value", labels.value(i));
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        switch (type) {
            case COUNTER -> value(g, "counter", m.value);
            case GAUGE, INFO, STATESET -> value(g, "gauge", m.value);
            case SUMMARY -> {
                g.writeObjectFieldStart("summary");
                g.writeStringField("sampleCount", Long.toString((long) m.count));
                number(g, "sampleSum", m.sum);
                if (!m.parts.isEmpty()) {
                    g.writeArrayFieldStart("quantile");
                    for (Map.Entry<Double, Double> q : m.parts.entrySet()) {
                        g.writeStartObject();
                        number(g, "quantile", q.getKey());
                        number(g, "value", q.getValue());
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            case HISTOGRAM, GAUGE_HISTOGRAM -> {
                g.writeObjectFieldStart("histogram");
                g.writeStringField("sampleCount", Long.toString((long) m.count));
                number(g, "sampleSum", m.sum);
                if (!m.parts.isEmpty()) {
                    g.writeArrayFieldStart("bucket");
                    for (Map.Entry<Double, Double> b : m.parts.entrySet()) {
                        g.writeStartObject();
                        g.writeStringField("cumulativeCount", Long.toString(b.getValue().longValue()));
                        number(g, "upperBound", b.getKey());
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            default -> value(g, "untyped", m.value);
        }
        g.writeEndObject();
    }

    private static void value(JsonGenerator g, String field, double v) throws IOException {
        g.writeObjectFieldStart(field);
        number(g, "value", v);
        g.writeEndObject();
    }

    /** A double as protojson writes it: encoding/json's form, or a string for NaN and the infinities. */
    private static void number(JsonGenerator g, String field, double v) throws IOException {
        if (Double.isNaN(v)) {
            g.writeStringField(field, "NaN");
        } else if (Double.isInfinite(v)) {
            g.writeStringField(field, v > 0 ? "Infinity" : "-Infinity");
        } else {
            String s = GoFloat.formatJson(v);
            int e = s.indexOf("e-0");
            // encoding/json (and protojson) write e-7 where strconv writes e-07.
            g.writeFieldName(field);
            g.writeRawValue(e > 0 && s.length() == e + 4 ? s.substring(0, e + 2) + s.charAt(e + 3) : s);
        }
    }

    private static String typeName(MetricType type) {
        return switch (type) {
            case COUNTER -> "COUNTER";
            case GAUGE, INFO, STATESET -> "GAUGE"; // as the text format 0.0.4 exposes them
            case SUMMARY -> "SUMMARY";
            case HISTOGRAM -> "HISTOGRAM";
            case GAUGE_HISTOGRAM -> "GAUGE_HISTOGRAM";
            default -> "UNTYPED";
        };
    }
}
