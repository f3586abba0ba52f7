package io.promethium.promql.engine.internal.eval;

import io.promethium.api.model.Labels;
import io.promethium.promql.ast.AggregateExpr;
import io.promethium.promql.ast.Call;
import io.promethium.promql.engine.internal.eval.Values.StepVector;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A folding aggregation over a range function, fed the function's rows as they are computed
 * ({@link RangeFunctions.RowSink}), so that no row outlives its chunk: at 10 million series a
 * {@code sum(rate(...))} range query otherwise held a row of 41 rates per series (460 MB) until
 * the sample limit refused it, and each garbage collection meanwhile copied them.
 *
 * <p>It answers as the aggregation over the held rows does: groups in order of first appearance,
 * rows folded in the input's order ({@link GroupFold}), the same names dropped (at once, or
 * delayed per group), and the group samples counted when the input is complete.
 */
final class GroupStream implements RangeFunctions.RowSink {
    private final Evaluator ev;
    private final AggregateExpr a;
    private final int steps;
    private final GroupFold fold;
    private final boolean delayed;
    /** Whether a group's key is made from the labels once the name is dropped ({@code by (__name__)}). */
    private final boolean keyWithoutName;
    private final boolean oneGroup;
    private final Map<Labels, Integer> groupIds = new LinkedHashMap<>();
    private boolean[] groupDropName = new boolean[16];

    GroupStream(Evaluator ev, AggregateExpr a, int steps) {
        this.ev = ev;
        this.a = a;
        this.steps = steps;
        this.fold = new GroupFold(ev, a, steps);
        this.delayed = ev.delayedNameRemoval();
        this.oneGroup = !a.without() && a.grouping().isEmpty();
        boolean typeAndUnit = ev.ctx.typeAndUnitLabels;
        this.keyWithoutName = !delayed && !a.without() && a.grouping().stream().anyMatch(n -> n.equals(Labels.METRIC_NAME)
                || typeAndUnit && (n.equals(StepSeries.TYPE_LABEL) || n.equals(StepSeries.UNIT_LABEL)));
    }

    /**
     * Dropping names at once, two rows left with the same labels fail the query, which a stream
     * cannot see: it takes only the input that cannot collide ({@link ImmediateNameDrop#cannotCollide}).
     */
    @Override
    public boolean accepts(Call call, List<Labels> inputLabels) {
        return delayed || ImmediateNameDrop.cannotCollide(call, inputLabels, ev.ctx.typeAndUnitLabels);
    }

    @Override
    public void rows(List<StepSeries> rows) {
        Aggregations.Rows view = Aggregations.Rows.of(rows);
        for (int i = 0; i < rows.size(); i++) {
            StepSeries r = rows.get(i);
            int g = group(r);
            if (delayed && r.dropName) {
                groupDropName[g] = true;
            }
            fold.add(g, view, i);
        }
    }

    private int group(StepSeries r) {
        if (oneGroup) {
            fold.ensureGroups(1);
            return 0;
        }
        Labels labels = keyWithoutName && r.dropName ? StepSeries.withoutName(r.labels, ev.ctx.typeAndUnitLabels) : r.labels;
        Labels key = Aggregations.groupKey(labels, a, ev.ctx.typeAndUnitLabels);
        Integer id = groupIds.get(key);
        if (id != null) {
            return id;
        }
        int g = groupIds.size();
        fold.ensureGroups(g + 1);
        groupIds.put(key, g);
        if (g >= groupDropName.length) {
            groupDropName = Arrays.copyOf(groupDropName, groupDropName.length * 2);
        }
        return g;
    }

    /** The aggregation's result, once every row is folded. */
    StepVector finish() {
        int groups = fold.groups();
        Labels[] groupLabels = oneGroup ? (groups == 0 ? new Labels[0] : new Labels[] {Labels.EMPTY})
                : groupIds.keySet().toArray(new Labels[0]);
        ev.ctx.addSamples((long) groups * steps);
        StepVector v = fold.finish(groupLabels);
        return delayed ? Aggregations.withDropName(v, groupLabels, Arrays.copyOf(groupDropName, groups)) : v;
    }
}
