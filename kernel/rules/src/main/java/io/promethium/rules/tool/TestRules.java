package io.promethium.rules.tool;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.Durations;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Appender;
import io.promethium.config.yaml.YamlNode;
import io.promethium.config.yaml.YamlReader;
import io.promethium.promql.engine.EngineOptions;
import io.promethium.promql.engine.QueryEngine;
import io.promethium.promql.engine.Sample;
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
import java.io.PrintStream;
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

/**
 * {@code promethium test rules FILE...}: runs rule unit tests in promtool's test file format
 * ({@code rule_files}, {@code evaluation_interval}, {@code tests} with {@code input_series},
 * {@code alert_rule_test} and {@code promql_expr_test}) on an in-memory storage and reports
 * failures as promtool does. Exit code 0 when all pass, 1 when one fails or on a usage error.
 */
public final class TestRules {

    private static final Set<String> FILE_KEYS = Set.of("rule_files", "evaluation_interval", "group_eval_order", "tests");
    private static final Set<String> TEST_KEYS = Set.of("name", "interval", "input_series", "alert_rule_test",
            "promql_expr_test", "external_labels", "external_url", "start_timestamp");

    private TestRules() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println("usage: promethium test rules FILE...");
            return 1;
        }
        boolean failed = false;
        for (String arg : args) {
            // promtool prints with Println("Unit Testing: ", file): two spaces.
            out.println("Unit Testing:  " + arg);
            List<String> errors;
            try {
                errors = runFile(Path.of(arg));
            } catch (Exception e) {
                errors = List.of(e.getMessage() == null ? e.toString() : e.getMessage());
            }
            if (errors.isEmpty()) {
                out.println("  SUCCESS");
            } else {
                failed = true;
                err.println("  FAILED:");
                for (String e : errors) {
                    err.println(e);
                }
            }
            out.println();
        }
        return failed ? 1 : 0;
    }

    /** Runs every test of one file; returns the failures (empty when all pass). */
    static List<String> runFile(Path file) throws IOException, ConfigException, RuleFileException {
        YamlNode root = new YamlReader().read(file.toString(), Files.readString(file));
        if (!(root instanceof YamlNode.Mapping top)) {
            throw new ConfigException(root.location() + ": a test file must be a mapping");
        }
        strict(top, FILE_KEYS, "test file");
        Duration evalInterval = duration(top.get("evaluation_interval"), Duration.ofMinutes(1));
        List<String> ruleFiles = strings(top.get("rule_files"));
        Path base = file.toAbsolutePath().getParent();
        List<GroupDef> groups = new RuleFileParser().parseFiles(RuleFileGlobs.expand(base, ruleFiles));
        List<String> order = strings(top.get("group_eval_order"));
        if (!order.isEmpty()) {
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
        YamlNode tests = top.get("tests");
        if (tests instanceof YamlNode.Sequence seq) {
            for (YamlNode t : seq.items()) {
                failures.addAll(runTest(t, groups, evalInterval));
            }
        }
        return failures;
    }

    private static List<String> runTest(YamlNode node, List<GroupDef> groupDefs, Duration evalInterval)
            throws ConfigException {
        if (!(node instanceof YamlNode.Mapping test)) {
            throw new ConfigException(node.location() + ": a test must be a mapping");
        }
        strict(test, TEST_KEYS, "test");
        String testName = scalar(test.get("name"), "");
        Duration interval = duration(test.get("interval"), evalInterval);
        // Prometheus 3's start_timestamp: samples, evaluations and eval_time count from it, not from 0.
        long start = startTimestamp(test.get("start_timestamp"));
        MemoryStorage storage = new MemoryStorage();
        loadSeries(storage, test.get("input_series"), interval.toMillis(), start);
        Labels external = labels(test.get("external_labels"));
        String externalUrl = scalar(test.get("external_url"), "");
        QueryEngine engine = QueryEngine.create(EngineOptions.DEFAULTS);
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
                    String failure = checkAlerts(m, groups, e.getKey());
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
        return failures;
    }

    private static String checkAlerts(YamlNode.Mapping m, List<RuleGroup> groups, long evalTime) throws ConfigException {
        String alertname = scalar(m.get("alertname"), "");
        List<String> expected = new ArrayList<>();
        if (m.get("exp_alerts") instanceof YamlNode.Sequence s) {
            for (YamlNode a : s.items()) {
                if (!(a instanceof YamlNode.Mapping am)) {
                    throw new ConfigException(a.location() + ": an exp_alerts entry must be a mapping");
                }
                strict(am, Set.of("exp_labels", "exp_annotations"), "exp_alerts");
                Labels l = labels(am.get("exp_labels")).toBuilder().set("alertname", alertname).build();
                expected.add(describe(l, labels(am.get("exp_annotations"))));
            }
        }
        List<String> got = new ArrayList<>();
        for (RuleGroup g : groups) {
            for (BaseRule r : g.rules()) {
                if (r instanceof AlertingRule a && a.def().name().equals(alertname)) {
                    for (ActiveAlert alert : a.activeAlerts()) {
                        if (alert.state() == AlertState.FIRING) {
                            got.add(describe(alert.labels(), alert.annotations()));
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
        return "    alertname: " + alertname + ", time: " + Durations.format(Duration.ofMillis(evalTime)) + ", \n"
                + "        exp:" + list(expected) + ", \n        got:" + list(got);
    }

    private static String describe(Labels labels, Labels annotations) {
        return "Labels:" + labelsString(labels) + "\n              Annotations:" + labelsString(annotations);
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

    private static String list(List<String> items) {
        if (items.isEmpty()) {
            return "[]";
        }
        StringBuilder sb = new StringBuilder("[\n");
        for (int i = 0; i < items.size(); i++) {
            sb.append("            ").append(i).append(":\n              ").append(items.get(i)).append('\n');
        }
        return sb.append("            ]").toString();
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
