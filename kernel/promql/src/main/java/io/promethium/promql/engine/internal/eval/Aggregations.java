package io.promethium.promql.engine.internal.eval;

import io.promethium.api.model.Labels;
import io.promethium.promql.ast.AggregateExpr;
import io.promethium.promql.ast.AggregateOp;
import io.promethium.promql.ast.Call;
import io.promethium.promql.ast.VectorSelector;
import io.promethium.promql.engine.QueryException;
import io.promethium.promql.engine.internal.eval.Values.EvalValue;
import io.promethium.promql.engine.internal.eval.Values.StepVector;
import io.promethium.promql.engine.internal.eval.Values.StringLit;
import io.promethium.promql.engine.internal.kernel.Absent;
import io.promethium.promql.engine.internal.kernel.KahanSum;
import io.promethium.promql.engine.internal.kernel.NativeHistogram;
import io.promethium.promql.engine.internal.kernel.Quantiles;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Aggregation operators. Series are grouped once; the per-group accumulators are arrays over
 * the steps, filled series by series, so the inner loop runs over primitives.
 */
final class Aggregations {
    private final Evaluator ev;
    private final SelectionAggregations selection;

    Aggregations(Evaluator ev) {
        this.ev = ev;
        this.selection = new SelectionAggregations(ev);
    }

    /**
     * The rows an aggregation folds: one per series, its values at {@code values(i)[offset(i) + step]}
     * ({@link Absent} where it has none) and its histogram samples by step ({@code null}: none).
     * A series with no sample at any step is not {@link #present}: it makes no group.
     */
    interface Rows {
        int size();

        boolean present(int i);

        Labels labels(int i);

        double[] values(int i);

        int offset(int i);

        NativeHistogram[] hists(int i);

        /** Whether the row's metric name is to be dropped at the end (delayed name removal); a selector's never is. */
        default boolean dropName(int i) {
            return false;
        }

        /** Rows over step series (all present). */
        static Rows of(List<StepSeries> series) {
            return new Rows() {
                @Override
                public int size() {
                    return series.size();
                }

                @Override
                public boolean present(int i) {
                    return true;
                }

                @Override
                public Labels labels(int i) {
                    return series.get(i).labels;
                }

                @Override
                public double[] values(int i) {
                    return series.get(i).values;
                }

                @Override
                public int offset(int i) {
                    return 0;
                }

                @Override
                public NativeHistogram[] hists(int i) {
                    return series.get(i).hists;
                }

                @Override
                public boolean dropName(int i) {
                    return series.get(i).dropName;
                }
            };
        }
    }

    /**
     * A selection's values in one array, series {@code i} at {@code [i * steps, (i + 1) * steps)},
     * filled by several threads (each writes only its own series' slots and flags).
     */
    static final class FlatRows implements Rows {
        private final List<io.promethium.api.storage.Series> series;
        private final int steps;
        final double[] values;
        private final boolean[] present;
        /** Histogram samples by series, made when the first one is met (most selections have none). */
        private NativeHistogram[][] hists;

        FlatRows(List<io.promethium.api.storage.Series> series, int steps) {
            this.series = series;
            this.steps = steps;
            this.values = new double[series.size() * steps];
            this.present = new boolean[series.size()];
        }

        void setPresent(int i, NativeHistogram[] h) {
            present[i] = true;
            if (h != null) {
                synchronized (this) {
                    if (hists == null) {
                        hists = new NativeHistogram[series.size()][];
                    }
                    hists[i] = h;
                }
            }
        }

        @Override
        public int size() {
            return present.length;
        }

        @Override
        public boolean present(int i) {
            return present[i];
        }

        @Override
        public Labels labels(int i) {
            return series.get(i).labels();
        }

        @Override
        public double[] values(int i) {
            return values;
        }

        @Override
        public int offset(int i) {
            return i * steps;
        }

        @Override
        public NativeHistogram[] hists(int i) {
            return hists == null ? null : hists[i];
        }
    }

    /** The operators folded by {@link #simple}: over a selector they are folded from {@link Evaluator#selectorRows}. */
    private static boolean folds(AggregateOp op) {
        return switch (op) {
            case SUM, AVG, COUNT, GROUP, MIN, MAX, STDDEV, STDVAR -> true;
            default -> false;
        };
    }

    EvalValue eval(AggregateExpr a, StepGrid grid) {
        if (ev.foldSelectors && folds(a.op()) && Evaluator.unwrap(a.expr()) instanceof VectorSelector vs
                && vs.modifier() != io.promethium.promql.ast.SelectorModifier.SMOOTHED && !ev.statsOnly(vs)) {
            // Directly over an instant selector: no step series per selected series. A selector's
            // series keep their names, so no group drops its name.
            ev.ctx.checkDeadline();
            Rows rows = ev.selectorRows(vs, grid);
            int[] groupOf = new int[rows.size()];
            Labels[] groupLabels = groups(rows, a, groupOf);
            return simple(a, rows, groupOf, groupLabels, grid.steps());
        }
        if (ev.foldSelectors && (a.op() == AggregateOp.TOPK || a.op() == AggregateOp.BOTTOMK || a.op() == AggregateOp.LIMITK)
                && Evaluator.unwrap(a.expr()) instanceof VectorSelector vs
                && vs.modifier() != io.promethium.promql.ast.SelectorModifier.SMOOTHED && !ev.statsOnly(vs)) {
            // The k series per group and step picked from the selector's flat array, not from a
            // step series per selected series (10M series made 20M objects, copied by each pause).
            double[] param = ((Values.ScalarSteps) ev.eval(a.param(), grid)).values();
            ev.ctx.checkDeadline();
            Rows rows = ev.selectorRows(vs, grid);
            int[] groupOf = new int[rows.size()];
            Labels[] groupLabels = groups(rows, a, groupOf);
            if (a.op() != AggregateOp.LIMITK) {
                histogramInfo(a, rows);
            }
            return selection.selectK(a, param, rows, groupOf, groupLabels.length, grid.steps());
        }
        if (ev.foldSelectors && folds(a.op()) && a.expr() instanceof Call call && RangeFunctions.handles(call.function().name())) {
            // Over a range function: its rows are folded as they are computed, none held.
            GroupStream stream = new GroupStream(ev, a, grid.steps());
            StepVector rows = ev.rangeCall(call, grid, stream);
            if (rows == null) {
                return stream.finish();
            }
            return aggregate(a, grid, null, null, rows);
        }
        double[] param = null;
        String stringParam = null;
        if (a.param() != null) {
            EvalValue p = ev.eval(a.param(), grid);
            if (p instanceof StringLit s) {
                stringParam = s.value();
            } else {
                param = ((Values.ScalarSteps) p).values();
            }
        }
        return aggregate(a, grid, param, stringParam, ev.evalVector(a.expr(), grid));
    }

    /** {@code a} over its evaluated input. */
    private EvalValue aggregate(AggregateExpr a, StepGrid grid, double[] param, String stringParam, StepVector input) {
        int steps = grid.steps();
        List<StepSeries> series = input.series();
        int[] groupOf = new int[series.size()];
        Labels[] groupLabels = groups(Rows.of(series), a, groupOf);
        // Delayed name removal: a group whose members drop their name drops it too.
        boolean[] groupDropName = new boolean[groupLabels.length];
        for (int i = 0; i < groupOf.length; i++) {
            groupDropName[groupOf[i]] |= series.get(i).dropName;
        }
        if (a.op() == AggregateOp.TOPK || a.op() == AggregateOp.BOTTOMK || a.op() == AggregateOp.QUANTILE) {
            histogramInfo(a, Rows.of(series));
        }
        int groups = groupLabels.length;
        return switch (a.op()) {
            case SUM, AVG, COUNT, GROUP, MIN, MAX, STDDEV, STDVAR -> withDropName(simple(a, Rows.of(series), groupOf, groupLabels, steps),
                    groupLabels, groupDropName);
            case QUANTILE -> withDropName(quantile(a, param, series, groupOf, groupLabels, steps), groupLabels, groupDropName);
            case TOPK, BOTTOMK, LIMITK -> selection.selectK(a, param, Rows.of(series), groupOf, groups, steps);
            case LIMIT_RATIO -> selection.limitRatio(a, param, series, steps);
            case COUNT_VALUES -> countValues(a, stringParam, series, groupOf, groupLabels, steps);
        };
    }

    /** These operators look at float values only: histogram samples are left out, with an info. */
    private void histogramInfo(AggregateExpr a, Rows rows) {
        for (int i = 0; i < rows.size(); i++) {
            NativeHistogram[] hists = rows.present(i) ? rows.hists(i) : null;
            if (hists != null && hasHistogram(hists)) {
                ev.ctx.annotations.info("ignored histogram in " + a.op().keyword() + " aggregation", a.position());
                return;
            }
        }
    }

    private static boolean hasHistogram(NativeHistogram[] hists) {
        for (NativeHistogram h : hists) {
            if (h != null) {
                return true;
            }
        }
        return false;
    }

    /** Marks output series (keyed by group labels) whose group members drop their name. */
    static StepVector withDropName(StepVector v, Labels[] groupLabels, boolean[] groupDropName) {
        Map<Labels, Boolean> drop = new HashMap<>();
        for (int g = 0; g < groupLabels.length; g++) {
            if (groupDropName[g]) {
                drop.put(groupLabels[g], Boolean.TRUE);
            }
        }
        if (!drop.isEmpty()) {
            for (StepSeries s : v.series()) {
                if (drop.containsKey(s.labels)) {
                    s.dropName = true;
                }
            }
        }
        return v;
    }

    /**
     * Each present row's group ({@code groupOf}; -1 for a row not present) and the groups' labels,
     * in order of first appearance.
     */
    private Labels[] groups(Rows rows, AggregateExpr a, int[] groupOf) {
        if (!a.without() && a.grouping().isEmpty()) {
            // One group, without looking at any label set.
            boolean any = false;
            for (int i = 0; i < groupOf.length; i++) {
                boolean p = rows.present(i);
                groupOf[i] = p ? 0 : -1;
                any |= p;
            }
            return any ? new Labels[] {Labels.EMPTY} : new Labels[0];
        }
        Map<Labels, Integer> groupIds = new LinkedHashMap<>();
        for (int i = 0; i < groupOf.length; i++) {
            if (!rows.present(i)) {
                groupOf[i] = -1;
                continue;
            }
            Labels key = groupKey(rows.labels(i), a, ev.ctx.typeAndUnitLabels);
            groupOf[i] = groupIds.computeIfAbsent(key, k -> groupIds.size());
        }
        return groupIds.keySet().toArray(new Labels[0]);
    }

    static Labels groupKey(Labels labels, AggregateExpr a, boolean typeAndUnit) {
        if (a.without()) {
            Labels.Builder b = labels.toBuilder();
            b.remove(Labels.METRIC_NAME);
            if (typeAndUnit) {
                b.remove(StepSeries.TYPE_LABEL);
                b.remove(StepSeries.UNIT_LABEL);
            }
            for (String name : a.grouping()) {
                b.remove(name);
            }
            return b.build();
        }
        if (a.grouping().isEmpty()) {
            return Labels.EMPTY;
        }
        Labels.Builder b = Labels.builder();
        for (String name : a.grouping()) {
            b.set(name, labels.get(name));
        }
        return b.build();
    }

    private StepVector simple(AggregateExpr a, Rows series, int[] groupOf, Labels[] groupLabels, int steps) {
        ev.ctx.addSamples((long) groupLabels.length * steps);
        GroupFold fold = new GroupFold(ev, a, steps);
        fold.ensureGroups(groupLabels.length);
        for (int i = 0; i < groupOf.length; i++) {
            if (groupOf[i] >= 0) {
                fold.add(groupOf[i], series, i);
            }
        }
        return fold.finish(groupLabels);
    }

    private StepVector quantile(AggregateExpr a, double[] q, List<StepSeries> series, int[] groupOf, Labels[] groupLabels, int steps) {
        int groups = groupLabels.length;
        int[][] members = members(groupOf, groups);
        double[] buf = new double[Math.max(1, series.size())];
        List<StepSeries> out = new ArrayList<>();
        for (int s = 0; s < steps; s++) {
            if (Double.isNaN(q[s]) || q[s] < 0 || q[s] > 1) {
                if (!series.isEmpty()) {
                    ev.ctx.annotations.warn("quantile value should be between 0 and 1, got " + GoFormat.number(q[s]), a.param().position());
                }
            }
        }
        for (int g = 0; g < groups; g++) {
            ev.ctx.allocate(steps);
            double[] result = new double[steps];
            boolean any = false;
            for (int s = 0; s < steps; s++) {
                int n = 0;
                for (int i : members[g]) {
                    double f = series.get(i).values[s];
                    if (!Absent.is(f)) {
                        buf[n++] = f;
                    }
                }
                if (n == 0) {
                    result[s] = Absent.VALUE;
                    continue;
                }
                any = true;
                result[s] = Quantiles.quantile(q[s], buf, n);
            }
            if (any) {
                out.add(new StepSeries(groupLabels[g], result, false));
            }
        }
        return new StepVector(out);
    }

    /** Each group's rows in order; a row not present (group -1) is in none. */
    static int[][] members(int[] groupOf, int groups) {
        int[] counts = new int[groups];
        for (int g : groupOf) {
            if (g >= 0) {
                counts[g]++;
            }
        }
        int[][] out = new int[groups][];
        for (int g = 0; g < groups; g++) {
            out[g] = new int[counts[g]];
        }
        int[] fill = new int[groups];
        for (int i = 0; i < groupOf.length; i++) {
            int g = groupOf[i];
            if (g >= 0) {
                out[g][fill[g]++] = i;
            }
        }
        return out;
    }

    private StepVector countValues(AggregateExpr a, String label, List<StepSeries> series, int[] groupOf, Labels[] groupLabels, int steps) {
        if (label == null || !validLabelName(label)) {
            throw new QueryException(QueryException.EXECUTION, "invalid label name " + GoFormat.quote(label == null ? "" : label));
        }
        Map<Labels, StepSeries> out = new LinkedHashMap<>();
        // A series' value usually repeats from step to step: remember its last value's output
        // series so only a changed value costs a formatted string and a label set.
        long[] lastBits = new long[series.size()];
        StepSeries[] lastTarget = new StepSeries[series.size()];
        for (int s = 0; s < steps; s++) {
            for (int i = 0; i < series.size(); i++) {
                double f = series.get(i).values[s];
                NativeHistogram h = null;
                if (Absent.is(f)) {
                    h = series.get(i).hist(s);
                    if (h == null) {
                        continue;
                    }
                }
                long bits = Double.doubleToRawLongBits(f);
                // Histograms are counted by their Go String() form, as Prometheus labels them.
                StepSeries target = h == null && lastTarget[i] != null && lastBits[i] == bits ? lastTarget[i] : null;
                if (target == null) {
                    String value = h == null ? GoFormat.plain(f) : io.promethium.goformat.GoHistograms.string(h.toFloatHistogram());
                    Labels key = groupLabels[groupOf[i]].toBuilder().set(label, value).build();
                    target = out.get(key);
                    if (target == null) {
                        ev.ctx.allocate(steps);
                        target = StepSeries.empty(key, steps, false);
                        out.put(key, target);
                    }
                    lastBits[i] = bits;
                    lastTarget[i] = h == null ? target : null;
                }
                target.values[s] = target.has(s) ? target.values[s] + 1 : 1;
            }
        }
        return new StepVector(new ArrayList<>(out.values()));
    }

    static boolean validLabelName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        // UTF-8 label names are valid in Prometheus 3.x; only invalid UTF-8 is rejected.
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < name.length()
                    && Character.isLowSurrogate(name.charAt(i + 1)))) {
                return false;
            }
            if (c == '\uFFFD') {
                return false;
            }
        }
        return true;
    }
}
