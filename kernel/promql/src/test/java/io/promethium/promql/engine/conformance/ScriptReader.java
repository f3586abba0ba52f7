package io.promethium.promql.engine.conformance;

import io.promethium.promql.engine.notation.SeriesNotation;

import io.promethium.api.config.Durations;
import io.promethium.api.model.Labels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Prometheus's promqltest scripts ({@code load}, {@code clear}, {@code eval ...} with
 * {@code expect} lines and expected series). Bad lines fail with the file and line number.
 */
final class ScriptReader {

    private static final Pattern EVAL_INSTANT = Pattern.compile("^eval(?:_(fail|warn|info|ordered))?\\s+instant\\s+at\\s+(\\S+)\\s+(.+)$");
    private static final Pattern EVAL_RANGE =
            Pattern.compile("^eval(?:_(fail|warn|info|ordered))?\\s+range\\s+from\\s+(\\S+)\\s+to\\s+(\\S+)\\s+step\\s+(\\S+)\\s+(.+)$");
    private static final Pattern LOAD = Pattern.compile("^load(_with_nhcb)?\\s+(\\S+)\\s*$");
    private static final Pattern EXPECT = Pattern.compile("^expect\\s+(fail|warn|info|no_warn|no_info|ordered|string|range)\\b\\s*(.*)$");
    private static final Pattern RANGE_VECTOR = Pattern.compile("^vector\\s+from\\s+(\\S+)\\s+to\\s+(\\S+)\\s+step\\s+(\\S+)\\s*$");

    private ScriptReader() {
    }

    static Script read(String file, String text) {
        String[] lines = text.split("\n", -1);
        List<Script.Command> commands = new ArrayList<>();
        int i = 0;
        while (i < lines.length) {
            String raw = lines[i];
            String line = raw.strip();
            int lineNo = i + 1;
            i++;
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                if (line.equals("clear")) {
                    commands.add(new Script.Clear(lineNo));
                    continue;
                }
                Matcher load = LOAD.matcher(line);
                if (load.matches()) {
                    long step = duration(load.group(2));
                    List<Script.LoadedSeries> series = new ArrayList<>();
                    Map<Labels, long[]> starts = new LinkedHashMap<>();
                    while (i < lines.length && isIndented(lines[i])) {
                        String body = lines[i].strip();
                        i++;
                        SeriesNotation.Parsed parsed = SeriesNotation.parseLabels(body);
                        if (parsed.rest().startsWith("@st") && (parsed.rest().length() == 3
                                || Character.isWhitespace(parsed.rest().charAt(3)))) {
                            starts.put(parsed.labels(), SeriesNotation.parseStartOffsets(parsed.rest().substring(3), step));
                            continue;
                        }
                        SeriesNotation.Points points = SeriesNotation.parsePoints(parsed.rest());
                        series.add(new Script.LoadedSeries(parsed.labels(), points.values(), points.hists(), null));
                    }
                    for (int k = 0; k < series.size(); k++) {
                        Script.LoadedSeries s = series.get(k);
                        long[] st = starts.remove(s.labels());
                        if (st != null) {
                            series.set(k, new Script.LoadedSeries(s.labels(), s.values(), s.hists(), st));
                        }
                    }
                    if (!starts.isEmpty()) {
                        throw new IllegalArgumentException("@st line without a series line: " + starts.keySet().iterator().next());
                    }
                    if (load.group(1) != null) {
                        // load_with_nhcb also writes a native histogram with custom buckets per classic one.
                        series.addAll(ClassicToNhcb.convert(series));
                    }
                    commands.add(new Script.Load(lineNo, step, series, load.group(1) != null));
                    continue;
                }
                Matcher instant = EVAL_INSTANT.matcher(line);
                Matcher range = EVAL_RANGE.matcher(line);
                if (instant.matches() || range.matches()) {
                    boolean isInstant = instant.matches();
                    Matcher m = isInstant ? instant : range;
                    String legacy = m.group(1);
                    long start = duration(m.group(2));
                    long end = isInstant ? start : duration(m.group(3));
                    long step = isInstant ? 0 : duration(m.group(4));
                    String query = isInstant ? m.group(3) : m.group(5);
                    EvalBuilder b = new EvalBuilder(lineNo, query, isInstant, start, end, step);
                    if (legacy != null) {
                        switch (legacy) {
                            case "fail" -> b.fail = new Script.Expectation(null, null);
                            case "warn" -> b.warn = new Script.Expectation(null, null);
                            case "info" -> b.info = new Script.Expectation(null, null);
                            default -> b.ordered = true;
                        }
                    }
                    if (query.contains("{{")) {
                        b.nativeHistogram = "native histogram literal in the query";
                    }
                    while (i < lines.length && isIndented(lines[i])) {
                        String body = lines[i].strip();
                        int bodyLine = i + 1;
                        i++;
                        try {
                            b.addBodyLine(body);
                        } catch (RuntimeException e) {
                            throw new IllegalArgumentException(file + ":" + bodyLine + ": " + e.getMessage(), e);
                        }
                    }
                    commands.add(b.build());
                    continue;
                }
                throw new IllegalArgumentException("unknown command: " + line);
            } catch (IllegalArgumentException e) {
                if (e.getMessage() != null && e.getMessage().startsWith(file + ":")) {
                    throw e;
                }
                throw new IllegalArgumentException(file + ":" + lineNo + ": " + e.getMessage(), e);
            }
        }
        return new Script(file, List.copyOf(commands));
    }

    /** As in promqltest, a block runs until a blank or comment line (indentation does not matter). */
    private static boolean isIndented(String line) {
        String s = line.strip();
        return !s.isEmpty() && !s.startsWith("#");
    }

    /** A Prometheus duration ({@code 1h5m}) or a number of seconds. */
    static long duration(String text) {
        if (text.matches("-?[0-9]+(\\.[0-9]+)?")) {
            return Math.round(Double.parseDouble(text) * 1000);
        }
        return Durations.parse(text).toMillis();
    }

    private static final class EvalBuilder {
        final int line;
        final String query;
        final boolean instant;
        final long start;
        final long end;
        final long step;
        Script.Expectation fail;
        Script.Expectation warn;
        boolean noWarn;
        Script.Expectation info;
        boolean noInfo;
        boolean ordered;
        String expectedString;
        long rvStart;
        long rvEnd;
        long rvStep;
        final List<Script.ExpectedSeries> expected = new ArrayList<>();
        String nativeHistogram;

        EvalBuilder(int line, String query, boolean instant, long start, long end, long step) {
            this.line = line;
            this.query = query;
            this.instant = instant;
            this.start = start;
            this.end = end;
            this.step = step;
        }

        void addBodyLine(String body) {
            Matcher e = EXPECT.matcher(body);
            if (e.matches()) {
                String kind = e.group(1);
                String rest = e.group(2).strip();
                switch (kind) {
                    case "fail" -> fail = expectation(rest);
                    case "warn" -> warn = expectation(rest);
                    case "info" -> info = expectation(rest);
                    case "no_warn" -> noWarn = true;
                    case "no_info" -> noInfo = true;
                    case "ordered" -> ordered = true;
                    case "string" -> expectedString = SeriesNotation.readQuoted(rest, 0, new int[1]);
                    case "range" -> {
                        Matcher rv = RANGE_VECTOR.matcher(rest);
                        if (!rv.matches()) {
                            throw new IllegalArgumentException("bad expect range line: " + body);
                        }
                        rvStart = duration(rv.group(1));
                        rvEnd = duration(rv.group(2));
                        rvStep = duration(rv.group(3));
                    }
                    default -> throw new IllegalArgumentException("unknown expect kind: " + kind);
                }
                return;
            }
            char c = body.charAt(0);
            if (Character.isDigit(c) || c == '-' || c == '+' || c == '.' || body.startsWith("NaN") || body.startsWith("Inf")) {
                // A scalar result.
                expected.add(new Script.ExpectedSeries(null, SeriesNotation.parseValues(body)));
                return;
            }
            SeriesNotation.Parsed parsed = SeriesNotation.parseLabels(body);
            SeriesNotation.Points points = parsed.rest().isEmpty() ? new SeriesNotation.Points(new double[0], null)
                    : SeriesNotation.parsePoints(parsed.rest());
            expected.add(new Script.ExpectedSeries(parsed.labels(), points.values(), points.hists()));
        }

        private static Script.Expectation expectation(String rest) {
            if (rest.startsWith("msg:")) {
                return new Script.Expectation(rest.substring(4).strip(), null);
            }
            if (rest.startsWith("regex:")) {
                return new Script.Expectation(null, rest.substring(6).strip());
            }
            return new Script.Expectation(null, null);
        }

        Script.Eval build() {
            return new Script.Eval(line, query, instant, start, end, step, fail, warn, noWarn, info, noInfo, ordered,
                    expectedString, rvStart, rvEnd, rvStep, List.copyOf(expected), nativeHistogram);
        }
    }
}
