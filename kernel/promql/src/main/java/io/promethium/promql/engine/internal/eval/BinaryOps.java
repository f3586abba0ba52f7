package io.promethium.promql.engine.internal.eval;

import io.promethium.api.model.Labels;
import io.promethium.promql.ast.BinaryExpr;
import io.promethium.promql.ast.BinaryOp;
import io.promethium.promql.ast.Cardinality;
import io.promethium.promql.ast.VectorMatching;
import io.promethium.promql.engine.QueryException;
import io.promethium.promql.engine.internal.eval.Values.EvalValue;
import io.promethium.promql.engine.internal.eval.Values.ScalarSteps;
import io.promethium.promql.engine.internal.eval.Values.StepVector;
import io.promethium.promql.engine.internal.kernel.Absent;
import io.promethium.promql.engine.internal.kernel.NativeHistogram;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Binary operators between scalars and vectors, with Prometheus's matching rules. */
final class BinaryOps {
    private final Evaluator ev;

    /** The expression being computed (set after its operands are evaluated), for annotations. */
    private io.promethium.promql.ast.PositionRange position;
    private final boolean[] keepFloatScratch = new boolean[1];

    BinaryOps(Evaluator ev) {
        this.ev = ev;
    }

    EvalValue eval(BinaryExpr b, StepGrid grid) {
        EvalValue lhs = ev.eval(b.lhs(), grid);
        EvalValue rhs = ev.eval(b.rhs(), grid);
        BinaryOp op = b.op();
        position = b.position();
        if (lhs instanceof ScalarSteps l && rhs instanceof ScalarSteps r) {
            double[] out = new double[grid.steps()];
            for (int i = 0; i < out.length; i++) {
                out[i] = scalarOp(op, l.values()[i], r.values()[i]);
            }
            return new ScalarSteps(out);
        }
        if (lhs instanceof StepVector l && rhs instanceof ScalarSteps r) {
            return vectorScalar(op, l, r.values(), false, b.returnBool());
        }
        if (lhs instanceof ScalarSteps l && rhs instanceof StepVector r) {
            return vectorScalar(op, r, l.values(), true, b.returnBool());
        }
        StepVector l = (StepVector) lhs;
        StepVector r = (StepVector) rhs;
        VectorMatching matching = b.matching() != null ? b.matching()
                : new VectorMatching(op.isSetOperator() ? Cardinality.MANY_TO_MANY : Cardinality.ONE_TO_ONE, List.of(), false, List.of());
        return switch (op) {
            case AND -> and(l, r, matching, grid);
            case OR -> or(l, r, matching, grid);
            case UNLESS -> unless(l, r, matching, grid);
            default -> vectorVector(op, l, r, matching, b.returnBool(), grid);
        };
    }

    /** Scalar-scalar: comparisons give 1 or 0 (they require bool in the grammar); trimming has no meaning. */
    static double scalarOp(BinaryOp op, double l, double r) {
        if (op.isTrim()) {
            throw new QueryException(QueryException.EXECUTION, "operator " + GoFormat.quote(op.symbol()) + " not allowed for Scalar operations");
        }
        if (op.isComparison()) {
            return compare(op, l, r) ? 1 : 0;
        }
        return arith(op, l, r);
    }

    static double arith(BinaryOp op, double l, double r) {
        return switch (op) {
            case ADD -> l + r;
            case SUB -> l - r;
            case MUL -> l * r;
            case DIV -> l / r;
            case MOD -> mod(l, r);
            case POW -> Math.pow(l, r);
            case ATAN2 -> Math.atan2(l, r);
            default -> throw new QueryException(QueryException.INTERNAL, "not an arithmetic operator: " + op);
        };
    }

    /** Go's math.Mod: the result has the sign of the dividend, as Java's % does for doubles. */
    private static double mod(double l, double r) {
        return l % r;
    }

    static boolean compare(BinaryOp op, double l, double r) {
        return switch (op) {
            case EQL -> l == r;
            case NEQ -> l != r;
            case GTR -> l > r;
            case LSS -> l < r;
            case GTE -> l >= r;
            case LTE -> l <= r;
            default -> throw new QueryException(QueryException.INTERNAL, "not a comparison: " + op);
        };
    }

    private StepVector vectorScalar(BinaryOp op, StepVector v, double[] scalar, boolean scalarLeft, boolean returnBool) {
        boolean comparison = op.isComparison();
        List<StepSeries> out = new ArrayList<>(v.series().size());
        for (StepSeries s : v.series()) {
            double[] values = s.values;
            boolean any = false;
            for (int i = 0; i < values.length; i++) {
                double x = values[i];
                if (Absent.is(x)) {
                    NativeHistogram h = s.hist(i);
                    if (h != null) {
                        NativeHistogram r = histogramScalar(op, h, scalar[i], scalarLeft);
                        s.hists[i] = r;
                        any |= r != null;
                    }
                    continue;
                }
                double l = scalarLeft ? scalar[i] : x;
                double r = scalarLeft ? x : scalar[i];
                if (op.isTrim()) {
                    // Trimming applies to histograms only.
                    incompatibleTypes(op, "float", "float");
                    values[i] = Absent.VALUE;
                    continue;
                }
                if (comparison) {
                    boolean keep = compare(op, l, r);
                    if (returnBool) {
                        values[i] = keep ? 1 : 0;
                    } else if (!keep) {
                        values[i] = Absent.VALUE;
                        continue;
                    } else {
                        // A filter keeps the vector's value, whichever side it is on.
                        values[i] = x;
                    }
                } else {
                    values[i] = arith(op, l, r);
                }
                any = true;
            }
            if (!(comparison || op.isTrim()) || returnBool) {
                s.dropName = true;
            }
            if (any) {
                out.add(s);
            }
        }
        return new StepVector(out);
    }

    /** A histogram with a scalar: * and / scale it; anything else has no result (an info, as in Prometheus). */
    private NativeHistogram histogramScalar(BinaryOp op, NativeHistogram h, double f, boolean scalarLeft) {
        if (op == BinaryOp.MUL) {
            return h.copy().mul(f);
        }
        if (op == BinaryOp.DIV && !scalarLeft) {
            return h.copy().div(f);
        }
        if (op.isTrim() && !scalarLeft) {
            return h.trim(op == BinaryOp.TRIM_UPPER, f);
        }
        incompatibleTypes(op, scalarLeft ? "float" : "histogram", scalarLeft ? "histogram" : "float");
        return null;
    }

    private void incompatibleTypes(BinaryOp op, String left, String right) {
        ev.ctx.annotations.info("incompatible sample types encountered for binary operator " + GoFormat.quote(op.symbol()) + ": "
                + left + " " + op.symbol() + " " + right, position);
    }

    /** Two samples where at least one is a histogram: the result, or null for none. */
    private NativeHistogram histogramPair(BinaryOp op, NativeHistogram hl, double fl, NativeHistogram hr, double fr, boolean[] keepFloat) {
        keepFloat[0] = false;
        if (hl != null && hr != null) {
            switch (op) {
                case ADD, SUB -> {
                    try {
                        if (hl.customBoundsDiffer(hr)) {
                            ev.ctx.annotations.info("mismatched custom buckets were reconciled during "
                                    + (op == BinaryOp.ADD ? "addition" : "subtraction"), position);
                        }
                        return op == BinaryOp.ADD ? hl.copy().add(hr) : hl.copy().sub(hr);
                    } catch (NativeHistogram.IncompatibleException e) {
                        ev.ctx.annotations.warn("vector contains a mix of histograms with exponential and custom buckets schemas for metric name \"\"",
                                position);
                        return null;
                    }
                }
                case EQL, NEQ -> {
                    boolean same = hl.sameAs(hr);
                    return (op == BinaryOp.EQL) == same ? hl : null;
                }
                default -> {
                    incompatibleTypes(op, "histogram", "histogram");
                    return null;
                }
            }
        }
        if (hl != null) {
            if (op == BinaryOp.MUL) {
                return hl.copy().mul(fr);
            }
            if (op == BinaryOp.DIV) {
                return hl.copy().div(fr);
            }
            if (op.isTrim()) {
                return hl.trim(op == BinaryOp.TRIM_UPPER, fr);
            }
            incompatibleTypes(op, "histogram", "float");
            return null;
        }
        if (op == BinaryOp.MUL) {
            return hr.copy().mul(fl);
        }
        incompatibleTypes(op, "float", "histogram");
        return null;
    }

    /** The matching key of a series: the labels of on(...), or all but ignoring(...) and the name. */
    static Labels signature(Labels labels, VectorMatching m) {
        if (m.on()) {
            Labels.Builder b = Labels.builder();
            for (String name : m.matchingLabels()) {
                b.set(name, labels.get(name));
            }
            return b.build();
        }
        Labels.Builder b = labels.toBuilder();
        b.remove(Labels.METRIC_NAME);
        for (String name : m.matchingLabels()) {
            b.remove(name);
        }
        return b.build();
    }

    private StepVector vectorVector(BinaryOp op, StepVector lhs, StepVector rhs, VectorMatching m, boolean returnBool, StepGrid grid) {
        Cardinality card = m.card();
        if (card == Cardinality.ONE_TO_MANY) {
            // Work with the "many" side on the left; values are swapped back when computed.
            StepVector t = lhs;
            lhs = rhs;
            rhs = t;
        }
        boolean swapped = card == Cardinality.ONE_TO_MANY;
        int steps = grid.steps();
        // Signatures are computed once per series, then matched per step by id.
        Map<Labels, Integer> sigIds = new HashMap<>();
        int[] rhsSig = new int[rhs.series().size()];
        for (int j = 0; j < rhsSig.length; j++) {
            rhsSig[j] = sigIds.computeIfAbsent(signature(rhs.series().get(j).labels, m), k -> sigIds.size());
        }
        int[] lhsSig = new int[lhs.series().size()];
        for (int j = 0; j < lhsSig.length; j++) {
            Integer id = sigIds.get(signature(lhs.series().get(j).labels, m));
            lhsSig[j] = id == null ? -1 : id;
        }
        int sigCount = sigIds.size();
        int[][] rhsBySig = groupBySig(rhsSig, sigCount);
        if (m.fillLeft() == null && m.fillRight() == null && fixedPartners(lhs, rhs, lhsSig, rhsBySig, card)) {
            return seriesBySeries(op, lhs, rhs, lhsSig, rhsBySig, m, returnBool, swapped, steps);
        }
        int[] rhsAt = new int[sigCount];
        int[] matchedAtStep = new int[sigCount];
        Arrays.fill(matchedAtStep, -1);
        boolean comparison = op.isComparison();
        Map<Long, StepSeries> pairs = new HashMap<>();
        // The partner of a left series rarely changes between steps: remember the last pair so
        // the common case needs no map lookup (and no boxed key) per sample.
        int[] lastPartner = new int[lhsSig.length];
        Arrays.fill(lastPartner, -1);
        StepSeries[] lastTarget = new StepSeries[lhsSig.length];
        Map<Labels, StepSeries> byLabels = new LinkedHashMap<>();
        Double fillLeft = m.fillLeft();
        Double fillRight = m.fillRight();
        int[] lhsSeenAt = new int[sigCount];
        Arrays.fill(lhsSeenAt, -1);
        StepSeries[] filledTargets = fillLeft == null ? null : new StepSeries[sigCount];
        for (int step = 0; step < steps; step++) {
            ev.ctx.checkDeadline();
            // The "one" side must be unique per signature at each step.
            for (int sig = 0; sig < sigCount; sig++) {
                int found = -1;
                for (int j : rhsBySig[sig]) {
                    if (rhs.series().get(j).has(step)) {
                        if (found >= 0) {
                            throw duplicateOnOneSide(rhs.series().get(found).labels, rhs.series().get(j).labels, m, swapped);
                        }
                        found = j;
                    }
                }
                rhsAt[sig] = found;
            }
            for (int i = 0; i < lhsSig.length; i++) {
                int sig = lhsSig[i];
                StepSeries ls = lhs.series().get(i);
                if (!ls.has(step)) {
                    continue;
                }
                if (sig >= 0) {
                    lhsSeenAt[sig] = step;
                }
                int j = sig < 0 ? -1 : rhsAt[sig];
                if (j < 0 && fillRight == null) {
                    continue;
                }
                StepSeries rs = j < 0 ? null : rhs.series().get(j);
                if (card == Cardinality.ONE_TO_ONE && j >= 0) {
                    if (matchedAtStep[sig] == step) {
                        throw new QueryException(QueryException.EXECUTION,
                                "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
                    }
                    matchedAtStep[sig] = step;
                }
                // A missing right-hand side takes the fill_right value (fill modifiers).
                double fl = ls.values[step];
                double fr = rs == null ? fillRight : rs.values[step];
                NativeHistogram hl = ls.hist(step);
                NativeHistogram hr = rs == null ? null : rs.hist(step);
                if (!compute(op, swapped ? fr : fl, swapped ? hr : hl, swapped ? fl : fr, swapped ? hl : hr, returnBool)) {
                    continue;
                }
                StepSeries target = lastPartner[i] == j ? lastTarget[i] : null;
                long key = ((long) i << 32) | (j & 0xffffffffL);
                if (target == null) {
                    target = pairs.get(key);
                }
                if (target == null) {
                    Labels metric = resultMetric(ls.labels, rs == null ? Labels.EMPTY : rs.labels, m);
                    boolean dropName = returnBool || !(comparison || op.isTrim()) || ls.dropName;
                    target = target(byLabels, metric, steps, dropName);
                    pairs.put(key, target);
                }
                lastPartner[i] = j;
                lastTarget[i] = target;
                store(target, step, card);
            }
            if (fillLeft != null) {
                // A right-hand series no left-hand one matched: the left side takes the fill_left
                // value, the result has the match group's labels (Prometheus's fill modifiers).
                for (int sig = 0; sig < sigCount; sig++) {
                    int j = rhsAt[sig];
                    if (j < 0 || lhsSeenAt[sig] == step) {
                        continue;
                    }
                    StepSeries rs = rhs.series().get(j);
                    double fr = rs.values[step];
                    NativeHistogram hr = rs.hist(step);
                    if (!compute(op, swapped ? fr : fillLeft, swapped ? hr : null, swapped ? fillLeft : fr, swapped ? null : hr, returnBool)) {
                        continue;
                    }
                    StepSeries target = filledTargets[sig];
                    if (target == null) {
                        boolean dropName = returnBool || !(comparison || op.isTrim()) || rs.dropName;
                        target = target(byLabels, signature(rs.labels, m), steps, dropName);
                        filledTargets[sig] = target;
                    }
                    store(target, step, card);
                }
            }
        }
        return results(byLabels);
    }

    /** The result series that have a sample, accounted. */
    private StepVector results(Map<Labels, StepSeries> byLabels) {
        List<StepSeries> out = new ArrayList<>(byLabels.size());
        long count = 0;
        for (StepSeries s : byLabels.values()) {
            int c = s.presentCount();
            if (c > 0) {
                out.add(s);
                count += c;
            }
        }
        ev.ctx.addSamples(count);
        return new StepVector(out);
    }

    /**
     * Whether each left series has the same partner at every step, so that no step can raise a
     * matching error: every match group has at most one series on the "one" side (and, one-to-one,
     * at most one on the other), and neither side holds histograms.
     */
    private static boolean fixedPartners(StepVector lhs, StepVector rhs, int[] lhsSig, int[][] rhsBySig, Cardinality card) {
        for (int[] group : rhsBySig) {
            if (group.length > 1) {
                return false;
            }
        }
        if (card == Cardinality.ONE_TO_ONE) {
            boolean[] seen = new boolean[rhsBySig.length];
            for (int sig : lhsSig) {
                if (sig >= 0) {
                    if (seen[sig]) {
                        return false;
                    }
                    seen[sig] = true;
                }
            }
        }
        for (StepSeries s : lhs.series()) {
            if (s.hists != null) {
                return false;
            }
        }
        for (StepSeries s : rhs.series()) {
            if (s.hists != null) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@link #vectorVector} when every left series keeps its partner ({@link #fixedPartners}): pair
     * by pair over the steps instead of step by step over the pairs, which touched every series'
     * row at each step (a cache miss per sample over a fleet; 8% of a week's {@code a - b} over 200
     * hosts, on the query's one thread). The answers are the same samples, and the series come out
     * in the left side's order, as Prometheus gives them at each step.
     */
    private StepVector seriesBySeries(BinaryOp op, StepVector lhs, StepVector rhs, int[] lhsSig, int[][] rhsBySig, VectorMatching m,
            boolean returnBool, boolean swapped, int steps) {
        Cardinality card = m.card();
        boolean comparison = op.isComparison();
        Map<Labels, StepSeries> byLabels = new LinkedHashMap<>();
        for (int i = 0; i < lhsSig.length; i++) {
            ev.ctx.checkDeadline();
            int sig = lhsSig[i];
            if (sig < 0 || rhsBySig[sig].length == 0) {
                continue;
            }
            StepSeries ls = lhs.series().get(i);
            StepSeries rs = rhs.series().get(rhsBySig[sig][0]);
            double[] lv = ls.values;
            double[] rv = rs.values;
            StepSeries target = null;
            // The first result of its labels goes over the left row itself, which this operation
            // alone reads and reads step by step before writing it (no row of its own: a fleet's
            // day of memory used, 20 rows of 1,441 steps, allocated 0.22 MB a request for them).
            boolean inPlace = false;
            for (int step = 0; step < steps; step++) {
                double fl = lv[step];
                double fr = rv[step];
                if (Absent.is(fl) || Absent.is(fr) || !compute(op, swapped ? fr : fl, null, swapped ? fl : fr, null, returnBool)) {
                    if (inPlace) {
                        lv[step] = Absent.VALUE;
                    }
                    continue;
                }
                if (target == null) {
                    boolean dropName = returnBool || !(comparison || op.isTrim()) || ls.dropName;
                    Labels metric = resultMetric(ls.labels, rs.labels, m);
                    inPlace = !byLabels.containsKey(metric);
                    if (inPlace) {
                        ev.ctx.allocate(steps);
                        ev.ctx.addSamples(0);
                        Arrays.fill(lv, 0, step, Absent.VALUE);
                        target = new StepSeries(metric, lv, dropName);
                        byLabels.put(metric, target);
                    } else {
                        target = byLabels.get(metric);
                    }
                }
                if (inPlace) {
                    lv[step] = computedValue;
                } else {
                    store(target, step, card);
                }
            }
        }
        return results(byLabels);
    }

    /** The result of the pair being computed by {@link #compute}. */
    private double computedValue;
    private NativeHistogram computedHist;

    /**
     * One result sample of a vector-vector operation, operands in written order, into
     * {@link #computedValue}/{@link #computedHist}; false when there is none (comparison false,
     * incompatible types).
     */
    private boolean compute(BinaryOp op, double fl, NativeHistogram hl, double fr, NativeHistogram hr, boolean returnBool) {
        computedHist = null;
        if (hl != null || hr != null) {
            if (returnBool) {
                if (hl != null && hr != null && (op == BinaryOp.EQL || op == BinaryOp.NEQ)) {
                    computedValue = (op == BinaryOp.EQL) == hl.sameAs(hr) ? 1 : 0;
                    return true;
                }
                incompatibleTypes(op, hl != null ? "histogram" : "float", hr != null ? "histogram" : "float");
                return false;
            }
            computedHist = histogramPair(op, hl, fl, hr, fr, keepFloatScratch);
            computedValue = Absent.VALUE;
            return computedHist != null;
        }
        if (op.isTrim()) {
            incompatibleTypes(op, "float", "float");
            return false;
        }
        if (op.isComparison()) {
            boolean keep = compare(op, fl, fr);
            if (returnBool) {
                computedValue = keep ? 1 : 0;
                return true;
            }
            computedValue = fl;
            return keep;
        }
        computedValue = arith(op, fl, fr);
        return true;
    }

    private StepSeries target(Map<Labels, StepSeries> byLabels, Labels metric, int steps, boolean dropName) {
        StepSeries target = byLabels.get(metric);
        if (target == null) {
            ev.ctx.allocate(steps);
            target = StepSeries.empty(metric, steps, dropName);
            byLabels.put(metric, target);
            ev.ctx.addSamples(0);
        }
        return target;
    }

    private void store(StepSeries target, int step, Cardinality card) {
        if (target.has(step)) {
            if (card == Cardinality.ONE_TO_ONE) {
                throw new QueryException(QueryException.EXECUTION,
                        "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
            }
            throw new QueryException(QueryException.EXECUTION,
                    "multiple matches for labels: grouping labels must ensure unique matches");
        }
        if (computedHist != null) {
            target.setHist(step, computedHist);
        } else {
            target.values[step] = computedValue;
        }
    }

    private static QueryException duplicateOnOneSide(Labels a, Labels b, VectorMatching m, boolean swapped) {
        String side = swapped ? "left" : "right";
        Labels group = signature(a, m);
        return new QueryException(QueryException.EXECUTION, "found duplicate series for the match group " + group + " on the " + side
                + " hand-side of the operation: [" + a + ", " + b + "];many-to-many matching not allowed: matching labels must be unique on one side");
    }

    /** The labels of a result sample: the "many" side's, reduced for one-to-one, plus group_x labels from the "one" side. */
    private static Labels resultMetric(Labels lhs, Labels rhs, VectorMatching m) {
        Labels.Builder b = lhs.toBuilder();
        if (m.card() == Cardinality.ONE_TO_ONE) {
            if (m.on()) {
                Labels.Builder kept = Labels.builder();
                for (String name : m.matchingLabels()) {
                    kept.set(name, lhs.get(name));
                }
                return kept.build();
            }
            for (String name : m.matchingLabels()) {
                b.remove(name);
            }
        } else {
            for (String name : m.include()) {
                String v = rhs.get(name);
                if (v.isEmpty()) {
                    b.remove(name);
                } else {
                    b.set(name, v);
                }
            }
        }
        return b.build();
    }

    private static int[][] groupBySig(int[] sigs, int sigCount) {
        int[] counts = new int[sigCount];
        for (int s : sigs) {
            counts[s]++;
        }
        int[][] out = new int[sigCount][];
        for (int i = 0; i < sigCount; i++) {
            out[i] = new int[counts[i]];
        }
        int[] fill = new int[sigCount];
        for (int j = 0; j < sigs.length; j++) {
            out[sigs[j]][fill[sigs[j]]++] = j;
        }
        return out;
    }

    private static Labels[] signatures(StepVector v, VectorMatching m) {
        Labels[] out = new Labels[v.series().size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = signature(v.series().get(i).labels, m);
        }
        return out;
    }

    /** Per signature, per step, whether any series of {@code v} with it is present. */
    private static Map<Labels, boolean[]> presence(StepVector v, Labels[] sigs, int steps) {
        Map<Labels, boolean[]> out = new HashMap<>();
        for (int i = 0; i < sigs.length; i++) {
            boolean[] p = out.computeIfAbsent(sigs[i], k -> new boolean[steps]);
            StepSeries series = v.series().get(i);
            for (int s = 0; s < steps; s++) {
                if (series.has(s)) {
                    p[s] = true;
                }
            }
        }
        return out;
    }

    private StepVector and(StepVector lhs, StepVector rhs, VectorMatching m, StepGrid grid) {
        Map<Labels, boolean[]> right = presence(rhs, signatures(rhs, m), grid.steps());
        Labels[] lsigs = signatures(lhs, m);
        List<StepSeries> out = new ArrayList<>();
        for (int i = 0; i < lsigs.length; i++) {
            StepSeries s = lhs.series().get(i);
            boolean[] p = right.get(lsigs[i]);
            boolean any = false;
            for (int step = 0; step < s.values.length; step++) {
                if (p == null || !p[step]) {
                    s.clear(step);
                } else if (s.has(step)) {
                    any = true;
                }
            }
            if (any) {
                out.add(s);
            }
        }
        return new StepVector(out);
    }

    private StepVector unless(StepVector lhs, StepVector rhs, VectorMatching m, StepGrid grid) {
        Map<Labels, boolean[]> right = presence(rhs, signatures(rhs, m), grid.steps());
        Labels[] lsigs = signatures(lhs, m);
        List<StepSeries> out = new ArrayList<>();
        for (int i = 0; i < lsigs.length; i++) {
            StepSeries s = lhs.series().get(i);
            if (keepsStepsAbsentFrom(s, right.get(lsigs[i]))) {
                out.add(s);
            }
        }
        return new StepVector(out);
    }

    private StepVector or(StepVector lhs, StepVector rhs, VectorMatching m, StepGrid grid) {
        Map<Labels, boolean[]> left = presence(lhs, signatures(lhs, m), grid.steps());
        Labels[] rsigs = signatures(rhs, m);
        List<StepSeries> out = new ArrayList<>(lhs.series());
        for (int i = 0; i < rsigs.length; i++) {
            StepSeries s = rhs.series().get(i);
            if (keepsStepsAbsentFrom(s, left.get(rsigs[i]))) {
                out.add(s);
            }
        }
        return new StepVector(out);
    }

    /**
     * Blanks the steps of {@code s} where the other side has a sample ({@code present} may be
     * null: no match at all) and tells whether any step is left.
     */
    private static boolean keepsStepsAbsentFrom(StepSeries s, boolean[] present) {
        boolean any = false;
        for (int step = 0; step < s.values.length; step++) {
            if (present != null && present[step]) {
                s.clear(step);
            } else if (s.has(step)) {
                any = true;
            }
        }
        return any;
    }
}
