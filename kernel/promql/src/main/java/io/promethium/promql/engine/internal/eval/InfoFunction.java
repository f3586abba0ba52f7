package io.promethium.promql.engine.internal.eval;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.promql.ast.AtModifier;
import io.promethium.promql.ast.Call;
import io.promethium.promql.ast.Expr;
import io.promethium.promql.ast.Exprs;
import io.promethium.promql.ast.SubqueryExpr;
import io.promethium.promql.ast.VectorSelector;
import io.promethium.promql.engine.QueryException;
import io.promethium.promql.engine.internal.eval.Values.StepVector;
import io.promethium.promql.engine.internal.kernel.Absent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The experimental {@code info(v, {selector})}: each series of {@code v} gains the data labels of
 * the info series ({@code target_info} unless the selector names others) that share its
 * identifying labels ({@code instance}, {@code job}) at each step, as Prometheus's info function.
 * Labels the series already has are kept; with data-label matchers only the labels they name are
 * added, and a series is dropped at steps where no info series matched and a matcher refuses the
 * empty value. Info series are read as of the same times as the series ({@code @} and offset).
 */
final class InfoFunction {

    private static final List<String> IDENTIFYING = List.of("instance", "job");

    private final Evaluator ev;

    InfoFunction(Evaluator ev) {
        this.ev = ev;
    }

    StepVector eval(Call call, StepGrid grid) {
        StepVector base = ev.evalVector(call.args().get(0), grid);
        List<Matcher> nameMatchers = new ArrayList<>();
        List<Matcher> dataMatchers = new ArrayList<>();
        if (call.args().size() > 1 && Exprs.unwrapParens(call.args().get(1)) instanceof VectorSelector sel) {
            for (Matcher m : sel.matchers()) {
                (m.name().equals(Labels.METRIC_NAME) ? nameMatchers : dataMatchers).add(m);
            }
        }
        if (nameMatchers.isEmpty()) {
            nameMatchers.add(Matcher.equal(Labels.METRIC_NAME, "target_info"));
        } else if (nameMatchers.stream().noneMatch(m -> m.type() == io.promethium.api.model.MatchType.EQUAL
                || m.type() == io.promethium.api.model.MatchType.REGEX)) {
            // Only exclusions: among the info metrics, whose names end in _info.
            nameMatchers.add(Matcher.of(io.promethium.api.model.MatchType.REGEX, Labels.METRIC_NAME, ".+_info"));
        }
        boolean dropWithoutMatch = false;
        for (Matcher m : dataMatchers) {
            dropWithoutMatch |= !m.matchesEmpty();
        }
        // The info series, selected as of the times the base series were (its @ and offset).
        List<Matcher> select = new ArrayList<>(nameMatchers);
        select.addAll(dataMatchers);
        VectorSelector reference = referenceSelector(call.args().get(0));
        VectorSelector infoSelector = new VectorSelector("", select,
                reference == null ? 0 : reference.offsetMillis(), reference == null ? null : reference.atMillis(),
                reference == null ? AtModifier.NONE : reference.atKind(), call.position());
        StepVector infos = ev.vectorSelector(infoSelector, grid, true);
        for (StepSeries info : ev.vectorSelector(infoSelector, grid, false).series()) {
            if (info.hists != null) {
                throw new QueryException(QueryException.EXECUTION, "info series " + info.labels + " has histogram samples: info metrics must be floats");
            }
        }
        // Info series by identifying labels.
        Map<Labels, List<StepSeries>> byIdentity = new LinkedHashMap<>();
        for (StepSeries info : infos.series()) {
            byIdentity.computeIfAbsent(identity(info.labels), k -> new ArrayList<>()).add(info);
        }
        int steps = grid.steps();
        Map<Labels, StepSeries> out = new LinkedHashMap<>();
        for (StepSeries s : base.series()) {
            if (isInfoSeries(s.labels, nameMatchers)) {
                add(out, s.labels, s, -1, steps);
                continue;
            }
            Labels id = identity(s.labels);
            List<StepSeries> candidates = id.size() == 0 ? List.of() : byIdentity.getOrDefault(id, List.of());
            for (int k = 0; k < steps; k++) {
                if (!s.has(k)) {
                    continue;
                }
                // Per info metric name, the series with the newest sample at this step.
                Map<String, StepSeries> newest = new TreeMap<>();
                for (StepSeries info : candidates) {
                    if (Absent.is(info.values[k])) {
                        continue;
                    }
                    StepSeries current = newest.get(info.labels.metricName());
                    if (current == null || info.values[k] > current.values[k]) {
                        newest.put(info.labels.metricName(), info);
                    }
                }
                if (newest.isEmpty()) {
                    if (!dropWithoutMatch) {
                        add(out, s.labels, s, k, steps);
                    }
                    continue;
                }
                Labels.Builder b = s.labels.toBuilder();
                Map<String, String> added = new TreeMap<>();
                for (StepSeries info : newest.values()) {
                    final int step = k;
                    info.labels.forEach((name, value) -> {
                        if (name.equals(Labels.METRIC_NAME) || s.labels.has(name) || !wanted(name, dataMatchers)) {
                            return;
                        }
                        String previous = added.put(name, value);
                        if (previous != null && !previous.equals(value)) {
                            throw new QueryException(QueryException.EXECUTION, "conflicting label: " + name + " has values " + previous
                                    + " and " + value + " from different info metrics at step " + step);
                        }
                    });
                }
                added.forEach(b::set);
                add(out, b.build(), s, k, steps);
            }
        }
        return new StepVector(new ArrayList<>(out.values()));
    }

    /** Whether label {@code name} of an info series is to be added. */
    private static boolean wanted(String name, List<Matcher> dataMatchers) {
        if (dataMatchers.isEmpty()) {
            return !IDENTIFYING.contains(name);
        }
        for (Matcher m : dataMatchers) {
            if (m.name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isInfoSeries(Labels labels, List<Matcher> nameMatchers) {
        String name = labels.metricName();
        for (Matcher m : nameMatchers) {
            if (!m.matches(name)) {
                return false;
            }
        }
        return true;
    }

    private static Labels identity(Labels labels) {
        Labels.Builder b = Labels.builder();
        for (String l : IDENTIFYING) {
            if (labels.has(l)) {
                b.set(l, labels.get(l));
            }
        }
        return b.build();
    }

    /** Copies step {@code k} of {@code s} (all steps when k < 0) into the output series with {@code labels}. */
    private void add(Map<Labels, StepSeries> out, Labels labels, StepSeries s, int k, int steps) {
        StepSeries target = out.get(labels);
        if (target == null) {
            ev.ctx.allocate(steps);
            target = StepSeries.empty(labels, steps, s.dropName);
            out.put(labels, target);
        }
        int from = k < 0 ? 0 : k;
        int to = k < 0 ? steps : k + 1;
        for (int i = from; i < to; i++) {
            if (!s.has(i)) {
                continue;
            }
            if (target.has(i)) {
                throw QueryException.execution("vector cannot contain metrics with the same labelset");
            }
            if (s.hist(i) != null) {
                target.setHist(i, s.hist(i));
            } else {
                target.values[i] = s.values[i];
            }
        }
    }

    /** The selector whose @ and offset the info series follow: the argument's first one (through a subquery's). */
    private static VectorSelector referenceSelector(Expr arg) {
        List<VectorSelector> selectors = Exprs.selectors(arg);
        if (selectors.isEmpty()) {
            return null;
        }
        VectorSelector vs = selectors.get(0);
        SubqueryExpr[] sq = new SubqueryExpr[1];
        Exprs.walk(arg, e -> {
            if (e instanceof SubqueryExpr s && sq[0] == null) {
                sq[0] = s;
            }
        });
        if (sq[0] != null) {
            SubqueryExpr s = sq[0];
            // Reads as of the subquery's time (its @ or the step) minus both offsets.
            return vs.withModifiers(s.offsetMillis() + vs.offsetMillis(), s.atMillis(), s.atKind(), vs.position());
        }
        return vs;
    }
}
