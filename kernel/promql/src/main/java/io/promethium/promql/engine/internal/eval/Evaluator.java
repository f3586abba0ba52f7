package io.promethium.promql.engine.internal.eval;

import io.promethium.api.model.Labels;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.SeriesSet;
import io.promethium.promql.ast.AggregateExpr;
import io.promethium.promql.ast.AtModifier;
import io.promethium.promql.ast.BinaryExpr;
import io.promethium.promql.ast.Call;
import io.promethium.promql.ast.Expr;
import io.promethium.promql.ast.MatrixSelector;
import io.promethium.promql.ast.NumberLiteral;
import io.promethium.promql.ast.ParenExpr;
import io.promethium.promql.ast.StringLiteral;
import io.promethium.promql.ast.SubqueryExpr;
import io.promethium.promql.ast.UnaryExpr;
import io.promethium.promql.ast.UnaryOp;
import io.promethium.promql.ast.VectorSelector;
import io.promethium.promql.engine.QueryException;
import io.promethium.promql.engine.SeriesData;
import io.promethium.promql.engine.internal.eval.Values.EvalValue;
import io.promethium.promql.engine.internal.eval.Values.MatrixValue;
import io.promethium.promql.engine.internal.eval.Values.ScalarSteps;
import io.promethium.promql.engine.internal.eval.Values.StepVector;
import io.promethium.promql.engine.internal.eval.Values.StringLit;
import io.promethium.promql.engine.internal.kernel.Absent;
import io.promethium.promql.engine.internal.kernel.NativeHistogram;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Evaluates an expression over a whole grid of steps at once: every node yields its value for
 * all steps (a {@code double[]} per series), so a selector walks each series once for the
 * whole query instead of once per step.
 */
final class Evaluator {

    /** The resolution of a subquery without an explicit step ({@code [5m:]}), as Prometheus's default. */
    static final long DEFAULT_SUBQUERY_STEP = 60_000;

    final EvalContext ctx;
    private final BinaryOps binaryOps;
    private final Aggregations aggregations;
    private final FunctionCalls functions;
    private final HistogramStatsSelectors statsSelectors = new HistogramStatsSelectors();
    private final ImmediateNameDrop nameDrop;
    private final InstantSelectors instantSelectors;

    private final boolean rangeQuery;
    /** Prometheus's promql-delayed-name-removal: names marked to drop go only at the end. */
    private final boolean delayedNameRemoval;

    /**
     * Whether an aggregation directly over an instant selector folds the selector's values from
     * one flat array ({@link #selectorRows}) instead of a step series per selected series; off
     * only in tests that compare the two.
     */
    final boolean foldSelectors;

    Evaluator(EvalContext ctx, boolean rangeQuery, boolean delayedNameRemoval, boolean foldSelectors) {
        this.foldSelectors = foldSelectors;
        this.ctx = ctx;
        this.rangeQuery = rangeQuery;
        this.delayedNameRemoval = delayedNameRemoval;
        this.binaryOps = new BinaryOps(this);
        this.aggregations = new Aggregations(this);
        this.functions = new FunctionCalls(this);
        this.nameDrop = new ImmediateNameDrop(ctx);
        this.instantSelectors = new InstantSelectors(this);
    }

    /** Marks the selectors of {@code root} that are read for histogram statistics only. */
    void prepare(Expr root) {
        statsSelectors.mark(root);
    }

    /** Whether {@code vs} is read for histogram statistics only. */
    boolean statsOnly(VectorSelector vs) {
        return statsSelectors.contains(vs);
    }

    /** Whether the query being evaluated is a range query (sorting functions are then ineffective). */
    boolean isRangeQuery() {
        return rangeQuery;
    }

    EvalValue eval(Expr expr, StepGrid grid) {
        ctx.checkDeadline();
        EvalValue v = evalNode(expr, grid);
        if (!delayedNameRemoval && v instanceof StepVector sv) {
            return nameDrop.apply(sv, expr);
        }
        return v;
    }

    private EvalValue evalNode(Expr expr, StepGrid grid) {
        return switch (expr) {
            case NumberLiteral n -> {
                double[] v = new double[grid.steps()];
                Arrays.fill(v, n.value());
                yield new ScalarSteps(v);
            }
            case StringLiteral s -> new StringLit(s.value());
            case ParenExpr p -> eval(p.expr(), grid);
            case UnaryExpr u -> unary(u, grid);
            case VectorSelector vs -> vs.modifier() == io.promethium.promql.ast.SelectorModifier.SMOOTHED
                    ? new ExtendedRange(this).smoothedSelector(vs, grid) : vectorSelector(vs, grid, false);
            case MatrixSelector ms -> matrixAt(ms, grid);
            case SubqueryExpr sq -> subqueryAt(sq, grid);
            case BinaryExpr b -> binaryOps.eval(b, grid);
            case AggregateExpr a -> aggregations.eval(a, grid);
            case Call c -> functions.eval(c, grid);
        };
    }

    StepVector evalVector(Expr expr, StepGrid grid) {
        EvalValue v = eval(expr, grid);
        if (v instanceof StepVector sv) {
            return sv;
        }
        throw new QueryException(QueryException.EXECUTION, "expected instant vector, got " + v.getClass().getSimpleName());
    }

    double[] evalScalar(Expr expr, StepGrid grid) {
        EvalValue v = eval(expr, grid);
        if (v instanceof ScalarSteps s) {
            return s.values();
        }
        throw new QueryException(QueryException.EXECUTION, "expected scalar, got " + v.getClass().getSimpleName());
    }

    private EvalValue unary(UnaryExpr u, StepGrid grid) {
        EvalValue v = eval(u.expr(), grid);
        if (u.op() == UnaryOp.POS) {
            return v;
        }
        if (v instanceof ScalarSteps s) {
            double[] out = s.values().clone();
            for (int i = 0; i < out.length; i++) {
                out[i] = -out[i];
            }
            return new ScalarSteps(out);
        }
        StepVector sv = (StepVector) v;
        for (StepSeries s : sv.series()) {
            double[] values = s.values;
            for (int i = 0; i < values.length; i++) {
                if (!Absent.is(values[i])) {
                    values[i] = -values[i];
                } else if (s.hist(i) != null) {
                    s.hists[i] = s.hists[i].copy().mul(-1);
                }
            }
            s.dropName = true;
        }
        return sv;
    }

    /** The time a selector or subquery is evaluated at for a step, before its offset. */
    long refTime(AtModifier kind, Long at, StepGrid grid, int step) {
        return switch (kind) {
            case TIMESTAMP -> at;
            case START -> ctx.queryStart;
            case END -> ctx.queryEnd;
            case NONE -> grid.time(step);
        };
    }

    /**
     * An instant vector selector ({@link InstantSelectors}); with {@code timestamps}, the value is
     * the sample's time in seconds (for {@code timestamp()}).
     */
    StepVector vectorSelector(VectorSelector vs, StepGrid grid, boolean timestamps) {
        return instantSelectors.vectorSelector(vs, grid, timestamps);
    }

    /** An instant vector selector answering {@code answer} ({@link InstantSelectors#SAMPLE_VALUES} ...) per step. */
    StepVector vectorSelector(VectorSelector vs, StepGrid grid, int answer) {
        return instantSelectors.vectorSelector(vs, grid, answer);
    }

    /** An instant selector's values in one flat array, for an aggregation to fold ({@link InstantSelectors#selectorRows}). */
    Aggregations.Rows selectorRows(VectorSelector vs, StepGrid grid) {
        return instantSelectors.selectorRows(vs, grid);
    }

    /** A storage failure as the query's error ({@link StorageSelects#error}), for the range functions. */
    static QueryException storageError(Throwable t) {
        return StorageSelects.error(t);
    }

    /** Window ends per step for a range selector or subquery. */
    long[] windowEnds(AtModifier kind, Long at, long offset, StepGrid grid) {
        long[] ends = new long[grid.steps()];
        for (int i = 0; i < ends.length; i++) {
            ends[i] = refTime(kind, at, grid, i) - offset;
        }
        return ends;
    }

    /** The argument of a range function: a range selector or a subquery. */
    RangeInput rangeInput(Expr arg, StepGrid grid) {
        return rangeInput(arg, grid, "");
    }

    /** As {@link #rangeInput(Expr, StepGrid)}, telling the storage which function will read the data. */
    RangeInput rangeInput(Expr arg, StepGrid grid, String function) {
        Expr e = unwrap(arg);
        if (e instanceof MatrixSelector ms) {
            VectorSelector vs = ms.selector();
            long[] ends = windowEnds(vs.atKind(), vs.atMillis(), vs.offsetMillis(), grid);
            long minEnd = Arrays.stream(ends).min().orElseThrow();
            long maxEnd = Arrays.stream(ends).max().orElseThrow();
            long range = ms.rangeMillis();
            // For histogram statistics the sample at a window's (open) start is read too: it gives
            // the first sample inside its counter-reset hint, as Prometheus's seek to the start does.
            boolean stats = statsOnly(vs);
            long from = stats ? minEnd - range : minEnd - range + 1;
            Querier querier = ctx.querier(from, maxEnd);
            SelectHints hints = new SelectHints(from, maxEnd, grid.interval(), function, range, List.of(), false);
            SeriesSet set = StorageSelects.select(ctx, querier, hints, vs);
            List<Labels> labels = new ArrayList<>();
            List<Series> series = new ArrayList<>();
            while (set.next()) {
                Series s = set.at();
                labels.add(s.labels());
                series.add(s);
            }
            StorageSelects.check(ctx, set);
            RangeInput in = RangeInput.ofStorage(labels, series, range, ends);
            in.statsHints = stats;
            return in;
        }
        if (e instanceof SubqueryExpr sq) {
            long[] ends = windowEnds(sq.atKind(), sq.atMillis(), sq.offsetMillis(), grid);
            StepGrid inner = subqueryGrid(sq, ends);
            StepVector v = evalVector(sq.expr(), inner);
            // A cheap inner expression (a constant, vector(1)) runs millions of steps between two
            // of checkDeadline's 256-call looks: look once more before its points are copied.
            ctx.checkDeadlineNow();
            List<Labels> labels = new ArrayList<>();
            List<long[]> ts = new ArrayList<>();
            List<double[]> vs = new ArrayList<>();
            List<NativeHistogram[]> hs = new ArrayList<>();
            int[] lengths = new int[v.series().size()];
            int k = 0;
            for (StepSeries s : v.series()) {
                ctx.allocate(2L * s.values.length);
                long[] t = new long[s.values.length];
                double[] x = new double[s.values.length];
                NativeHistogram[] h = s.hists == null ? null : new NativeHistogram[s.values.length];
                int len = 0;
                for (int i = 0; i < s.values.length; i++) {
                    if (s.has(i)) {
                        t[len] = inner.time(i);
                        x[len] = s.values[i];
                        if (h != null) {
                            h[len] = s.hists[i];
                        }
                        len++;
                    }
                }
                labels.add(s.outputLabels(ctx.typeAndUnitLabels));
                ts.add(t);
                vs.add(x);
                hs.add(h);
                lengths[k++] = len;
            }
            RangeInput in = RangeInput.ofArrays(labels, ts, vs, lengths, sq.rangeMillis(), ends);
            in.arrayHists = hs;
            return in;
        }
        throw new QueryException(QueryException.BAD_DATA, "expected a range vector argument");
    }

    static Expr unwrap(Expr e) {
        while (e instanceof ParenExpr p) {
            e = p.expr();
        }
        return e;
    }

    /** Prometheus's subquery steps: aligned to multiples of the step, strictly after the window start. */
    StepGrid subqueryGrid(SubqueryExpr sq, long[] windowEnds) {
        long interval = sq.stepMillis() > 0 ? sq.stepMillis() : DEFAULT_SUBQUERY_STEP;
        long firstEnd = Arrays.stream(windowEnds).min().orElseThrow();
        long lastEnd = Arrays.stream(windowEnds).max().orElseThrow();
        long first = firstEnd - sq.rangeMillis();
        long start = interval * (first / interval);
        if (start <= first) {
            start += interval;
        }
        if (start > lastEnd) {
            // An empty subquery window: evaluate one step that no window will contain.
            return StepGrid.of(start, start, interval);
        }
        long steps = (lastEnd - start) / interval + 1;
        ctx.checkDeadlineNow();
        if (steps > 11_000_000L) {
            throw new QueryException(QueryException.EXECUTION, "subquery has too many steps: " + steps);
        }
        return StepGrid.of(start, lastEnd, interval);
    }

    /** A range selector as a value: only as the result of an instant query (one step). */
    private MatrixValue matrixAt(MatrixSelector ms, StepGrid grid) {
        return windowsAsMatrix(rangeInput(ms, grid), false);
    }

    private MatrixValue subqueryAt(SubqueryExpr sq, StepGrid grid) {
        return windowsAsMatrix(rangeInput(sq, grid), true);
    }

    private MatrixValue windowsAsMatrix(RangeInput input, boolean keepLabels) {
        List<SeriesData> out = new ArrayList<>();
        WindowBuffer buffer = new WindowBuffer();
        SampleIterator reuse = null;
        long end = input.windowEnds[input.windowEnds.length - 1];
        for (int i = 0; i < input.size(); i++) {
            reuse = input.iterator(i, reuse);
            buffer.reset(reuse);
            buffer.advance(end - input.range, end);
            int n = buffer.size();
            if (n == 0) {
                continue;
            }
            ctx.addSamples(n);
            io.promethium.api.model.FloatHistogram[] hists = null;
            if (buffer.histCount() > 0) {
                hists = new io.promethium.api.model.FloatHistogram[n];
                for (int j = 0; j < n; j++) {
                    NativeHistogram h = buffer.hs[buffer.lo + j];
                    hists[j] = h == null ? null : h.toFloatHistogram();
                }
            }
            out.add(new SeriesData(input.labels.get(i), Arrays.copyOfRange(buffer.ts, buffer.lo, buffer.hi),
                    Arrays.copyOfRange(buffer.vs, buffer.lo, buffer.hi), n, hists));
        }
        return new MatrixValue(out);
    }
}
