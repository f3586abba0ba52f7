package io.promethium.tsdb.tool;

import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.storage.ValueType;
import io.promethium.api.tool.CommandLine;
import io.promethium.goformat.GoFloat;
import io.promethium.goformat.GoHistograms;
import io.promethium.goformat.GoStrings;
import io.promethium.tsdb.internal.query.MergeQuerier;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code tsdb dump} and {@code tsdb dump-openmetrics}: every sample of a data directory (blocks
 * and WAL) in [min-time, max-time] whose series matches one of the {@code --match} selectors, as
 * promtool 3 prints them. {@code dump}: {@code {labels} value timestamp} per sample, labels as
 * Prometheus 3's {@code labels.String()} (a name that is not a legacy name is quoted), values as
 * Go's {@code %g}, histograms as Go's {@code Histogram.String()}; with {@code --format=seriesjson}
 * the series' labels as JSON, one line per series, without samples. {@code dump-openmetrics}:
 * {@code name{labels} value seconds} for a series' float samples up to its first histogram, then
 * {@code # EOF}. Series come in label order, each once, its samples in time order.
 */
final class Dump {
    static final String DEFAULT_MATCH = "{__name__=~'(?s:.*)'}";

    /** The command's arguments, as promtool's flags. */
    record Args(Path db, Path sandboxRoot, long minTime, long maxTime, List<String> match, boolean seriesJson) {
        private static final CommandLine.Reader OPEN_METRICS = CommandLine.reader()
                .valued("min-time", "max-time", "match", "sandbox-dir-root");
        private static final CommandLine.Reader DUMP = OPEN_METRICS.choice("format", "prom", "seriesjson");

        /** {@code format}: whether {@code --format} is a flag of the command ({@code dump}'s, not {@code dump-openmetrics}'). */
        static Args parse(List<String> args, boolean format) throws CommandLine.UsageException {
            CommandLine line = (format ? DUMP : OPEN_METRICS).read(args);
            List<String> db = line.arguments(0, 1, "db path");
            List<String> match = line.values("match");
            String sandbox = line.value("sandbox-dir-root", null);
            return new Args(Path.of(db.isEmpty() ? "data/" : db.get(0)), sandbox == null ? null : Path.of(sandbox),
                    millis(line, "min-time", Long.MIN_VALUE), millis(line, "max-time", Long.MAX_VALUE),
                    match.isEmpty() ? List.of(DEFAULT_MATCH) : match, line.value("format", "prom").equals("seriesjson"));
        }

        private static long millis(CommandLine line, String flag, long fallback) throws CommandLine.UsageException {
            String value = line.value(flag, null);
            try {
                return value == null ? fallback : Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new CommandLine.UsageException("--" + flag + ": not a timestamp in milliseconds: " + GoStrings.quote(value));
            }
        }
    }

    private final PrintStream out;
    private final boolean openMetrics;
    private final StringBuilder buf = new StringBuilder(1 << 16);

    Dump(PrintStream out, boolean openMetrics) {
        this.out = out;
        this.openMetrics = openMetrics;
    }

    void run(Args args) throws IOException {
        List<List<Matcher>> sets = new ArrayList<>();
        for (String m : args.match()) {
            List<Matcher> set = SeriesSelector.parse(m);
            if (set.stream().allMatch(Matcher::matchesEmpty)) {
                // promtool's default {__name__=~'(?s:.*)'} selects everything, which the querier refuses
                // as unbounded: every stored series has a name, so asking for one selects the same.
                set = new ArrayList<>(set);
                set.add(Matcher.of(io.promethium.api.model.MatchType.NOT_EQUAL, Labels.METRIC_NAME, ""));
            }
            sets.add(set);
        }
        try (ReadOnlyDb db = ReadOnlyDb.open(args.db(), args.sandboxRoot()); Querier q = db.querier(args.minTime(), args.maxTime())) {
            SeriesSet ss;
            if (sets.size() == 1) {
                ss = q.select(true, null, sets.get(0));
            } else {
                // A series several selectors match is printed once (promtool's merge of the sets).
                List<SeriesSet> each = new ArrayList<>();
                for (List<Matcher> set : sets) {
                    each.add(q.select(true, null, set));
                }
                ss = new MergeQuerier.MergedSeriesSet(each, List.of());
            }
            SampleIterator it = null;
            while (ss.next()) {
                Series s = ss.at();
                it = s.iterator(it);
                if (args.seriesJson()) {
                    seriesJson(s.labels());
                } else if (openMetrics) {
                    openMetricsSeries(s.labels(), it, args.minTime(), args.maxTime());
                } else {
                    series(s.labels(), it, args.minTime(), args.maxTime());
                }
                if (buf.length() > 1 << 15) {
                    out.append(buf);
                    buf.setLength(0);
                }
            }
            if (ss.error() != null) {
                throw new IOException(ss.error().getMessage(), ss.error());
            }
            if (openMetrics) {
                buf.append("# EOF\n");
            }
            out.append(buf);
            buf.setLength(0);
            out.flush();
            if (!ss.warnings().isEmpty()) {
                throw new IOException(String.join("; ", ss.warnings()));
            }
        }
    }

    private void series(Labels labels, SampleIterator it, long mint, long maxt) {
        String ls = labelString(labels);
        while (it.next()) {
            long t = it.timestamp();
            if (t < mint || t > maxt) {
                continue;
            }
            buf.append(ls).append(' ');
            switch (it.valueType()) {
                case FLOAT -> GoFloat.appendG(buf, it.value());
                case HISTOGRAM -> histogram(it.floatHistogram(), true);
                case FLOAT_HISTOGRAM -> histogram(it.floatHistogram(), false);
                default -> throw new IllegalStateException("unexpected sample type " + it.valueType());
            }
            buf.append(' ').append(t).append('\n');
        }
    }

    private void openMetricsSeries(Labels labels, SampleIterator it, long mint, long maxt) {
        String name = labels.get(Labels.METRIC_NAME);
        StringBuilder prefix = new StringBuilder(name == null ? "" : name).append('{');
        boolean first = true;
        for (int i = 0; i < labels.size(); i++) {
            if (labels.name(i).equals(Labels.METRIC_NAME)) {
                continue;
            }
            if (!first) {
                prefix.append(',');
            }
            first = false;
            prefix.append(labels.name(i)).append('=').append(GoStrings.quote(labels.value(i)));
        }
        String p = prefix.append('}').toString();
        while (it.next()) {
            long t = it.timestamp();
            if (it.valueType() != ValueType.FLOAT) {
                break; // promtool writes a series' floats up to its first histogram
            }
            if (t < mint || t > maxt) {
                continue;
            }
            buf.append(p).append(' ');
            GoFloat.appendG(buf, it.value());
            buf.append(' ').append(GoFloat.formatF(t / 1000.0, 3)).append('\n');
        }
    }

    /** {@code --format=seriesjson}: the series' labels as Go's {@code json.Marshal} writes them, once per series. */
    private void seriesJson(Labels labels) {
        buf.append('{');
        for (int i = 0; i < labels.size(); i++) {
            if (i > 0) {
                buf.append(',');
            }
            GoStrings.appendJson(buf, labels.name(i), true);
            buf.append(':');
            GoStrings.appendJson(buf, labels.value(i), true);
        }
        buf.append("}\n");
    }

    /** Prometheus 3's {@code labels.String()}: {@code {a="1", b="2"}}, a non-legacy name quoted. */
    static String labelString(Labels labels) {
        StringBuilder sb = new StringBuilder().append('{');
        for (int i = 0; i < labels.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            String n = labels.name(i);
            sb.append(isLegacyName(n) ? n : GoStrings.quote(n)).append('=').append(GoStrings.quote(labels.value(i)));
        }
        return sb.append('}').toString();
    }

    private static boolean isLegacyName(String n) {
        if (n.isEmpty()) {
            return false;
        }
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || i > 0 && c >= '0' && c <= '9';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Go's {@code Histogram.String()} / {@code FloatHistogram.String()} ({@link GoHistograms}). */
    private void histogram(FloatHistogram h, boolean integer) {
        GoHistograms.append(buf, h, integer);
    }
}
