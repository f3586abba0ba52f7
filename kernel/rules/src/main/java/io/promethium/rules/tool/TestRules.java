package io.promethium.rules.tool;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.Durations;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Appender;
import io.promethium.api.tool.CommandLine;
import io.promethium.config.model.MetricNameScheme;
import io.promethium.config.yaml.YamlNode;
import io.promethium.config.yaml.YamlReader;
import io.promethium.goformat.GoDurations;
import io.promethium.goformat.GoFloat;
import io.promethium.promql.engine.EngineOptions;
import io.promethium.promql.engine.QueryEngine;
import io.promethium.promql.engine.RangeMatrix;
import io.promethium.promql.engine.Sample;
import io.promethium.promql.engine.SeriesData;
import io.promethium.promql.engine.notation.SeriesNotation;
import io.promethium.promql.parser.PromQLParser;
import io.promethium.rules.ActiveAlert;
import io.promethium.rules.AlertState;
import io.promethium.rules.internal.eval.AlertingRule;
import io.promethium.rules.internal.eval.BaseRule;
import io.promethium.rules.internal.eval.EngineQueryRunner;
import io.promethium.rules.internal.eval.RuleEnvironment;
import io.promethium.rules.internal.eval.RuleGroup;
import io.promethium.rules.internal.file.GroupDef;
import io.promethium.rules.internal.file.RuleFileException;
import io.promethium.rules.internal.file.RuleFileParser;
import io.promethium.rules.internal.manager.RuleFileGlobs;
import io.promethium.rules.internal.storage.MemoryStorage;
import io.promethium.templates.GoFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code promethium test rules [--run=REGEX]... [--debug] [--diff] [--ignore-unknown-fields]
 * [--junit=FILE] [--enable-feature=NAME,...] FILE...}: runs rule unit tests in promtool's test
 * file format ({@code rule_files}, {@code evaluation_interval}, {@code tests} with
 * {@code input_series}, {@code alert_rule_test} and {@code promql_expr_test}) on an in-memory
 * storage and reports failures as Prometheus 3's promtool does. Exit code 0 when all pass, 1 when
 * one fails or on a usage error.
 *
 * <p>The flags are promtool 3's: {@code --run} (repeatable, joined with {@code |}) runs only the
 * test groups whose name the regular expression finds; {@code --debug} says on standard error
 * when each group starts and ends and dumps every series (input and rules' output) up to the last
 * evaluation time; {@code --diff} prints an alert test's mismatch as jsondiff's coloured
 * difference of the expected and got alerts as JSON; {@code --ignore-unknown-fields} accepts
 * unknown keys in the rule files; {@code --junit} (a flag of promtool's {@code test}, given after
 * the command words here) writes a JUnit XML report; {@code --enable-feature} allows the
 * experimental PromQL syntax it names in the rule files and the tests' expressions, and
 * {@code promql-delayed-name-removal} in the evaluation.
 */
public final class TestRules {

    private static final Set<String> FILE_KEYS = Set.of("rule_files", "evaluation_interval", "group_eval_order", "tests");
    private static final Set<String> TEST_KEYS = Set.of("name", "interval", "input_series", "alert_rule_test",
            "promql_expr_test", "external_labels", "external_url", "start_timestamp");
    private static final String ALERT_INDENT = "            ";

    private static final CommandLine.Reader READER = CommandLine.reader().valued("run", "junit")
            .bool("debug", "diff", "ignore-unknown-fields");

    /**
     * What the flags ask for.
     *
     * @param run the test groups to run, by name (found anywhere in it, as Go's {@code MatchString}); null: all
     */
    record Options(Pattern run, boolean debug, boolean diff, boolean ignoreUnknownFields, PromtoolFeatures features) {

        boolean runs(String testName) {
            return run == null || run.matcher(testName).find();
        }
    }

    private TestRules() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> files;
        Options options;
        OutputStream junitOut = null;
        try {
            CommandLine line = READER.read(List.of(args));
            files = line.arguments(1, Integer.MAX_VALUE, "test-rule-file");
            Pattern run = null;
            if (line.has("run")) {
                String regex = String.join("|", line.values("run"));
                try {
                    run = Pattern.compile(regex);
                } catch (PatternSyntaxException e) {
                    // promtool's regexp.MustCompile panics here; a usage error says the same.
                    throw new CommandLine.UsageException("--run: error parsing regexp " + GoFormat.quote(regex) + ": "
                            + e.getDescription());
                }
            }
            if (line.has("junit")) {
                // As promtool's kingpin OpenFile flag: created (or emptied) when the command line is read.
                String junit = line.value("junit", "");
                try {
                    junitOut = Files.newOutputStream(Path.of(junit));
                } catch (IOException | java.nio.file.InvalidPathException e) {
                    throw new CommandLine.UsageException("open " + junit + ": " + goOpenError(e));
                }
            }
            options = new Options(run, line.flag("debug"), line.flag("diff"), line.flag("ignore-unknown-fields"),
                    PromtoolFeatures.of(line.features(out)));
        } catch (CommandLine.UsageException e) {
            err.println("promethium test rules: error: " + e.getMessage() + ", try --help");
            return 1;
        }
        JUnitXml junit = new JUnitXml();
        boolean failed = false;
        for (String arg : files) {
            JUnitXml.Suite suite = junit.suite(arg);
            List<String> errors;
            try {
                errors = runFile(Path.of(arg), options, suite, err);
            } catch (Exception e) {
                String message = e.getMessage() == null ? e.toString() : e.getMessage();
                suite.abort(message);
                errors = List.of(message);
            }
            if (errors.isEmpty()) {
                out.println("  SUCCESS");
            } else {
                failed = true;
                err.println("  FAILED:");
                for (String e : errors) {
                    err.println(e);
                    // promtool prints a blank line on standard output after each error.
                    out.println();
                }
            }
            out.println();
        }
        if (junitOut != null) {
            try (OutputStream o = junitOut) {
                o.write(junit.xml().getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                err.println("failed to write JUnit XML: " + e.getMessage());
            }
        }
        return failed ? 1 : 0;
    }

    /** Go's words for why a file could not be opened for writing. */
    private static String goOpenError(Exception e) {
        return switch (e) {
            case java.nio.file.NoSuchFileException n -> "no such file or directory";
            case java.nio.file.AccessDeniedException a -> "permission denied";
            case java.nio.file.FileSystemException f when f.getReason() != null -> f.getReason().toLowerCase(java.util.Locale.ROOT);
            default -> e.getMessage();
        };
    }

    /**
     * Runs the tests of one file that {@code options} selects, recording each in {@code suite};
     * returns the failures (empty when all pass). Throws when the file cannot be run at all.
     */
    static List<String> runFile(Path file, Options options, JUnitXml.Suite suite, PrintStream err)
            throws IOException, ConfigException {
        YamlNode root = new YamlReader().read(file.toString(), Files.readString(file));
        if (!(root instanceof YamlNode.Mapping top)) {
            throw new ConfigException(root.location() + ": a test file must be a mapping");
        }
        strict(top, FILE_KEYS, "test file");
        Duration evalInterval = duration(top.get("evaluation_interval"), Duration.ofMinutes(1));
        List<String> ruleFiles = strings(top.get("rule_files"));
        Path base = file.toAbsolutePath().getParent();
        List<YamlNode.Mapping> tests = new ArrayList<>();
        if (top.get("tests") instanceof YamlNode.Sequence seq) {
            // Checked before any test runs, as promtool's strict YAML decoding checks the whole file.
            for (YamlNode t : seq.items()) {
                if (!(t instanceof YamlNode.Mapping test)) {
                    throw new ConfigException(t.location() + ": a test must be a mapping");
                }
                strict(test, TEST_KEYS, "test");
                tests.add(test);
            }
        }
        suite.timestamp(java.time.LocalDateTime.now());
        List<GroupDef> groups = List.of();
        List<String> ruleErrors = null;
        try {
            groups = new RuleFileParser(MetricNameScheme.Validation.UTF8, options.ignoreUnknownFields(), options.features().parser())
                    .parseFiles(RuleFileGlobs.expand(base, ruleFiles));
        } catch (RuleFileException e) {
            // promtool loads the rule files for each test group: each one run fails with their errors.
            ruleErrors = e.errors();
        }
        List<String> order = strings(top.get("group_eval_order"));
        if (ruleErrors == null && !order.isEmpty()) {
            Map<String, GroupDef> byName = new LinkedHashMap<>();
            groups.forEach(g -> byName.put(g.name(), g));
            List<GroupDef> ordered = new ArrayList<>();
            for (String name : order) {
                GroupDef g = byName.remove(name);
                if (g == null) {
                    throw new ConfigException("group_eval_order: group \"" + name + "\" not found in the rule files");
                }
                ordered.add(g);
            }
            ordered.addAll(byName.values());
            groups = ordered;
        }
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < tests.size(); i++) {
            YamlNode.Mapping test = tests.get(i);
            String testName = scalar(test.get("name"), "");
            if (!options.runs(testName)) {
                continue;
            }
            String caseName = testName.isEmpty() ? "unnamed#" + i : testName;
            suite.testCase(caseName);
            List<String> errors = ruleErrors != null ? ruleErrors : runTest(test, caseName, groups, evalInterval, options, err);
            errors.forEach(suite::fail);
            failures.addAll(errors);
        }
        return failures;
    }

    /** One test group, with {@code --debug}'s lines around it. */
    private static List<String> runTest(YamlNode.Mapping test, String caseName, List<GroupDef> groupDefs, Duration evalInterval,
            Options options, PrintStream err) throws ConfigException {
        long began = System.nanoTime();
        if (options.debug()) {
            err.println("DEBUG: Starting test " + caseName);
        }
        try {
            return evaluate(test, groupDefs, evalInterval, options, err);
        } finally {
            if (options.debug()) {
                err.println("DEBUG: Test " + caseName + " finished, took " + GoDurations.format(Duration.ofNanos(System.nanoTime() - began)));
            }
        }
    }

    private static List<String> evaluate(YamlNode.Mapping test, List<GroupDef> groupDefs, Duration evalInterval, Options options,
            PrintStream err) throws ConfigException {
        String testName = scalar(test.get("name"), "");
        Duration interval = duration(test.get("interval"), evalInterval);
        // Prometheus 3's start_timestamp: samples, evaluations and eval_time count from it, not from 0.
        long start = startTimestamp(test.get("start_timestamp"));
        MemoryStorage storage = new MemoryStorage();
        loadSeries(storage, test.get("input_series"), interval.toMillis(), start);
        Labels external = labels(test.get("external_labels"));
        String externalUrl = scalar(test.get("external_url"), "");
        QueryEngine engine = QueryEngine.create(EngineOptions.DEFAULTS.withFeatures(options.features().engine()));
        EngineQueryRunner runner = new EngineQueryRunner(() -> engine, () -> storage);
        long[] now = {0};
        RuleEnvironment env = new RuleEnvironment(runner, () -> storage, alerts -> { }, () -> now[0], external,
                externalUrl, RuleEnvironment.DEFAULT_RESEND_DELAY, RuleEnvironment.DEFAULT_OUTAGE_TOLERANCE,
                RuleEnvironment.DEFAULT_GRACE_PERIOD);
        List<RuleGroup> groups = new ArrayList<>();
        for (GroupDef d : groupDefs) {
            try {
                groups.add(new RuleGroup(d, evalInterval, Duration.ZERO, env, false));
            } catch (io.promethium.templates.TemplateException e) {
                throw new ConfigException(e.getMessage(), e);
            }
        }
        // Alert tests by evaluation time.
        TreeMap<Long, List<YamlNode.Mapping>> alertTests = new TreeMap<>();
        if (test.get("alert_rule_test") instanceof YamlNode.Sequence s) {
            for (YamlNode a : s.items()) {
                if (!(a instanceof YamlNode.Mapping m)) {
                    throw new ConfigException(a.location() + ": an alert_rule_test must be a mapping");
                }
                strict(m, Set.of("eval_time", "alertname", "exp_alerts"), "alert_rule_test");
                long t = duration(m.get("eval_time"), Duration.ZERO).toMillis();
                alertTests.computeIfAbsent(t, k -> new ArrayList<>()).add(m);
            }
        }
        List<YamlNode.Mapping> exprTests = new ArrayList<>();
        long maxTime = alertTests.isEmpty() ? 0 : alertTests.lastKey();
        if (test.get("promql_expr_test") instanceof YamlNode.Sequence s) {
            for (YamlNode a : s.items()) {
                if (!(a instanceof YamlNode.Mapping m)) {
                    throw new ConfigException(a.location() + ": a promql_expr_test must be a mapping");
                }
                strict(m, Set.of("expr", "eval_time", "exp_samples"), "promql_expr_test");
                exprTests.add(m);
                maxTime = Math.max(maxTime, duration(m.get("eval_time"), Duration.ZERO).toMillis());
            }
        }
        List<String> failures = new ArrayList<>();
        String prefix = testName.isEmpty() ? "" : "    name: " + testName + ",\n";
        long step = evalInterval.toMillis();
        for (long ts = start; ts <= start + maxTime; ts += step) {
            now[0] = ts;
            // As promtool: every group at every evaluation_interval step, whatever its own interval.
            List<String> evalErrors = new ArrayList<>();
            for (RuleGroup g : groups) {
                g.evaluate(ts);
                for (BaseRule rule : g.rules()) {
                    if (!rule.lastError().isEmpty()) {
                        evalErrors.add("    rule: " + rule.def().name() + ", time: " + Durations.format(Duration.ofMillis(ts))
                                + ", err: " + rule.lastError());
                    }
                }
            }
            if (!evalErrors.isEmpty()) {
                // As promtool: a rule that fails to evaluate fails the test with its error; nothing else is checked.
                return evalErrors;
            }
            long from = ts - start;
            long to = ts - start + step;
            for (Map.Entry<Long, List<YamlNode.Mapping>> e : alertTests.subMap(from, true, to, false).entrySet()) {
                for (YamlNode.Mapping m : e.getValue()) {
                    String failure = checkAlerts(m, groups, e.getKey(), options.diff());
                    if (failure != null) {
                        failures.add(prefix + failure);
                    }
                }
            }
        }
        for (YamlNode.Mapping m : exprTests) {
            String failure = checkExpr(m, runner, start);
            if (failure != null) {
                // promtool names the test only before alert failures, not before expression failures.
                failures.add(failure);
            }
        }
        if (options.debug()) {
            dump(engine, storage, start, maxTime, err);
        }
        return failures;
    }

    /**
     * {@code --debug}'s dump: every series of the test's storage (input series and what the rules
     * wrote) from the start to the last evaluation time rounded up to the next whole second, as
     * promtool queries and prints it ({@code promql.Matrix}'s {@code String()}).
     */
    private static void dump(QueryEngine engine, MemoryStorage storage, long start, long maxTime, PrintStream err) {
        long ts = (maxTime + 1000) / 1000 * 1000;
        String range = GoDurations.format(Duration.ofMillis(ts));
        String expr = "{__name__=~\".+\"}[" + range + "]";
        io.promethium.promql.engine.Value value;
        try {
            value = engine.instantQuery(storage, expr, start + ts).value();
        } catch (RuntimeException e) {
            err.println("DEBUG: Failed query exec, expr: " + GoFormat.quote(expr) + ", err: " + e.getMessage());
            return;
        }
        if (!(value instanceof RangeMatrix matrix)) {
            err.println("DEBUG: Got unexpected type " + value.typeName());
            return;
        }
        err.println("DEBUG: Dump of all data (input_series and rules) at " + range + ":");
        err.println(matrixString(matrix));
    }

    /** Go's {@code promql.Matrix.String()}: each series' labels, then its float points, then its histogram points. */
    static String matrixString(RangeMatrix matrix) {
        List<SeriesData> series = new ArrayList<>(matrix.series());
        series.sort(Comparator.comparing(SeriesData::labels));
        StringBuilder sb = new StringBuilder();
        for (SeriesData s : series) {
            if (!sb.isEmpty()) {
                sb.append('\n');
            }
            sb.append(labelsString(s.labels())).append(" =>");
            for (int i = 0; i < s.length(); i++) {
                if (s.histogram(i) == null) {
                    sb.append('\n').append(GoFloat.formatF(s.values()[i])).append(" @[").append(s.timestamps()[i]).append(']');
                }
            }
            for (int i = 0; i < s.length(); i++) {
                if (s.histogram(i) != null) {
                    sb.append('\n').append(io.promethium.goformat.GoHistograms.string(s.histogram(i))).append(" @[").append(s.timestamps()[i]).append(']');
                }
            }
            if (s.length() == 0) {
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /** An alert as promtool compares them: labels, then annotations. */
    private record Alert(Labels labels, Labels annotations) implements Comparable<Alert> {
        @Override
        public int compareTo(Alert o) {
            int c = labels.compareTo(o.labels);
            return c != 0 ? c : annotations.compareTo(o.annotations);
        }

        /** promtool's {@code labelAndAnnotation.String()}. */
        @Override
        public String toString() {
            return "Labels:" + labelsString(labels) + "\nAnnotations:" + labelsString(annotations);
        }

        /** As Go's {@code json.Marshal} of it, read back: {@code {"Labels":{...},"Annotations":{...}}}. */
        Map<String, Object> json() {
            Map<String, Object> m = JsonDiff.object();
            m.put("Labels", jsonLabels(labels));
            m.put("Annotations", jsonLabels(annotations));
            return m;
        }

        private static Map<String, Object> jsonLabels(Labels labels) {
            Map<String, Object> m = JsonDiff.object();
            labels.forEach(m::put);
            return m;
        }
    }

    private static String checkAlerts(YamlNode.Mapping m, List<RuleGroup> groups, long evalTime, boolean diff) throws ConfigException {
        String alertname = scalar(m.get("alertname"), "");
        List<Alert> expected = new ArrayList<>();
        if (m.get("exp_alerts") instanceof YamlNode.Sequence s) {
            for (YamlNode a : s.items()) {
                if (!(a instanceof YamlNode.Mapping am)) {
                    throw new ConfigException(a.location() + ": an exp_alerts entry must be a mapping");
                }
                strict(am, Set.of("exp_labels", "exp_annotations"), "exp_alerts");
                Labels l = labels(am.get("exp_labels")).toBuilder().set("alertname", alertname).build();
                expected.add(new Alert(l, labels(am.get("exp_annotations"))));
            }
        }
        List<Alert> got = new ArrayList<>();
        for (RuleGroup g : groups) {
            for (BaseRule r : g.rules()) {
                if (r instanceof AlertingRule a && a.def().name().equals(alertname)) {
                    for (ActiveAlert alert : a.activeAlerts()) {
                        if (alert.state() == AlertState.FIRING) {
                            got.add(new Alert(alert.labels(), alert.annotations()));
                        }
                    }
                }
            }
        }
        expected.sort(null);
        got.sort(null);
        if (expected.equals(got)) {
            return null;
        }
        String head = "    alertname: " + alertname + ", time: " + Durations.format(Duration.ofMillis(evalTime)) + ", \n";
        if (diff) {
            // As promtool: an empty side is compared as one alert without labels or annotations.
            Alert none = new Alert(Labels.EMPTY, Labels.EMPTY);
            String text = JsonDiff.compare(json(expected.isEmpty() ? List.of(none) : expected), json(got.isEmpty() ? List.of(none) : got));
            return text == null ? null : head + "        diff: " + indentLines(text, ALERT_INDENT);
        }
        return head + "        exp:" + indentLines(alertsString(expected), ALERT_INDENT) + ", \n        got:"
                + indentLines(alertsString(got), ALERT_INDENT);
    }

    private static List<Object> json(List<Alert> alerts) {
        List<Object> out = new ArrayList<>();
        alerts.forEach(a -> out.add(a.json()));
        return out;
    }

    /** promtool's {@code labelsAndAnnotations.String()}. */
    private static String alertsString(List<Alert> alerts) {
        if (alerts.isEmpty()) {
            return "[]";
        }
        StringBuilder sb = new StringBuilder("[\n0:").append(indentLines("\n" + alerts.get(0), "  "));
        for (int i = 1; i < alerts.size(); i++) {
            sb.append(",\n").append(i).append(':').append(indentLines("\n" + alerts.get(i), "  "));
        }
        return sb.append("\n]").toString();
    }

    /** promtool's {@code indentLines}: every line but the first prefixed with {@code indent}. */
    static String indentLines(String lines, String indent) {
        return lines.replace("\n", "\n" + indent);
    }

    /**
     * A label set as Prometheus 3's {@code labels.String()} writes it: a name that is not a legacy
     * name quoted ({@code {"alert.kind"="mem"}}), every value Go-quoted.
     */
    static String labelsString(Labels labels) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < labels.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            String name = labels.name(i);
            sb.append(isLegacyName(name) ? name : GoFormat.quote(name)).append('=').append(GoFormat.quote(labels.value(i)));
        }
        return sb.append('}').toString();
    }

    private static boolean isLegacyName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String checkExpr(YamlNode.Mapping m, EngineQueryRunner runner, long start) throws ConfigException {
        String expr = scalar(m.get("expr"), "");
        long t = duration(m.get("eval_time"), Duration.ZERO).toMillis();
        String head = "    expr: " + GoFormat.quote(expr) + ", time: " + Durations.format(Duration.ofMillis(t)) + ",\n";
        List<Sample> got;
        try {
            got = new ArrayList<>(runner.query(expr, start + t));
        } catch (Exception e) {
            return "    expr: " + GoFormat.quote(expr) + ", time: " + Durations.format(Duration.ofMillis(t)) + ", err: " + e.getMessage();
        }
        List<Sample> expected = new ArrayList<>();
        if (m.get("exp_samples") instanceof YamlNode.Sequence s) {
            for (YamlNode n : s.items()) {
                if (!(n instanceof YamlNode.Mapping sm)) {
                    throw new ConfigException(n.location() + ": an exp_samples entry must be a mapping");
                }
                strict(sm, Set.of("labels", "value", "histogram"), "exp_samples");
                String labelText = scalar(sm.get("labels"), "");
                Labels l = labelText.isEmpty() ? Labels.EMPTY : seriesLabels(labelText, sm.get("labels"));
                double value = SeriesValues.number(scalar(sm.get("value"), "0"), scalar(sm.get("value"), "0"));
                String histText = scalar(sm.get("histogram"), "");
                FloatHistogram hist = null;
                if (!histText.isEmpty()) {
                    // As promtool: the text is read as a one-point series; anything else fails this expression test.
                    String err;
                    try {
                        SeriesNotation.Points points = SeriesNotation.parsePoints(histText);
                        if (points.values().length != 1) {
                            err = "expected 1 value, got " + points.values().length;
                        } else if (points.hists() == null || points.hists()[0] == null) {
                            double v = points.values()[0];
                            // Go's SequenceValue.String(): "_" for a missing point, else %f.
                            err = "expected histogram, got "
                                    + (SeriesNotation.isMissing(v) ? "_" : io.promethium.goformat.GoFloat.formatF(v, 6));
                        } else {
                            err = null;
                            hist = points.hists()[0];
                        }
                    } catch (RuntimeException e) {
                        err = e.getMessage();
                    }
                    if (err != null) {
                        return "    expr: " + GoFormat.quote(expr) + ", time: " + Durations.format(Duration.ofMillis(t))
                                + ", err: labels " + GoFormat.quote(labelText) + ": " + err;
                    }
                }
                expected.add(new Sample(l, t, value, hist));
            }
        }
        got.sort(Comparator.comparing(Sample::labels));
        expected.sort(Comparator.comparing(Sample::labels));
        boolean same = got.size() == expected.size();
        for (int i = 0; same && i < got.size(); i++) {
            Sample g = got.get(i);
            Sample e = expected.get(i);
            // As promtool: labels, the float value (0 for a histogram sample) and the histograms' test expressions.
            same = g.labels().equals(e.labels()) && close(g.isHistogram() ? 0 : g.v(), e.v())
                    && SeriesNotation.testExpression(g.h()).equals(SeriesNotation.testExpression(e.h()));
        }
        if (same) {
            return null;
        }
        return head + "        exp: " + samples(expected) + "\n        got: " + samples(got);
    }

    private static boolean close(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Double.isNaN(a) && Double.isNaN(b);
        }
        if (a == b) {
            return true;
        }
        double diff = Math.abs(a - b);
        return diff <= 1e-6 * Math.max(Math.abs(a), Math.abs(b));
    }

    private static String samples(List<Sample> list) {
        StringBuilder sb = new StringBuilder();
        for (Sample s : list) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(labelsString(s.labels())).append(' ')
                    .append(s.isHistogram() ? SeriesNotation.testExpression(s.h()) : PromtoolNumbers.format(s.v()));
        }
        return sb.isEmpty() ? "nil" : sb.toString();
    }

    /**
     * A test's {@code start_timestamp} in milliseconds, read as promtool's parseTime: Unix seconds
     * (fractions allowed) or RFC 3339; 0 when absent.
     */
    static long startTimestamp(YamlNode node) throws ConfigException {
        String text = scalar(node, "");
        if (text.isEmpty()) {
            return 0;
        }
        try {
            double seconds = Double.parseDouble(text);
            if (!Double.isNaN(seconds) && !Double.isInfinite(seconds)) {
                long whole = (long) seconds;
                return whole * 1000 + (long) ((seconds - whole) * 1000);
            }
        } catch (NumberFormatException e) {
            // not a number: RFC 3339 below
        }
        try {
            return java.time.OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            throw new ConfigException(node.location() + ": cannot parse \"" + text + "\" to a valid timestamp");
        }
    }

    private static void loadSeries(MemoryStorage storage, YamlNode node, long intervalMillis, long start) throws ConfigException {
        if (!(node instanceof YamlNode.Sequence seq)) {
            return;
        }
        Appender app = storage.appender();
        for (YamlNode n : seq.items()) {
            if (!(n instanceof YamlNode.Mapping m)) {
                throw new ConfigException(n.location() + ": an input_series entry must be a mapping");
            }
            strict(m, Set.of("series", "values"), "input_series");
            Labels labels = seriesLabels(scalar(m.get("series"), ""), m.get("series"));
            String text = scalar(m.get("values"), "");
            try {
                if (text.contains("{{")) {
                    // Native histograms ({{...}}, {{...}}xN, {{...}}+{{...}}xN), maybe mixed with floats:
                    // the PromQL test scripts' parser, which reads the whole notation.
                    SeriesNotation.Points points = SeriesNotation.parsePoints(text);
                    double[] values = points.values();
                    for (int i = 0; i < values.length; i++) {
                        long ts = start + i * intervalMillis;
                        if (SeriesNotation.isHistogram(values[i])) {
                            app.appendHistogram(0, labels, ts, points.hists()[i]);
                        } else if (!SeriesNotation.isMissing(values[i])) {
                            app.append(0, labels, ts, values[i]);
                        }
                    }
                } else {
                    double[] values = SeriesValues.parse(text);
                    for (int i = 0; i < values.length; i++) {
                        if (!SeriesValues.isMissing(values[i])) {
                            app.append(0, labels, start + i * intervalMillis, values[i]);
                        }
                    }
                }
            } catch (IllegalArgumentException e) {
                throw new ConfigException(m.get("values").location() + ": " + e.getMessage());
            }
        }
        app.commit();
    }

    private static Labels seriesLabels(String text, YamlNode where) throws ConfigException {
        List<Matcher> matchers;
        try {
            matchers = PromQLParser.parseMetricSelector(text);
        } catch (RuntimeException e) {
            throw new ConfigException((where == null ? "" : where.location() + ": ") + "bad series \"" + text + "\": "
                    + e.getMessage());
        }
        Labels.Builder b = Labels.builder();
        for (Matcher matcher : matchers) {
            if (matcher.type() != MatchType.EQUAL) {
                throw new ConfigException((where == null ? "" : where.location() + ": ") + "series \"" + text
                        + "\" must use only = matchers");
            }
            b.set(matcher.name(), matcher.value());
        }
        return b.build();
    }

    private static void strict(YamlNode.Mapping m, Set<String> known, String what) throws ConfigException {
        for (YamlNode.Entry e : m.entries().values()) {
            if (!known.contains(e.key())) {
                throw new ConfigException(e.keyLocation() + ": field \"" + e.key() + "\" not found in " + what);
            }
        }
    }

    private static String scalar(YamlNode node, String fallback) throws ConfigException {
        if (node == null) {
            return fallback;
        }
        if (node instanceof YamlNode.Scalar s) {
            return s.isNull() ? fallback : s.text();
        }
        throw new ConfigException(node.location() + ": expected a value, found " + YamlNode.kind(node));
    }

    private static Duration duration(YamlNode node, Duration fallback) throws ConfigException {
        String s = scalar(node, "");
        if (s.isEmpty()) {
            return fallback;
        }
        try {
            return Durations.parse(s);
        } catch (RuntimeException e) {
            throw new ConfigException(node.location() + ": not a valid duration string: \"" + s + "\"");
        }
    }

    private static List<String> strings(YamlNode node) throws ConfigException {
        List<String> out = new ArrayList<>();
        if (node instanceof YamlNode.Sequence seq) {
            for (YamlNode n : seq.items()) {
                out.add(scalar(n, ""));
            }
        } else if (node != null && !(node instanceof YamlNode.Scalar s && (s.isNull() || s.text().isEmpty()))) {
            throw new ConfigException(node.location() + ": expected a list");
        }
        return out;
    }

    private static Labels labels(YamlNode node) throws ConfigException {
        if (node == null || node instanceof YamlNode.Scalar) {
            return Labels.EMPTY;
        }
        if (!(node instanceof YamlNode.Mapping m)) {
            throw new ConfigException(node.location() + ": expected a mapping of labels");
        }
        Labels.Builder b = Labels.builder();
        for (YamlNode.Entry e : m.entries().values()) {
            b.set(e.key(), scalar(e.value(), ""));
        }
        return b.build();
    }
}
