package io.promethium.exposition;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The protobuf exposition format behind {@link ExpositionWriter}: the samples a collector writes
 * (named with their suffixes, classic histograms as {@code _bucket} series) are gathered per
 * family and written as typed {@code MetricFamily} messages, as client_golang's encoder writes a
 * registry: a counter's {@code x_total} as a Counter (the family named {@code x_total}, as the
 * text format names it), a summary's quantiles with its {@code _count} and {@code _sum} as one
 * Summary per label set, a histogram's {@code _bucket}/{@code _count}/{@code _sum} (a gauge
 * histogram's {@code _gcount}/{@code _gsum}) as one Histogram without its {@code +Inf} bucket
 * (client_golang leaves it implicit in the count, and a reader adds it back), {@code _created} as
 * the created timestamp. A sample that does not fit its family's shape is written as an untyped family of
 * its own name, so nothing is dropped. Encoding is {@link ProtobufFamilyWriter}'s. Not thread-safe.
 */
final class ProtobufExpositionWriter implements ExpositionWriter {

    private final ProtobufFamilyWriter out;
    private final OutputStream stream;
    private final String contentType;

    private String name;
    private MetricType type;
    private String help;
    private String unit;
    /** The family's name as written: a counter's {@code _total} (an info's {@code _info}) sample name when it has one. */
    private String writtenName;
    private final Map<Labels, Metric> metrics = new LinkedHashMap<>();
    /** Samples outside the family's shape, by name, each written as an untyped family after it. */
    private final Map<String, List<Metric>> strays = new LinkedHashMap<>();

    ProtobufExpositionWriter(OutputStream stream, NameEscaping escaping) {
        this.stream = Objects.requireNonNull(stream, "stream is null");
        this.out = new ProtobufFamilyWriter(stream, escaping);
        this.contentType = out.contentType();
    }

    /** One metric of a family: a label set's value or parts. */
    private static final class Metric {
        final Labels labels;
        double value;
        Exemplar exemplar;
        double created = Double.NaN;
        double count;
        boolean hasCount;
        double sum;
        boolean hasTimestamp;
        long timestamp;
        double[] points = new double[8];
        double[] values = new double[8];
        Exemplar[] exemplars;
        int n;

        Metric(Labels labels) {
            this.labels = labels;
        }

        void point(double at, double v, Exemplar e) {
            if (n == points.length) {
                points = java.util.Arrays.copyOf(points, n * 2);
                values = java.util.Arrays.copyOf(values, n * 2);
                if (exemplars != null) {
                    exemplars = java.util.Arrays.copyOf(exemplars, n * 2);
                }
            }
            if (e != null && exemplars == null) {
                exemplars = new Exemplar[points.length];
            }
            points[n] = at;
            values[n] = v;
            if (exemplars != null) {
                exemplars[n] = e;
            }
            n++;
        }

        void time(boolean has, long t) {
            if (has) {
                hasTimestamp = true;
                timestamp = t;
            }
        }
    }

    @Override
    public void family(String familyName, MetricType familyType, String familyHelp, String familyUnit) {
        Objects.requireNonNull(familyName, "name is null");
        Objects.requireNonNull(familyType, "type is null");
        writeFamily();
        name = familyName;
        type = familyType;
        help = familyHelp;
        unit = familyUnit;
        writtenName = familyName;
    }

    @Override
    public void sample(String sampleName, Labels labels, double value) {
        sample(sampleName, labels, value, false, 0, null);
    }

    @Override
    public void sample(String sampleName, Labels labels, double value, long timestampMillis) {
        sample(sampleName, labels, value, true, timestampMillis, null);
    }

    @Override
    public void sample(String sampleName, Labels labels, double value, boolean hasTimestamp, long timestampMillis, Exemplar exemplar) {
        Objects.requireNonNull(sampleName, "name is null");
        Objects.requireNonNull(labels, "labels is null");
        if (name == null) {
            family(sampleName, MetricType.UNKNOWN, "", "");
        }
        if (!place(sampleName, labels, value, hasTimestamp, timestampMillis, exemplar)) {
            Metric stray = new Metric(labels);
            stray.value = value;
            stray.time(hasTimestamp, timestampMillis);
            strays.computeIfAbsent(sampleName, k -> new ArrayList<>()).add(stray);
        }
    }

    /** Puts a sample into its metric by the family's shape; false when it does not fit. */
    private boolean place(String sampleName, Labels labels, double value, boolean hasTs, long t, Exemplar exemplar) {
        String suffix = sampleName.startsWith(name) ? sampleName.substring(name.length()) : null;
        if (suffix == null) {
            return false;
        }
        switch (type) {
            case COUNTER -> {
                if (suffix.equals("_total") || suffix.isEmpty() && name.endsWith("_total")) {
                    if (metrics.isEmpty()) {
                        writtenName = sampleName;
                    } else if (!writtenName.equals(sampleName)) {
                        return false;
                    }
                    Metric m = metric(labels, hasTs, t);
                    m.value = value;
                    m.exemplar = exemplar;
                    return true;
                }
                return created(suffix, labels, value);
            }
            case GAUGE, UNKNOWN, STATESET, INFO -> {
                boolean info = type == MetricType.INFO && suffix.equals("_info");
                if (!suffix.isEmpty() && !info) {
                    return false;
                }
                if (metrics.isEmpty()) {
                    writtenName = sampleName;
                } else if (!writtenName.equals(sampleName)) {
                    return false;
                }
                metric(labels, hasTs, t).value = value;
                return true;
            }
            case SUMMARY -> {
                String quantile = labels.get("quantile");
                if (suffix.isEmpty() && quantile != null) {
                    Double q = parse(quantile);
                    if (q == null) {
                        return false;
                    }
                    metric(labels.without("quantile"), hasTs, t).point(q, value, null);
                    return true;
                }
                return parts(suffix, "_count", "_sum", labels, value, hasTs, t);
            }
            case HISTOGRAM, GAUGE_HISTOGRAM -> {
                if (suffix.equals("_bucket")) {
                    String le = labels.get("le");
                    Double bound = le == null ? null : parse(le);
                    if (bound == null) {
                        return false;
                    }
                    metric(labels.without("le"), hasTs, t).point(bound, value, exemplar);
                    return true;
                }
                return type == MetricType.HISTOGRAM ? parts(suffix, "_count", "_sum", labels, value, hasTs, t)
                        : parts(suffix, "_gcount", "_gsum", labels, value, hasTs, t);
            }
        }
        return false;
    }

    private boolean parts(String suffix, String countSuffix, String sumSuffix, Labels labels, double value, boolean hasTs, long t) {
        if (suffix.equals(countSuffix)) {
            Metric m = metric(labels, hasTs, t);
            m.count = value;
            m.hasCount = true;
            return true;
        }
        if (suffix.equals(sumSuffix)) {
            metric(labels, hasTs, t).sum = value;
            return true;
        }
        return created(suffix, labels, value);
    }

    private boolean created(String suffix, Labels labels, double value) {
        if (!suffix.equals("_created") || type == MetricType.GAUGE_HISTOGRAM) {
            return false;
        }
        metric(labels, false, 0).created = value;
        return true;
    }

    private Metric metric(Labels labels, boolean hasTs, long t) {
        Metric m = metrics.computeIfAbsent(labels, Metric::new);
        m.time(hasTs, t);
        return m;
    }

    /** An {@code le} or {@code quantile} value as the text formats spell it; null when it is not a number. */
    private static Double parse(String text) {
        try {
            return switch (text) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(text);
            };
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Writes the gathered family (none when it has no metric, as client_golang leaves empty families out), then its strays. */
    private void writeFamily() {
        if (name == null) {
            return;
        }
        try {
            if (!metrics.isEmpty()) {
                out.family(writtenName, type, help, unit);
                for (Metric m : metrics.values()) {
                    switch (type) {
                        case SUMMARY -> out.summary(m.labels, m.count, m.sum, m.points, m.values, m.n, m.created, m.hasTimestamp, m.timestamp);
                        case HISTOGRAM, GAUGE_HISTOGRAM -> {
                            int n = m.n;
                            double count = m.count;
                            if (n > 0 && m.points[n - 1] == Double.POSITIVE_INFINITY) {
                                count = m.hasCount ? count : m.values[n - 1];
                                n--;
                            }
                            out.classicHistogram(m.labels, count, m.sum, m.points, m.values, m.exemplars, n, m.created, m.hasTimestamp,
                                    m.timestamp);
                        }
                        default -> out.value(m.labels, type, m.value, m.exemplar, m.created, m.hasTimestamp, m.timestamp);
                    }
                }
            }
            for (Map.Entry<String, List<Metric>> stray : strays.entrySet()) {
                out.family(stray.getKey(), MetricType.UNKNOWN, "", "");
                for (Metric m : stray.getValue()) {
                    out.value(m.labels, MetricType.UNKNOWN, m.value, null, Double.NaN, m.hasTimestamp, m.timestamp);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        metrics.clear();
        strays.clear();
        name = null;
    }

    @Override
    public void finish() {
        writeFamily();
        try {
            out.flush();
            stream.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String contentType() {
        return contentType;
    }
}
