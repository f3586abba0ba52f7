package io.promethium.promql.engine.internal.eval;

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
import io.promethium.promql.engine.internal.eval.Values.EvalValue;
import io.promethium.promql.engine.internal.eval.Values.ScalarSteps;
import io.promethium.promql.engine.internal.eval.Values.StepVector;
import io.promethium.promql.engine.internal.eval.Values.StringLit;
import io.promethium.promql.engine.internal.kernel.Absent;

import java.util.Arrays;

/**
 * Evaluates an expression over a whole grid of steps at once: every node yields its value for
 * all steps (a {@code double[]} per series), so a selector walks each series once for the
 * whole query instead of once per step.
 *
 * <p>This class dispatches on the node and holds what its collaborators share (the context, the
 * step times of {@code @}); the work is theirs: {@link InstantSelectors} and {@link RangeInputs}
 * read the storage, {@link BinaryOps}, {@link Aggregations} and {@link FunctionCalls} compute,
 * {@link ImmediateNameDrop} drops names at once and {@link HistogramStatsSelectors} marks the
 * selectors read for histogram statistics only.
 */
final class Evaluator {

    final EvalContext ctx;
    private final BinaryOps binaryOps;
    private final Aggregations aggregations;
    private final FunctionCalls functions;
    private final HistogramStatsSelectors statsSelectors = new HistogramStatsSelectors();
    private final ImmediateNameDrop nameDrop;
    private final InstantSelectors instantSelectors;
    private final RangeInputs rangeInputs;

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
        this.rangeInputs = new RangeInputs(this);
    }

    /** Marks the selectors of {@code root} that are read for histogram statistics only. */
    void prepare(Expr root) {
        statsSelectors.mark(root);
    }

    /** Whether {@code vs} is read for histogram statistics only. */
    boolean statsOnly(VectorSelector vs) {
        return statsSelectors.contains(vs);
    }

    /** Whether names marked to drop go only at the end (Prometheus's promql-delayed-name-removal). */
    boolean delayedNameRemoval() {
        return delayedNameRemoval;
    }

    /**
     * A range function's call (a node of its own, as {@link #eval} makes it) whose rows go to
     * {@code sink} as they are computed when it takes them: null is then answered. Else the call's
     * value, as {@link #eval} gives it.
     */
    StepVector rangeCall(Call call, StepGrid grid, RangeFunctions.RowSink sink) {
        return inNodeSpan(call, () -> {
            StepVector v = functions.rangeCall(call, grid, sink);
            return v == null || delayedNameRemoval ? v : nameDrop.apply(v, call);
        });
    }

    /** Whether the query being evaluated is a range query (sorting functions are then ineffective). */
    boolean isRangeQuery() {
        return rangeQuery;
    }

    EvalValue eval(Expr expr, StepGrid grid) {
        return inNodeSpan(expr, () -> evalAndDropNames(expr, grid));
    }

    /**
     * {@code body} after a look at the deadline, within the node's span when tracing: a span per
     * node, as Prometheus's evaluator makes one (once per node and query, never per step or series).
     */
    private <T> T inNodeSpan(Expr expr, java.util.function.Supplier<T> body) {
        ctx.checkDeadline();
        if (ctx.tracer != io.promethium.tracing.Tracer.NONE) {
            try (io.promethium.tracing.TraceSpan span = ctx.tracer.start(NodeSpans.name(expr))) {
                NodeSpans.describe(span, expr);
                return body.get();
            }
        }
        return body.get();
    }

    private EvalValue evalAndDropNames(Expr expr, StepGrid grid) {
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
            case MatrixSelector ms -> rangeInputs.matrixAt(ms, grid);
            case SubqueryExpr sq -> rangeInputs.subqueryAt(sq, grid);
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

    /**
     * An instant query that is one instant selector: its values in one flat array, as an
     * aggregation over it reads them ({@link InstantSelectors#selectorRows}), without a step
     * series per selected series (at 10 million series those were 20 million objects held while
     * the answer was written); null for any other query, which {@link #eval} evaluates.
     */
    Aggregations.Rows bareSelector(Expr expr, StepGrid grid) {
        if (!foldSelectors || rangeQuery || !(expr instanceof VectorSelector vs)
                || vs.modifier() == io.promethium.promql.ast.SelectorModifier.SMOOTHED || statsOnly(vs)) {
            return null;
        }
        return inNodeSpan(vs, () -> selectorRows(vs, grid));
    }

    /** An instant selector's values in one flat array, for an aggregation to fold ({@link InstantSelectors#selectorRows}). */
    Aggregations.Rows selectorRows(VectorSelector vs, StepGrid grid) {
        return instantSelectors.selectorRows(vs, grid);
    }

    /** A storage failure as the query's error ({@link StorageSelects#error}), for the range functions. */
    static QueryException storageError(Throwable t) {
        return StorageSelects.error(t);
    }

    /** Window ends per step for a range selector or subquery ({@link RangeInputs#windowEnds}). */
    long[] windowEnds(AtModifier kind, Long at, long offset, StepGrid grid) {
        return rangeInputs.windowEnds(kind, at, offset, grid);
    }

    /** The argument of a range function, telling the storage which function will read the data ({@link RangeInputs}). */
    RangeInput rangeInput(Expr arg, StepGrid grid, String function) {
        return rangeInputs.rangeInput(arg, grid, function);
    }

    static Expr unwrap(Expr e) {
        while (e instanceof ParenExpr p) {
            e = p.expr();
        }
        return e;
    }
}
