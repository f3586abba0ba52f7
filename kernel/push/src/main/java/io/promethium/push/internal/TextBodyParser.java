package io.promethium.push.internal;

import io.promethium.exposition.ExpositionException;
import io.promethium.exposition.ExpositionFormat;
import io.promethium.exposition.ExpositionParser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a pushed text-format (0.0.4) body into metric families the way the Pushgateway's text
 * parser does: a sample joins the family of its name, or the summary or histogram its
 * {@code _sum}/{@code _count}/{@code _bucket} suffix points at; summary quantiles and histogram
 * buckets with the same other labels form one metric; a {@code # TYPE} after the family's
 * samples, a second {@code # TYPE} or {@code # HELP} is an error; families without samples are
 * dropped. Lines are checked by the exposition parser; labels are kept as written, empty values
 * included.
 */
final class TextBodyParser {

    private TextBodyParser() {
    }

    private enum Part { PLAIN, SUM, COUNT, BUCKET }

    /** A family under construction. */
    private static final class Builder {
        final String name;
        FamilyType type = FamilyType.UNTYPED;
        boolean typeSet;
        String help;
        final List<PushedMetric> simple = new ArrayList<>();
        /** Summaries and histograms: one metric per label set without quantile/le. */
        final Map<List<LabelPair>, Complex> complex = new LinkedHashMap<>();

        Builder(String name) {
            this.name = name;
        }

        boolean hasMetrics() {
            return !simple.isEmpty() || !complex.isEmpty();
        }
    }

    private static final class Complex {
        final List<LabelPair> labels;
        double sum;
        double count;
        boolean hasTimestamp;
        long timestampMillis;
        final List<PushedMetric.Point> points = new ArrayList<>();

        Complex(List<LabelPair> labels) {
            this.labels = labels;
        }
    }

    static Map<String, MetricFamily> parse(byte[] body, int length) throws PushException {
        ExpositionParser p = ExpositionFormat.PROMETHEUS_TEXT_0_0_4.newParser(body, 0, length);
        Map<String, Builder> families = new LinkedHashMap<>();
        try {
            for (ExpositionParser.Entry e; (e = p.next()) != ExpositionParser.Entry.EOF; ) {
                switch (e) {
                    case TYPE -> {
                        String name = p.metricFamilyName();
                        Builder b = families.computeIfAbsent(name, Builder::new);
                        if (b.typeSet || b.hasMetrics()) {
                            throw error(p, "second TYPE line for metric name \"" + name + "\", or TYPE reported after samples");
                        }
                        b.type = FamilyType.ofText(p.type());
                        b.typeSet = true;
                    }
                    case HELP -> {
                        String name = p.metricFamilyName();
                        Builder b = families.computeIfAbsent(name, Builder::new);
                        if (b.help != null) {
                            throw error(p, "second HELP line for metric name \"" + name + "\"");
                        }
                        b.help = p.help();
                    }
                    case SERIES -> sample(p, families);
                    default -> {
                        // Other comments carry nothing.
                    }
                }
            }
        } catch (ExpositionException ex) {
            throw PushException.badRequest("text format parsing error in " + ex.getMessage());
        }
        Map<String, MetricFamily> result = new LinkedHashMap<>();
        for (Builder b : families.values()) {
            if (!b.hasMetrics()) {
                continue;
            }
            List<PushedMetric> metrics = new ArrayList<>(b.simple);
            for (Complex c : b.complex.values()) {
                metrics.add(new PushedMetric(c.labels, 0, c.sum, c.count, c.points, c.hasTimestamp, c.timestampMillis));
            }
            result.put(b.name, new MetricFamily(b.name, b.help, b.type, metrics));
        }
        return result;
    }

    private static void sample(ExpositionParser p, Map<String, Builder> families) throws PushException {
        String name = p.metricName();
        Builder b = families.get(name);
        Part part = Part.PLAIN;
        if (b == null) {
            String base = strip(name, "_sum", "_count");
            Builder candidate = base == null ? null : families.get(base);
            if (candidate != null && candidate.type == FamilyType.SUMMARY) {
                b = candidate;
                part = name.endsWith("_sum") ? Part.SUM : Part.COUNT;
            } else {
                base = strip(name, "_sum", "_count", "_bucket");
                candidate = base == null ? null : families.get(base);
                if (candidate != null && candidate.type == FamilyType.HISTOGRAM) {
                    b = candidate;
                    part = name.endsWith("_sum") ? Part.SUM : name.endsWith("_count") ? Part.COUNT : Part.BUCKET;
                } else {
                    b = new Builder(name);
                    families.put(name, b);
                }
            }
        }
        List<LabelPair> labels = new ArrayList<>();
        p.rawLabels((n, v) -> labels.add(new LabelPair(n, v)));
        double value = p.value();
        boolean ts = p.hasTimestamp();
        long millis = ts ? p.timestamp() : 0;
        switch (b.type) {
            case COUNTER, GAUGE, UNTYPED -> b.simple.add(new PushedMetric(labels, value, 0, 0, List.of(), ts, millis));
            case SUMMARY -> {
                Double rank = null;
                if (part == Part.PLAIN) {
                    rank = takeFloatLabel(p, labels, "quantile");
                    if (rank == null) {
                        throw error(p, "summary sample \"" + name + "\" has no quantile label");
                    }
                }
                Complex c = b.complex.computeIfAbsent(List.copyOf(labels), Complex::new);
                c.hasTimestamp |= ts;
                if (ts) {
                    c.timestampMillis = millis;
                }
                switch (part) {
                    case SUM -> c.sum = value;
                    case COUNT -> c.count = truncateCount(value);
                    default -> c.points.add(new PushedMetric.Point(rank, value));
                }
            }
            case HISTOGRAM -> {
                Double bound = null;
                if (part == Part.BUCKET || part == Part.PLAIN) {
                    bound = takeFloatLabel(p, labels, "le");
                    if (bound == null) {
                        throw error(p, "histogram bucket \"" + name + "\" has no le label");
                    }
                }
                Complex c = b.complex.computeIfAbsent(List.copyOf(labels), Complex::new);
                c.hasTimestamp |= ts;
                if (ts) {
                    c.timestampMillis = millis;
                }
                switch (part) {
                    case SUM -> c.sum = value;
                    case COUNT -> c.count = truncateCount(value);
                    default -> c.points.add(new PushedMetric.Point(bound, truncateCount(value)));
                }
            }
        }
    }

    /** Counts are unsigned integers in the Pushgateway's data model; fractions are cut off. */
    private static double truncateCount(double v) {
        return Double.isFinite(v) && v >= 0 ? Math.floor(v) : v;
    }

    private static Double takeFloatLabel(ExpositionParser p, List<LabelPair> labels, String name) throws PushException {
        for (int i = 0; i < labels.size(); i++) {
            if (labels.get(i).name().equals(name)) {
                String text = labels.remove(i).value();
                Double v = parseGoFloat(text);
                if (v == null) {
                    throw error(p, "expected float as value for '" + name + "' label, got \"" + text + "\"");
                }
                return v;
            }
        }
        return null;
    }

    /** Go's {@code strconv.ParseFloat}: decimal and the spellings of infinity and NaN. */
    static Double parseGoFloat(String text) {
        String t = text.strip();
        String lower = t.toLowerCase(java.util.Locale.ROOT);
        switch (lower) {
            case "+inf", "inf", "+infinity", "infinity" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf", "-infinity" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case "nan" -> {
                return Double.NaN;
            }
            default -> {
                if (t.isEmpty() || !t.equals(text) || lower.endsWith("d") || lower.endsWith("f")) {
                    return null;
                }
                try {
                    return Double.parseDouble(t);
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
    }

    private static String strip(String name, String... suffixes) {
        for (String s : suffixes) {
            if (name.endsWith(s)) {
                return name.substring(0, name.length() - s.length());
            }
        }
        return null;
    }

    private static PushException error(ExpositionParser p, String message) {
        return PushException.badRequest("text format parsing error in line " + p.lineNumber() + ": " + message);
    }
}
