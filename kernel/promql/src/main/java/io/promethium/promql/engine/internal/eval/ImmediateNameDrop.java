package io.promethium.promql.engine.internal.eval;

import io.promethium.api.model.Labels;
import io.promethium.promql.ast.Call;
import io.promethium.promql.ast.Expr;
import io.promethium.promql.ast.MatrixSelector;
import io.promethium.promql.ast.SubqueryExpr;
import io.promethium.promql.engine.QueryException;
import io.promethium.promql.engine.internal.eval.Values.StepVector;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Dropping metric names at once (without promql-delayed-name-removal): a node drops the metric
 * name of its result at once, and two series left with the same labels are an error as in
 * Prometheus: for a function of a range vector whenever both have a result, else when both have
 * a sample at the same step (same-labelled series at different steps merge into one).
 */
final class ImmediateNameDrop {
    private final EvalContext ctx;

    ImmediateNameDrop(EvalContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Whether the results of {@code call} over series labelled {@code labels} (distinct label
     * sets, one per storage series) cannot collide once their names are dropped: the call reads
     * one range selector, and all have the same values of the labels a name drop removes.
     */
    static boolean cannotCollide(Call call, List<Labels> labels, boolean typeAndUnit) {
        int selectors = 0;
        boolean named = false;
        for (Expr a : call.args()) {
            Expr u = Evaluator.unwrap(a);
            if (u instanceof SubqueryExpr) {
                return false;
            }
            if (u instanceof MatrixSelector ms) {
                selectors++;
                named = !ms.selector().name().isEmpty();
            }
        }
        if (selectors != 1 || labels.isEmpty() || named && !typeAndUnit) {
            // A name written before the braces is every series' name: nothing else to look at.
            return selectors == 1;
        }
        Labels first = labels.get(0);
        String name = first.get(Labels.METRIC_NAME);
        String type = first.get(StepSeries.TYPE_LABEL);
        String unit = first.get(StepSeries.UNIT_LABEL);
        for (Labels l : labels) {
            if (!l.get(Labels.METRIC_NAME).equals(name)) {
                return false;
            }
            if (typeAndUnit && (!l.get(StepSeries.TYPE_LABEL).equals(type) || !l.get(StepSeries.UNIT_LABEL).equals(unit))) {
                return false;
            }
        }
        return true;
    }

    /** {@code v}, the value of {@code expr}, with the names marked to drop dropped. */
    StepVector apply(StepVector v, Expr expr) {
        List<StepSeries> series = v.series();
        boolean any = false;
        for (StepSeries s : series) {
            if (s.dropName) {
                any = true;
                break;
            }
        }
        if (!any) {
            return v;
        }
        boolean wholeSeries = expr instanceof Call c && c.args().stream().map(Evaluator::unwrap)
                .anyMatch(a -> a instanceof MatrixSelector || a instanceof SubqueryExpr);
        if (wholeSeries && !series.isEmpty() && cannotCollide((Call) expr, new AbstractList<>() {
            @Override
            public Labels get(int i) {
                return series.get(i).labels;
            }

            @Override
            public int size() {
                return series.size();
            }
        }, ctx.typeAndUnitLabels)) {
            // The storage's series differ in a label other than those dropped: none can collide,
            // so the check (a hash of every label set) is skipped. Most large queries are this.
            for (StepSeries s : series) {
                if (s.dropName) {
                    s.labels = StepSeries.withoutName(s.labels, ctx.typeAndUnitLabels);
                    s.dropName = false;
                }
            }
            return v;
        }
        Map<Labels, StepSeries> byLabels = new HashMap<>();
        List<StepSeries> out = new ArrayList<>(series.size());
        for (StepSeries s : series) {
            if (s.dropName) {
                s.labels = StepSeries.withoutName(s.labels, ctx.typeAndUnitLabels);
                s.dropName = false;
            }
            StepSeries first = byLabels.putIfAbsent(s.labels, s);
            if (first == null) {
                out.add(s);
                continue;
            }
            if (wholeSeries) {
                throw QueryException.execution("vector cannot contain metrics with the same labelset");
            }
            for (int i = 0; i < s.values.length; i++) {
                if (s.has(i)) {
                    if (first.has(i)) {
                        throw QueryException.execution("vector cannot contain metrics with the same labelset");
                    }
                    if (s.hist(i) != null) {
                        first.setHist(i, s.hist(i));
                    } else {
                        first.values[i] = s.values[i];
                    }
                }
            }
        }
        return out.size() == series.size() ? v : new StepVector(out);
    }
}
