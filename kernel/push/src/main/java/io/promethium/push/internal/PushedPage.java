package io.promethium.push.internal;

import io.promethium.exposition.TextFormatWriter;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pushed metrics as one page, as the Pushgateway's {@code /metrics} shows them: the families
 * of all groups merged by name and sorted by name, each group's {@code push_time_seconds} and
 * {@code push_failure_time_seconds}, metrics ordered as client_golang's gatherer orders them (by
 * label count, then label values), written in text format 0.0.4 with labels exactly as stored
 * ({@code a=""} included). Where groups disagree on a family's help, the most recent push wins
 * (the Pushgateway picks one at random).
 */
final class PushedPage {

    static final String PUSH_TIME_HELP = "Last Unix time when changing this group in the Pushgateway succeeded.";
    static final String PUSH_FAILURE_TIME_HELP = "Last Unix time when changing this group in the Pushgateway failed.";

    /** Receives the samples of a family in page order. */
    interface SampleSink {
        /**
         * @param suffix {@code ""}, {@code _bucket}, {@code _sum} or {@code _count}
         * @param extraLabel {@code quantile} or {@code le} (appended after the metric's labels), or null
         */
        void sample(MetricFamily family, String suffix, List<LabelPair> labels, String extraLabel, double extraValue, double value);
    }

    private PushedPage() {
    }

    /** The merged, sorted families of {@code groups}. */
    static List<MetricFamily> gather(List<MetricGroup> groups) {
        Map<String, List<PushedMetric>> metrics = new TreeMap<>();
        Map<String, MetricFamily> first = new HashMap<>();
        Map<String, Long> helpTime = new HashMap<>();
        Map<String, String> help = new HashMap<>();
        for (MetricGroup g : groups) {
            for (MetricGroup.StoredFamily sf : g.families().values()) {
                MetricFamily f = sf.family();
                metrics.computeIfAbsent(f.name(), n -> new ArrayList<>()).addAll(f.metrics());
                first.putIfAbsent(f.name(), f);
                Long t = helpTime.get(f.name());
                if (t == null || sf.pushTimeNanos() > t) {
                    helpTime.put(f.name(), sf.pushTimeNanos());
                    help.put(f.name(), f.help());
                }
            }
            List<LabelPair> labels = GroupStore.sanitizeLabels(List.of(), g.key());
            metrics.computeIfAbsent(GroupStore.PUSH_TIME, n -> new ArrayList<>())
                    .add(PushedMetric.simple(labels, seconds(g.pushTimeNanos()), false));
            metrics.computeIfAbsent(GroupStore.PUSH_FAILURE_TIME, n -> new ArrayList<>())
                    .add(PushedMetric.simple(labels, seconds(g.failureTimeNanos()), false));
        }
        first.put(GroupStore.PUSH_TIME, new MetricFamily(GroupStore.PUSH_TIME, PUSH_TIME_HELP, FamilyType.GAUGE, List.of()));
        first.put(GroupStore.PUSH_FAILURE_TIME, new MetricFamily(GroupStore.PUSH_FAILURE_TIME, PUSH_FAILURE_TIME_HELP, FamilyType.GAUGE, List.of()));
        help.put(GroupStore.PUSH_TIME, PUSH_TIME_HELP);
        help.put(GroupStore.PUSH_FAILURE_TIME, PUSH_FAILURE_TIME_HELP);
        List<MetricFamily> result = new ArrayList<>(metrics.size());
        for (Map.Entry<String, List<PushedMetric>> e : metrics.entrySet()) {
            List<PushedMetric> list = e.getValue();
            list.sort(GO_ORDER);
            MetricFamily f = first.get(e.getKey());
            result.add(new MetricFamily(f.name(), help.get(f.name()), f.type(), list));
        }
        return result;
    }

    static double seconds(long nanos) {
        return nanos == 0 ? 0 : nanos / 1e9;
    }

    /** client_golang's metricSorter: fewer labels first, then label values pair by pair. */
    static final Comparator<PushedMetric> GO_ORDER = (a, b) -> {
        List<LabelPair> x = a.labels();
        List<LabelPair> y = b.labels();
        if (x.size() != y.size()) {
            return Integer.compare(x.size(), y.size());
        }
        for (int i = 0; i < x.size(); i++) {
            int c = x.get(i).value().compareTo(y.get(i).value());
            if (c != 0) {
                return c;
            }
        }
        return 0;
    };

    /** Visits the samples of a family in the order the text format writes them. */
    static void samples(MetricFamily f, SampleSink sink) {
        for (PushedMetric m : f.metrics()) {
            switch (f.type()) {
                case COUNTER, GAUGE, UNTYPED -> sink.sample(f, "", m.labels(), null, 0, m.value());
                case SUMMARY -> {
                    for (PushedMetric.Point q : m.points()) {
                        sink.sample(f, "", m.labels(), "quantile", q.key(), q.value());
                    }
                    sink.sample(f, "_sum", m.labels(), null, 0, m.sum());
                    sink.sample(f, "_count", m.labels(), null, 0, m.count());
                }
                case HISTOGRAM -> {
                    boolean infSeen = false;
                    for (PushedMetric.Point b : m.points()) {
                        sink.sample(f, "_bucket", m.labels(), "le", b.key(), b.value());
                        infSeen |= b.key() == Double.POSITIVE_INFINITY;
                    }
                    if (!infSeen) {
                        sink.sample(f, "_bucket", m.labels(), "le", Double.POSITIVE_INFINITY, m.count());
                    }
                    sink.sample(f, "_sum", m.labels(), null, 0, m.sum());
                    sink.sample(f, "_count", m.labels(), null, 0, m.count());
                }
            }
        }
    }

    /** Writes the families in text format 0.0.4, names outside the legacy charsets escaped with underscores. */
    static void write(List<MetricFamily> families, Writer out) throws IOException {
        write(families, out, false);
    }

    /** Whether a family has a metric or label name outside the legacy charsets (pushed with UTF-8 names on). */
    static boolean hasUtf8Names(List<MetricFamily> families) {
        for (MetricFamily f : families) {
            if (!NameValidation.LEGACY.validMetricName(f.name())) {
                return true;
            }
            for (PushedMetric m : f.metrics()) {
                for (LabelPair l : m.labels()) {
                    if (!NameValidation.LEGACY.validLabelName(l.name())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * Writes the families in text format: names outside the legacy charsets quoted (format 1.0.0,
     * for a reader that accepts {@code escaping=allow-utf-8}) when {@code utf8}, else each of their
     * other characters replaced by {@code _}, as client_golang escapes them by default.
     */
    static void write(List<MetricFamily> families, Writer out, boolean utf8) throws IOException {
        StringBuilder sb = new StringBuilder(256);
        for (MetricFamily f : families) {
            sb.setLength(0);
            boolean legacyName = NameValidation.LEGACY.validMetricName(f.name());
            boolean quotedName = utf8 && !legacyName;
            if (f.help() != null) {
                sb.append("# HELP ");
                name(sb, f.name(), true, utf8);
                sb.append(' ');
                escape(sb, f.help(), false);
                sb.append('\n');
            }
            sb.append("# TYPE ");
            name(sb, f.name(), true, utf8);
            sb.append(' ').append(f.type().text).append('\n');
            out.append(sb);
            IOException[] failure = new IOException[1];
            samples(f, (family, suffix, labels, extraLabel, extraValue, value) -> {
                sb.setLength(0);
                boolean firstLabel = true;
                if (legacyName) {
                    sb.append(family.name()).append(suffix);
                } else if (quotedName) {
                    sb.append('{');
                    name(sb, family.name() + suffix, true, true);
                    firstLabel = false;
                } else {
                    name(sb, family.name() + suffix, true, false);
                }
                if (!labels.isEmpty() || extraLabel != null || quotedName) {
                    if (!quotedName) {
                        sb.append('{');
                    }
                    for (LabelPair l : labels) {
                        if (!firstLabel) {
                            sb.append(',');
                        }
                        firstLabel = false;
                        name(sb, l.name(), false, utf8);
                        sb.append("=\"");
                        escape(sb, l.value(), true);
                        sb.append('"');
                    }
                    if (extraLabel != null) {
                        if (!firstLabel) {
                            sb.append(',');
                        }
                        sb.append(extraLabel).append("=\"").append(TextFormatWriter.formatValue(extraValue)).append('"');
                    }
                    sb.append('}');
                }
                sb.append(' ').append(TextFormatWriter.formatValue(value)).append('\n');
                if (failure[0] == null) {
                    try {
                        out.append(sb);
                    } catch (IOException e) {
                        failure[0] = e;
                    }
                }
            });
            if (failure[0] != null) {
                throw failure[0];
            }
        }
    }

    /** A metric or label name: as it is when legacy-valid, else quoted ({@code utf8}) or escaped with underscores. */
    private static void name(StringBuilder sb, String name, boolean metric, boolean utf8) {
        boolean legacy = metric ? NameValidation.LEGACY.validMetricName(name) : NameValidation.LEGACY.validLabelName(name);
        if (legacy) {
            sb.append(name);
        } else if (utf8) {
            sb.append('"');
            escape(sb, name, true);
            sb.append('"');
        } else {
            for (int i = 0; i < name.length(); ) {
                int c = name.codePointAt(i);
                boolean ok = c == '_' || metric && c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9');
                sb.append(ok ? (char) c : '_');
                i += Character.charCount(c);
            }
        }
    }

    /** Text format escapes: backslash and newline, and the double quote inside label values. */
    private static void escape(StringBuilder sb, String s, boolean quote) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '"' -> sb.append(quote ? "\\\"" : "\"");
                default -> sb.append(c);
            }
        }
    }
}
