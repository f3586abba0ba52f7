package io.promethium.promql.engine.internal.eval;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.promql.ast.Call;
import io.promethium.promql.ast.Expr;
import io.promethium.promql.ast.MatrixSelector;
import io.promethium.promql.ast.VectorSelector;
import io.promethium.promql.engine.QueryException;
import io.promethium.promql.engine.internal.eval.Values.EvalValue;
import io.promethium.promql.engine.internal.eval.Values.ScalarSteps;
import io.promethium.promql.engine.internal.eval.Values.StepVector;
import io.promethium.promql.engine.internal.eval.Values.StringLit;
import io.promethium.promql.engine.internal.kernel.Absent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Function calls: instant-vector functions here, range-vector functions in {@link RangeFunctions},
 * histogram functions in {@link HistogramFunctions}.
 */
final class FunctionCalls {
    private final Evaluator ev;
    private final RangeFunctions rangeFunctions;
    private final HistogramFunctions histogramFunctions;

    FunctionCalls(Evaluator ev) {
        this.ev = ev;
        this.rangeFunctions = new RangeFunctions(ev);
        this.histogramFunctions = new HistogramFunctions(ev);
    }

    /** A range function's call, its rows going to {@code sink} when it takes them ({@link RangeFunctions#eval(Call, StepGrid, RangeFunctions.RowSink)}). */
    StepVector rangeCall(Call call, StepGrid grid, RangeFunctions.RowSink sink) {
        return rangeFunctions.eval(call, grid, sink);
    }

    EvalValue eval(Call call, StepGrid grid) {
        String name = call.function().name();
        List<Expr> args = call.args();
        if (RangeFunctions.handles(name)) {
            return rangeFunctions.eval(call, grid);
        }
        return switch (name) {
            case "abs" -> math(args, grid, Math::abs);
            case "ceil" -> math(args, grid, Math::ceil);
            case "floor" -> math(args, grid, Math::floor);
            case "exp" -> math(args, grid, Math::exp);
            case "sqrt" -> math(args, grid, Math::sqrt);
            case "ln" -> math(args, grid, Math::log);
            case "log2" -> math(args, grid, v -> Math.log(v) / Math.log(2));
            case "log10" -> math(args, grid, Math::log10);
            case "sgn" -> math(args, grid, v -> v < 0 ? -1 : v > 0 ? 1 : v);
            case "deg" -> math(args, grid, v -> v * 180 / Math.PI);
            case "rad" -> math(args, grid, v -> v * Math.PI / 180);
            case "acos" -> math(args, grid, Math::acos);
            case "acosh" -> math(args, grid, v -> Math.log(v + Math.sqrt(v * v - 1)));
            case "asin" -> math(args, grid, Math::asin);
            case "asinh" -> math(args, grid, FunctionCalls::asinh);
            case "atan" -> math(args, grid, Math::atan);
            case "atanh" -> math(args, grid, v -> 0.5 * Math.log((1 + v) / (1 - v)));
            case "cos" -> math(args, grid, Math::cos);
            case "cosh" -> math(args, grid, Math::cosh);
            case "sin" -> math(args, grid, Math::sin);
            case "sinh" -> math(args, grid, Math::sinh);
            case "tan" -> math(args, grid, Math::tan);
            case "tanh" -> math(args, grid, Math::tanh);
            case "round" -> round(args, grid);
            case "clamp" -> clamp(args, grid);
            case "clamp_min" -> clampOne(args, grid, true);
            case "clamp_max" -> clampOne(args, grid, false);
            case "pi" -> constant(grid, Math.PI);
            case "min_of", "max_of" -> {
                double[] a = ev.evalScalar(args.get(0), grid);
                double[] b = ev.evalScalar(args.get(1), grid);
                double[] out = new double[grid.steps()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = name.equals("min_of") ? goMin(a[i], b[i]) : goMax(a[i], b[i]);
                }
                yield new ScalarSteps(out);
            }
            case "start" -> constant(grid, ev.ctx.queryStart / 1000.0);
            case "end" -> constant(grid, ev.ctx.queryEnd / 1000.0);
            case "step" -> constant(grid, ev.ctx.queryStep / 1000.0);
            case "range" -> constant(grid, (ev.ctx.queryEnd - ev.ctx.queryStart) / 1000.0);
            case "time" -> {
                double[] v = new double[grid.steps()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = grid.time(i) / 1000.0;
                }
                yield new ScalarSteps(v);
            }
            case "vector" -> {
                double[] s = ev.evalScalar(args.get(0), grid).clone();
                ev.ctx.addSamples(s.length);
                yield new StepVector(new ArrayList<>(List.of(new StepSeries(Labels.EMPTY, s, false))));
            }
            case "scalar" -> scalar(args, grid);
            case "absent" -> absent(args, grid);
            case "timestamp" -> timestamp(args, grid);
            case "start_timestamp" -> startTimestamp(args, grid);
            case "sort", "sort_desc" -> sort(call, grid, name.equals("sort_desc"));
            case "sort_by_label", "sort_by_label_desc" -> sortByLabel(call, grid, name.endsWith("_desc"));
            case "label_replace" -> labelReplace(args, grid);
            case "label_join" -> labelJoin(args, grid);
            case "year", "month", "day_of_month", "day_of_week", "day_of_year", "days_in_month", "hour", "minute" ->
                    dateFunction(name, args, grid);
            case "info" -> new InfoFunction(ev).eval(call, grid);
            case "histogram_quantile" -> histogramFunctions.histogramQuantile(call, grid);
            case "histogram_quantiles" -> histogramFunctions.histogramQuantiles(call, grid);
            case "histogram_fraction" -> histogramFunctions.histogramFraction(call, grid);
            case "histogram_count", "histogram_sum", "histogram_avg", "histogram_stddev", "histogram_stdvar" ->
                    histogramFunctions.histogramProperty(name, args, grid);
            default -> throw new QueryException(QueryException.BAD_DATA, "function " + GoFormat.quote(name) + " is not supported");
        };
    }

    private static double asinh(double v) {
        if (Double.isInfinite(v)) {
            return v;
        }
        return Math.log(v + Math.sqrt(v * v + 1));
    }

    private ScalarSteps constant(StepGrid grid, double value) {
        double[] v = new double[grid.steps()];
        Arrays.fill(v, value);
        return new ScalarSteps(v);
    }

    private StepVector math(List<Expr> args, StepGrid grid, DoubleUnaryOperator fn) {
        StepVector v = ev.evalVector(args.get(0), grid);
        for (StepSeries s : v.series()) {
            double[] values = s.values;
            for (int i = 0; i < values.length; i++) {
                if (!Absent.is(values[i])) {
                    values[i] = fn.applyAsDouble(values[i]);
                }
            }
            s.dropName = true;
            s.hists = null; // float functions leave histogram samples out, as in Prometheus
        }
        return v;
    }

    private StepVector round(List<Expr> args, StepGrid grid) {
        StepVector v = ev.evalVector(args.get(0), grid);
        double[] nearest = args.size() > 1 ? ev.evalScalar(args.get(1), grid) : null;
        for (StepSeries s : v.series()) {
            double[] values = s.values;
            for (int i = 0; i < values.length; i++) {
                if (!Absent.is(values[i])) {
                    double inverse = 1.0 / (nearest == null ? 1 : nearest[i]);
                    values[i] = Math.floor(values[i] * inverse + 0.5) / inverse;
                }
            }
            s.dropName = true;
            s.hists = null; // float functions leave histogram samples out, as in Prometheus
        }
        return v;
    }

    private StepVector clamp(List<Expr> args, StepGrid grid) {
        StepVector v = ev.evalVector(args.get(0), grid);
        double[] min = ev.evalScalar(args.get(1), grid);
        double[] max = ev.evalScalar(args.get(2), grid);
        List<StepSeries> out = new ArrayList<>();
        for (StepSeries s : v.series()) {
            double[] values = s.values;
            boolean any = false;
            for (int i = 0; i < values.length; i++) {
                if (Absent.is(values[i])) {
                    continue;
                }
                if (max[i] < min[i]) {
                    values[i] = Absent.VALUE;
                    continue;
                }
                values[i] = goMax(min[i], goMin(max[i], values[i]));
                any = true;
            }
            s.dropName = true;
            s.hists = null; // float functions leave histogram samples out, as in Prometheus
            if (any) {
                out.add(s);
            }
        }
        return new StepVector(out);
    }

    private StepVector clampOne(List<Expr> args, StepGrid grid, boolean isMin) {
        StepVector v = ev.evalVector(args.get(0), grid);
        double[] bound = ev.evalScalar(args.get(1), grid);
        for (StepSeries s : v.series()) {
            double[] values = s.values;
            for (int i = 0; i < values.length; i++) {
                if (!Absent.is(values[i])) {
                    values[i] = isMin ? goMax(bound[i], values[i]) : goMin(bound[i], values[i]);
                }
            }
            s.dropName = true;
            s.hists = null; // float functions leave histogram samples out, as in Prometheus
        }
        return v;
    }

    /** Go's math.Max: NaN wins. */
    private static double goMax(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Double.NaN;
        }
        return Math.max(a, b);
    }

    private static double goMin(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Double.NaN;
        }
        return Math.min(a, b);
    }

    private ScalarSteps scalar(List<Expr> args, StepGrid grid) {
        StepVector v = ev.evalVector(args.get(0), grid);
        double[] out = new double[grid.steps()];
        int[] count = new int[grid.steps()];
        Arrays.fill(out, Double.NaN);
        for (StepSeries s : v.series()) {
            for (int i = 0; i < out.length; i++) {
                // Only float samples count: histograms are left out, as Prometheus does.
                if (!Absent.is(s.values[i])) {
                    count[i]++;
                    out[i] = s.values[i];
                }
            }
        }
        for (int i = 0; i < out.length; i++) {
            if (count[i] != 1) {
                out[i] = Double.NaN;
            }
        }
        return new ScalarSteps(out);
    }

    private StepVector absent(List<Expr> args, StepGrid grid) {
        StepVector v = ev.evalVector(args.get(0), grid);
        double[] out = new double[grid.steps()];
        Arrays.fill(out, 1);
        for (StepSeries s : v.series()) {
            for (int i = 0; i < out.length; i++) {
                if (s.has(i)) {
                    out[i] = Absent.VALUE;
                }
            }
        }
        for (double x : out) {
            if (!Absent.is(x)) {
                return new StepVector(new ArrayList<>(List.of(new StepSeries(absentLabels(args.get(0)), out, false))));
            }
        }
        return new StepVector(new ArrayList<>());
    }

    /** The labels absent() and absent_over_time() report: the selector's equality matchers, except the name. */
    static Labels absentLabels(Expr arg) {
        Expr e = Evaluator.unwrap(arg);
        List<Matcher> matchers;
        if (e instanceof VectorSelector vs) {
            matchers = vs.matchers();
        } else if (e instanceof MatrixSelector ms) {
            matchers = ms.selector().matchers();
        } else {
            return Labels.EMPTY;
        }
        Labels.Builder b = Labels.builder();
        Map<String, Boolean> seen = new HashMap<>();
        for (Matcher m : matchers) {
            if (m.name().equals(Labels.METRIC_NAME)) {
                continue;
            }
            if (m.type() == MatchType.EQUAL && !seen.containsKey(m.name())) {
                b.set(m.name(), m.value());
                seen.put(m.name(), true);
            } else {
                b.remove(m.name());
                seen.put(m.name(), false);
            }
        }
        return b.build();
    }

    private StepVector timestamp(List<Expr> args, StepGrid grid) {
        Expr arg = Evaluator.unwrap(args.get(0));
        StepVector v;
        if (arg instanceof VectorSelector vs) {
            v = ev.vectorSelector(vs, grid, true);
        } else {
            v = ev.evalVector(arg, grid);
            for (StepSeries s : v.series()) {
                for (int i = 0; i < s.values.length; i++) {
                    if (s.has(i)) {
                        s.values[i] = grid.time(i) / 1000.0;
                    }
                }
            }
        }
        for (StepSeries s : v.series()) {
            s.dropName = true;
            s.hists = null;
        }
        return v;
    }

    /**
     * {@code start_timestamp(v)}: each sample's start timestamp in seconds (0 when it has none).
     * Only a selector's samples carry one, and only with use-start-timestamps: otherwise, as in
     * Prometheus, the result is empty.
     */
    private StepVector startTimestamp(List<Expr> args, StepGrid grid) {
        Expr arg = Evaluator.unwrap(args.get(0));
        if (!(arg instanceof VectorSelector vs) || !ev.ctx.useStartTimestamps) {
            ev.evalVector(args.get(0), grid);
            return new StepVector(new ArrayList<>());
        }
        StepVector v = ev.vectorSelector(vs, grid, InstantSelectors.SAMPLE_START_TIMES);
        for (StepSeries s : v.series()) {
            s.dropName = true;
            s.hists = null;
        }
        return v;
    }

    private StepVector sort(Call call, StepGrid grid, boolean descending) {
        StepVector v = floatsOnly(ev.evalVector(call.args().get(0), grid));
        if (grid.steps() > 1 || ev.isRangeQuery()) {
            ev.ctx.annotations.warn("sort is ineffective for range queries since results are always ordered by labels", call.position());
            return v;
        }
        List<StepSeries> list = new ArrayList<>(v.series());
        Comparator<StepSeries> byValue = (a, b) -> {
            double x = a.values[0];
            double y = b.values[0];
            boolean xn = Double.isNaN(x);
            boolean yn = Double.isNaN(y);
            if (xn || yn) {
                return Boolean.compare(xn, yn);
            }
            return descending ? Double.compare(y, x) : Double.compare(x, y);
        };
        list.sort(byValue);
        return new StepVector(list);
    }

    /** The vector without its histogram samples (sort and sort_desc order floats only, as Prometheus). */
    private static StepVector floatsOnly(StepVector v) {
        List<StepSeries> out = new ArrayList<>(v.series().size());
        for (StepSeries s : v.series()) {
            if (s.hists != null) {
                s.hists = null;
                if (s.presentCount() == 0) {
                    continue;
                }
            }
            out.add(s);
        }
        return new StepVector(out);
    }

    private StepVector sortByLabel(Call call, StepGrid grid, boolean descending) {
        StepVector v = ev.evalVector(call.args().get(0), grid);
        if (grid.steps() > 1 || ev.isRangeQuery()) {
            ev.ctx.annotations.warn("sort is ineffective for range queries since results are always ordered by labels", call.position());
            return v;
        }
        List<String> names = new ArrayList<>();
        for (int i = 1; i < call.args().size(); i++) {
            names.add(((StringLit) ev.eval(call.args().get(i), grid)).value());
        }
        List<StepSeries> list = new ArrayList<>(v.series());
        Comparator<StepSeries> cmp = (a, b) -> {
            for (String n : names) {
                int c = NaturalOrder.compare(a.labels.get(n), b.labels.get(n));
                if (c != 0) {
                    return c;
                }
            }
            return a.labels.compareTo(b.labels);
        };
        list.sort(descending ? cmp.reversed() : cmp);
        return new StepVector(list);
    }

    private StepVector labelReplace(List<Expr> args, StepGrid grid) {
        StepVector v = ev.evalVector(args.get(0), grid);
        String dst = ((StringLit) ev.eval(args.get(1), grid)).value();
        String replacement = ((StringLit) ev.eval(args.get(2), grid)).value();
        String src = ((StringLit) ev.eval(args.get(3), grid)).value();
        String regex = ((StringLit) ev.eval(args.get(4), grid)).value();
        Pattern pattern;
        try {
            pattern = Pattern.compile("^(?:" + regex + ")$", Pattern.DOTALL);
        } catch (PatternSyntaxException e) {
            throw new QueryException(QueryException.EXECUTION, "invalid regular expression in label_replace(): " + regex);
        }
        if (!Aggregations.validLabelName(dst)) {
            throw new QueryException(QueryException.EXECUTION, "invalid destination label name in label_replace(): " + dst);
        }
        for (StepSeries s : v.series()) {
            java.util.regex.Matcher m;
            try {
                m = io.promethium.api.model.Matcher.boundedMatch(pattern, s.labels.get(src),
                        "regular expression \"" + regex + "\" of label_replace()");
            } catch (io.promethium.api.model.RegexTooExpensiveException e) {
                throw new QueryException(QueryException.EXECUTION, e.getMessage());
            }
            if (m == null) {
                continue;
            }
            String value = RegexExpand.expand(replacement, m);
            s.labels = s.labels.toBuilder().set(dst, value).build();
            if (dst.equals(Labels.METRIC_NAME)) {
                s.dropName = false;
            }
        }
        return checkDuplicates(v);
    }

    private StepVector labelJoin(List<Expr> args, StepGrid grid) {
        StepVector v = ev.evalVector(args.get(0), grid);
        String dst = ((StringLit) ev.eval(args.get(1), grid)).value();
        String sep = ((StringLit) ev.eval(args.get(2), grid)).value();
        List<String> srcs = new ArrayList<>();
        for (int i = 3; i < args.size(); i++) {
            String src = ((StringLit) ev.eval(args.get(i), grid)).value();
            if (!Aggregations.validLabelName(src)) {
                throw new QueryException(QueryException.EXECUTION, "invalid source label name in label_join(): " + src);
            }
            srcs.add(src);
        }
        if (!Aggregations.validLabelName(dst)) {
            throw new QueryException(QueryException.EXECUTION, "invalid destination label name in label_join(): " + dst);
        }
        for (StepSeries s : v.series()) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < srcs.size(); i++) {
                if (i > 0) {
                    sb.append(sep);
                }
                sb.append(s.labels.get(srcs.get(i)));
            }
            s.labels = s.labels.toBuilder().set(dst, sb.toString()).build();
            if (dst.equals(Labels.METRIC_NAME)) {
                s.dropName = false;
            }
        }
        return checkDuplicates(v);
    }

    /** Fails when two series that are present at the same step now share a label set. */
    StepVector checkDuplicates(StepVector v) {
        Map<Labels, StepSeries> seen = new HashMap<>();
        for (StepSeries s : v.series()) {
            Labels key = s.outputLabels(ev.ctx.typeAndUnitLabels);
            StepSeries other = seen.putIfAbsent(key, s);
            if (other != null) {
                for (int i = 0; i < s.values.length; i++) {
                    if (s.has(i) && other.has(i)) {
                        throw new QueryException(QueryException.EXECUTION, "vector cannot contain metrics with the same labelset");
                    }
                }
            }
        }
        return v;
    }

    private EvalValue dateFunction(String name, List<Expr> args, StepGrid grid) {
        StepVector v;
        if (args.isEmpty()) {
            double[] t = new double[grid.steps()];
            for (int i = 0; i < t.length; i++) {
                t[i] = grid.time(i) / 1000.0;
            }
            v = new StepVector(new ArrayList<>(List.of(new StepSeries(Labels.EMPTY, t, false))));
        } else {
            v = ev.evalVector(args.get(0), grid);
        }
        for (StepSeries s : v.series()) {
            double[] values = s.values;
            for (int i = 0; i < values.length; i++) {
                if (!Absent.is(values[i])) {
                    values[i] = datePart(name, values[i]);
                }
            }
            s.dropName = true;
            s.hists = null; // float functions leave histogram samples out, as in Prometheus
        }
        return v;
    }

    private static final int[] DAYS_BEFORE_MONTH = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    private static final int[] DAYS_IN_MONTH = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    /**
     * Date parts in UTC on the proleptic Gregorian calendar, by arithmetic on whole days (as Go's
     * time package computes them), so any int64 second count has an answer: java.time refuses
     * years beyond ±1e9, which Go's time and so Prometheus accept.
     */
    static double datePart(String name, double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            return Double.NaN;
        }
        long secs = (long) seconds;
        long days = Math.floorDiv(secs, 86_400L);
        long secOfDay = Math.floorMod(secs, 86_400L);
        // Civil date from a day count (days since 1970-01-01), years starting in March.
        long z = days + 719_468L;
        long era = Math.floorDiv(z, 146_097L);
        long doe = z - era * 146_097L;
        long yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        boolean leap = Math.floorMod(year, 4) == 0 && (Math.floorMod(year, 100) != 0 || Math.floorMod(year, 400) == 0);
        return switch (name) {
            case "year" -> year;
            case "month" -> month;
            case "day_of_month" -> day;
            case "day_of_week" -> Math.floorMod(days + 4, 7L); // 1970-01-01 was a Thursday; Sunday is 0
            case "day_of_year" -> DAYS_BEFORE_MONTH[month - 1] + day + (leap && month > 2 ? 1 : 0);
            case "days_in_month" -> DAYS_IN_MONTH[month - 1] + (leap && month == 2 ? 1 : 0);
            case "hour" -> secOfDay / 3_600;
            case "minute" -> secOfDay % 3_600 / 60;
            default -> throw new IllegalStateException(name);
        };
    }
}
